"""Settings of the documents service (`TIDTAM_*`)."""

from __future__ import annotations

import functools

from pydantic import AliasChoices, Field

from crmkit.config import ServiceSettings, service_database

SERVICE = "documents"


class DocumentsSettings(ServiceSettings):
    service_name: str = SERVICE
    database_url: str = service_database(SERVICE, "app")
    migrate_database_url: str = service_database(SERVICE, "migrate")
    relay_database_url: str = service_database(SERVICE, "relay")
    # PDF rendering (pdf/workers.py): processes, seconds per document, MiB of address space
    # per process (0: no limit).
    pdf_workers: int = Field(default=2, ge=1, validation_alias=AliasChoices("TIDTAM_PDF_WORKERS"))
    pdf_timeout: float = Field(default=20.0, gt=0,
                               validation_alias=AliasChoices("TIDTAM_PDF_TIMEOUT"))
    pdf_memory_mb: int = Field(default=1536, ge=0,
                               validation_alias=AliasChoices("TIDTAM_PDF_MEMORY_MB"))

    # The consumer handles the events waiting, up to this many, in one transaction per
    # tenant (an import's lead.created burst: one transaction per event was most of the
    # catching up's CPU; bench/consumers.py). TIDTAM_CONSUMER_BATCH; the kit's default is 1.
    consumer_batch: int = Field(default=32, ge=1, le=1000,
                                validation_alias=AliasChoices("TIDTAM_CONSUMER_BATCH"))


@functools.cache
def settings() -> DocumentsSettings:
    return DocumentsSettings()

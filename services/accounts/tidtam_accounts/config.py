"""Settings of the accounts service (`TIDTAM_ACCOUNTS_*` for its own, the kit's for shared)."""

from __future__ import annotations

import functools

from pydantic import AliasChoices, Field, FilePath, field_validator

from crmkit.config import ServiceSettings, service_database

SERVICE = "accounts"


class AccountsSettings(ServiceSettings):
    service_name: str = SERVICE
    database_url: str = service_database(SERVICE, "app")
    migrate_database_url: str = service_database(SERVICE, "migrate")
    relay_database_url: str = service_database(SERVICE, "relay")

    # The Revenue Department's public VAT-registrant service (GET /api/v1/accounts/lookup).
    rd_url: str = Field(default="https://rdws.rd.go.th/serviceRD3/vatserviceRD3.asmx",
                        validation_alias=AliasChoices("TIDTAM_RD_URL"))
    # Seconds for the whole call (connect, send, wait, read); then 503.
    rd_timeout: float = Field(default=15.0, gt=0, le=120,
                              validation_alias=AliasChoices("TIDTAM_RD_TIMEOUT"))
    # How long an answer (found or not found) is reused; failures are never cached.
    rd_cache_seconds: int = Field(default=86400, ge=0,
                                  validation_alias=AliasChoices("TIDTAM_RD_CACHE_SECONDS"))
    # Extra CA certificates (PEM) for the RD's unusual chain, added to the system's roots.
    # Verification is never turned off.
    rd_ca_file: FilePath | None = Field(default=None,
                                        validation_alias=AliasChoices("TIDTAM_RD_CA_FILE"))

    default_plan: str = Field(default="free",
                              validation_alias=AliasChoices("TIDTAM_ACCOUNTS_DEFAULT_PLAN"))
    # Until the gateway's tenant event says otherwise, a tenant has the free plan's limit.
    default_contact_limit: int | None = Field(
        default=500, ge=0,
        validation_alias=AliasChoices("TIDTAM_ACCOUNTS_DEFAULT_CONTACT_LIMIT"))

    # The consumer handles the events waiting, up to this many, in one transaction per
    # tenant (an import's lead.created burst: one transaction per event was most of the
    # catching up's CPU; bench/consumers.py). TIDTAM_CONSUMER_BATCH; the kit's default is 1.
    consumer_batch: int = Field(default=32, ge=1, le=1000,
                                validation_alias=AliasChoices("TIDTAM_CONSUMER_BATCH"))

    @field_validator("rd_ca_file", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return value or None


@functools.cache
def settings() -> AccountsSettings:
    """The process's settings, read once (for code that runs outside a request)."""
    return AccountsSettings()

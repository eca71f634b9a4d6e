"""Settings of the insights service (`TIDTAM_*`)."""

from __future__ import annotations

import functools

from pydantic import Field

from crmkit.config import ServiceSettings, service_database

SERVICE = "insights"


class InsightsSettings(ServiceSettings):
    service_name: str = SERVICE
    database_url: str = service_database(SERVICE, "app")
    migrate_database_url: str = service_database(SERVICE, "migrate")
    relay_database_url: str = service_database(SERVICE, "relay")
    # Events a transaction of the read model's consumer takes (its counters move once per
    # batch: one upsert per counter row; TIDTAM_CONSUMER_BATCH).
    consumer_batch: int = Field(100, ge=1, le=1000)


@functools.cache
def settings() -> InsightsSettings:
    return InsightsSettings()

"""Settings of the insights service (`TIDTAM_*`)."""

from __future__ import annotations

import functools

from crmkit.config import ServiceSettings, service_database

SERVICE = "insights"


class InsightsSettings(ServiceSettings):
    service_name: str = SERVICE
    database_url: str = service_database(SERVICE, "app")
    migrate_database_url: str = service_database(SERVICE, "migrate")
    relay_database_url: str = service_database(SERVICE, "relay")


@functools.cache
def settings() -> InsightsSettings:
    return InsightsSettings()

"""Settings of the activities service (`TIDTAM_*`)."""

from __future__ import annotations

import functools

from pydantic import AliasChoices, Field

from crmkit.config import ServiceSettings, service_database

SERVICE = "activities"


class ActivitiesSettings(ServiceSettings):
    service_name: str = SERVICE
    database_url: str = service_database(SERVICE, "app")
    migrate_database_url: str = service_database(SERVICE, "migrate")
    relay_database_url: str = service_database(SERVICE, "relay")
    # Where people open Tidtam: the calendar feed's address starts with it.
    public_url: str = Field(default="http://127.0.0.1:8000",
                            validation_alias=AliasChoices("TIDTAM_PUBLIC_URL"))


@functools.cache
def settings() -> ActivitiesSettings:
    return ActivitiesSettings()

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
    # The reminder worker: it sleeps until the next reminder is due (NOTIFY wakes it for a
    # new one), at most this long; a reminder fired later than `late` seconds after its
    # time (the service was down) is marked late; how many it fires per transaction.
    reminder_poll_seconds: float = Field(
        default=5.0, gt=0, validation_alias=AliasChoices("TIDTAM_REMINDER_POLL_SECONDS"))
    reminder_late_seconds: float = Field(
        default=60.0, ge=0, validation_alias=AliasChoices("TIDTAM_REMINDER_LATE_SECONDS"))
    reminder_batch: int = Field(default=500, ge=1, le=5000,
                                validation_alias=AliasChoices("TIDTAM_REMINDER_BATCH"))

    # The consumer handles the events waiting, up to this many, in one transaction per
    # tenant (an import's lead.created burst: one transaction per event was most of the
    # catching up's CPU; bench/consumers.py). TIDTAM_CONSUMER_BATCH; the kit's default is 1.
    consumer_batch: int = Field(default=32, ge=1, le=1000,
                                validation_alias=AliasChoices("TIDTAM_CONSUMER_BATCH"))


@functools.cache
def settings() -> ActivitiesSettings:
    return ActivitiesSettings()

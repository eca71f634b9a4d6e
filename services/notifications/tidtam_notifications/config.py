"""Settings of the notifications service (`TIDTAM_*`)."""

from __future__ import annotations

import functools
from typing import Self
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, model_validator

from crmkit.config import ServiceSettings, service_database

SERVICE = "notifications"
DEV_PUBLIC_URL = "http://127.0.0.1:8000"


def _env(name: str) -> AliasChoices:
    return AliasChoices(f"TIDTAM_{name}")


class NotificationsSettings(ServiceSettings):
    service_name: str = SERVICE
    database_url: str = service_database(SERVICE, "app")
    migrate_database_url: str = service_database(SERVICE, "migrate")
    relay_database_url: str = service_database(SERVICE, "relay")

    # smtp://user:pass@host:port, smtps://… (TLS from the start), ?starttls=true. Required
    # in production; `make run` starts a local sink in development when it is empty.
    smtp_url: str = Field(default="", validation_alias=_env("SMTP_URL"))
    mail_from: str = Field(default="Tidtam <no-reply@tidtam.localhost>",
                           validation_alias=_env("MAIL_FROM"))
    # Where people open Tidtam: the links in emails (web UI hash routes, `#/leads/<id>`).
    public_url: str = Field(default=DEV_PUBLIC_URL, validation_alias=_env("PUBLIC_URL"))
    # Seconds between the mail worker's looks for due emails (NOTIFY wakes it sooner).
    mail_poll_seconds: float = Field(default=2.0, gt=0, validation_alias=_env("MAIL_POLL_SECONDS"))
    # Attempts before an email is given up as failed; the delay doubles from the first.
    mail_max_attempts: int = Field(default=6, ge=1, validation_alias=_env("MAIL_MAX_ATTEMPTS"))
    mail_retry_seconds: float = Field(default=30.0, gt=0,
                                      validation_alias=_env("MAIL_RETRY_SECONDS"))
    # A notice that gathers several events (a transfer of many leads) is emailed once, this
    # many seconds after the last of them.
    mail_gather_seconds: float = Field(default=3.0, ge=0,
                                       validation_alias=_env("MAIL_GATHER_SECONDS"))
    # An email left `sending` this long (the worker died mid-send) is not sent again.
    mail_lease_seconds: float = Field(default=60.0, gt=0,
                                      validation_alias=_env("MAIL_LEASE_SECONDS"))
    smtp_timeout: float = Field(default=30.0, gt=0, validation_alias=_env("SMTP_TIMEOUT"))
    # Days the event feed (GET /api/v1/events) keeps what it consumed.
    event_feed_days: float = Field(default=30.0, gt=0, validation_alias=_env("EVENT_FEED_DAYS"))

    # The consumer handles the events waiting, up to this many, in one transaction (every
    # event goes to the feed and the webhooks' fan-out: at 200 events/s one transaction per
    # event was most of the service's CPU). TIDTAM_CONSUMER_BATCH; the kit's default is 1.
    consumer_batch: int = Field(default=32, ge=1, le=1000,
                                validation_alias=_env("CONSUMER_BATCH"))

    # Webhooks. Hosts or CIDRs (comma-separated) deliveries may reach although they are
    # internal (the SSRF guard refuses them otherwise): on-premise receivers, tests.
    webhook_allow_hosts: str = Field(default="", validation_alias=_env("WEBHOOK_ALLOW_HOSTS"))
    # Deliveries in flight at once, in all, and to one endpoint (a slow one holds only its
    # own share).
    webhook_concurrency: int = Field(default=64, ge=1, le=1000,
                                     validation_alias=_env("WEBHOOK_CONCURRENCY"))
    webhook_endpoint_concurrency: int = Field(default=4, ge=1, le=100,
                                              validation_alias=_env(
                                                  "WEBHOOK_ENDPOINT_CONCURRENCY"))
    # A delivery counts when the receiver answers 2xx within this many seconds.
    webhook_timeout_seconds: float = Field(default=15.0, gt=0, le=60,
                                           validation_alias=_env("WEBHOOK_TIMEOUT_SECONDS"))
    # A claimed delivery whose worker died is claimed again after this many seconds.
    webhook_lease_seconds: float = Field(default=60.0, gt=0,
                                         validation_alias=_env("WEBHOOK_LEASE_SECONDS"))
    webhook_poll_seconds: float = Field(default=1.0, gt=0,
                                        validation_alias=_env("WEBHOOK_POLL_SECONDS"))

    @model_validator(mode="after")
    def _lease_outlasts_timeout(self) -> Self:
        if self.webhook_lease_seconds <= self.webhook_timeout_seconds:
            raise ValueError("TIDTAM_WEBHOOK_LEASE_SECONDS must be longer than "
                             "TIDTAM_WEBHOOK_TIMEOUT_SECONDS (a delivery in flight would be "
                             "claimed again)")
        return self

    @model_validator(mode="after")
    def _smtp_in_production(self) -> Self:
        if self.env == "production" and not self.smtp_url:
            raise ValueError("TIDTAM_SMTP_URL must be set when TIDTAM_ENV=production (e.g. "
                             "smtps://user:password@smtp.example.com:465)")
        return self

    @model_validator(mode="after")
    def _public_url(self) -> Self:
        """Every email links to it: a broken or loopback URL would break every link."""
        parts = urlsplit(self.public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("TIDTAM_PUBLIC_URL must be an http(s) URL where people open "
                             "Tidtam, e.g. https://crm.example.co.th")
        if self.env == "production" and self.public_url == DEV_PUBLIC_URL:
            raise ValueError("TIDTAM_PUBLIC_URL must be set when TIDTAM_ENV=production: "
                             "emails link to it (e.g. https://crm.example.co.th)")
        return self


@functools.cache
def settings() -> NotificationsSettings:
    return NotificationsSettings()

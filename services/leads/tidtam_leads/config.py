"""Settings of the leads service.

The database URLs have service-specific names (`TIDTAM_LEADS_DATABASE_URL`, see
docs/CONTRACTS.md) while the shared ones (`TIDTAM_CONTEXT_SECRET`, `TIDTAM_AMQP_URL`) keep the
kit's prefix, hence the explicit aliases.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field

from crmkit.config import DEFAULT_PG, ServiceSettings

SERVICE = "leads"


class LeadsSettings(ServiceSettings):
    service_name: str = SERVICE
    database_url: str = Field(
        default=DEFAULT_PG.format(user="tidtam_app", db="tidtam_leads"),
        validation_alias=AliasChoices("TIDTAM_LEADS_DATABASE_URL"),
    )
    migrate_database_url: str = Field(
        default=DEFAULT_PG.format(user="postgres", db="tidtam_leads"),
        validation_alias=AliasChoices("TIDTAM_LEADS_MIGRATE_DATABASE_URL"),
    )
    # Default: the database URL as user tidtam_relay (crmkit.config.relay_url).
    relay_database_url: str = Field(
        default="", validation_alias=AliasChoices("TIDTAM_LEADS_RELAY_DATABASE_URL"))

    # The accounts service, read over HTTP when a lead is made from an account (fresh data,
    # with the caller's own visibility: their signed context is forwarded unchanged).
    accounts_url: str = Field(default="http://127.0.0.1:8002",
                              validation_alias=AliasChoices("TIDTAM_ACCOUNTS_URL"))
    # Seconds for a whole call to it; then 503.
    accounts_timeout: float = Field(default=5.0, gt=0, le=60,
                                    validation_alias=AliasChoices("TIDTAM_ACCOUNTS_TIMEOUT"))

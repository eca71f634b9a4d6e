"""Settings of the leads service.

The database URLs have service-specific names (`TIDTAM_LEADS_DATABASE_URL`, see
docs/CONTRACTS.md) while the shared ones (`TIDTAM_CONTEXT_SECRET`, `TIDTAM_AMQP_URL`) keep the
kit's prefix, hence the explicit aliases.
"""

from __future__ import annotations

from pydantic import AliasChoices, Field

from crmkit.config import ServiceSettings, service_database

SERVICE = "leads"


class LeadsSettings(ServiceSettings):
    service_name: str = SERVICE
    database_url: str = service_database(SERVICE, "app")
    migrate_database_url: str = service_database(SERVICE, "migrate")
    relay_database_url: str = service_database(SERVICE, "relay")

    # The accounts service, read over HTTP when a lead is made from an account (fresh data,
    # with the caller's own visibility: their signed context is forwarded unchanged).
    accounts_url: str = Field(default="http://127.0.0.1:8002",
                              validation_alias=AliasChoices("TIDTAM_ACCOUNTS_URL"))
    # Seconds for a whole call to it; then 503.
    accounts_timeout: float = Field(default=5.0, gt=0, le=60,
                                    validation_alias=AliasChoices("TIDTAM_ACCOUNTS_TIMEOUT"))

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

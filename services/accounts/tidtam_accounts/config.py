"""Settings of the accounts service (`TIDTAM_ACCOUNTS_*` for its own, the kit's for shared)."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from crmkit.config import DEFAULT_PG, ServiceSettings

SERVICE = "accounts"


class AccountsSettings(ServiceSettings):
    service_name: str = SERVICE
    database_url: str = Field(
        default=DEFAULT_PG.format(user="tidtam_app", db="tidtam_accounts"),
        validation_alias=AliasChoices("TIDTAM_ACCOUNTS_DATABASE_URL"),
    )
    migrate_database_url: str = Field(
        default=DEFAULT_PG.format(user="postgres", db="tidtam_accounts"),
        validation_alias=AliasChoices("TIDTAM_ACCOUNTS_MIGRATE_DATABASE_URL"),
    )

"""Accounts and contacts made before this service learnt them (migration 0021) are unknown
to the deals' account check: a deal naming one is 404 `unknown_account` /
`unknown_contact`. This asks the accounts service to publish every account and contact of
a tenant again:

    python -m tidtam_leads.accounts.backfill [--tenant ID]...

stages `projection.backfill_requested` (aggregates `account` and `contact`) for each
tenant given, or for every tenant with users here (`backfill_tenants()`, migration 0022);
the accounts service answers with an `account.restated` per live account and a
`contact.restated` per contact, which this service's consumer applies as any account or
contact event (by `sequence`: a newer change is never undone). Safe to run again: it only
asks again. Uses `TIDTAM_LEADS_DATABASE_URL` (the request role) like the service."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit.backfill import command, request_restatements
from crmkit.context import TenantId

from ..config import SERVICE, LeadsSettings
from ..contracts import EVENTS


async def request_accounts(maker: async_sessionmaker[AsyncSession],
                           tenants: list[TenantId] | None = None) -> list[TenantId]:
    """Ask for the accounts and contacts of `tenants` (None: every tenant with users); the
    tenants asked for, each in a transaction of its own."""
    return await request_restatements(maker, EVENTS, SERVICE, ("account", "contact"),
                                      tenants_sql="SELECT * FROM backfill_tenants()",
                                      tenants=tenants)


main = command("python -m tidtam_leads.accounts.backfill", __doc__,
               lambda: LeadsSettings().database_url, request_accounts,
               "the accounts and contacts")


if __name__ == "__main__":
    raise SystemExit(main())

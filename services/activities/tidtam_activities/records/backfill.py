"""Contacts made before this service learnt contacts (migration 0002) are unknown to it: an
activity naming one is refused (`contact_not_of_account`) and its birthday is missing from
calendars. This asks the accounts service to publish every contact of a tenant again:

    python -m tidtam_activities.records.backfill [--tenant ID]...

stages `projection.backfill_requested` (aggregate `contact`) for each tenant given, or for
every tenant with users here (agenda_tenants()); the accounts service answers with a
`contact.restated` per contact, which this service's consumer applies as any contact
event (by `sequence`: a newer change is never undone). Safe to run again: it only asks
again. Uses `TIDTAM_ACTIVITIES_DATABASE_URL` (the request role) like the service."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit.backfill import command, request_restatements
from crmkit.context import TenantId

from ..config import SERVICE, settings
from ..contracts import EVENTS


async def request_contacts(maker: async_sessionmaker[AsyncSession],
                           tenants: list[TenantId] | None = None) -> list[TenantId]:
    """Ask for the contacts of `tenants` (None: every tenant with users); the tenants
    asked for, each in a transaction of its own."""
    return await request_restatements(
        maker, EVENTS, SERVICE, ("contact",),
        tenants_sql="SELECT tenant_id FROM agenda_tenants() ORDER BY tenant_id",
        tenants=tenants)


main = command("python -m tidtam_activities.records.backfill", __doc__,
               lambda: settings().database_url, request_contacts, "the contacts")


if __name__ == "__main__":
    raise SystemExit(main())

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

import argparse
import asyncio
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit import outbox
from crmkit.context import TenantId, tenant_from_event
from crmkit.db import create_engine, sessionmaker, tenant_session
from tidtam_contracts.activities import ProjectionBackfillRequestedV1

from ..config import SERVICE, settings
from ..contracts import EVENTS


async def request_contacts(maker: async_sessionmaker[AsyncSession],
                           tenants: list[TenantId] | None = None) -> list[TenantId]:
    """Ask for the contacts of `tenants` (None: every tenant with users); the tenants
    asked for, each in a transaction of its own."""
    if tenants is None:
        async with maker() as session:
            found = (await session.execute(sa.text(
                "SELECT tenant_id FROM agenda_tenants() ORDER BY tenant_id"))).scalars().all()
        tenants = [tenant_from_event(str(t)) for t in found]
    for tenant in tenants:
        async with tenant_session(maker, tenant) as session, session.begin():
            await outbox.stage(session, EVENTS.event(
                ProjectionBackfillRequestedV1(aggregate="contact", requested_by=SERVICE),
                tenant_id=tenant.value, subject=f"{SERVICE}:contact"))
    return tenants


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tidtam_activities.records.backfill",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tenant", action="append", type=uuid.UUID, dest="tenants",
                        help="a tenant id (repeatable); default: every tenant with users")
    args = parser.parse_args(argv)

    async def run() -> list[TenantId]:
        engine = create_engine(settings().database_url, pool_size=1)
        try:
            given = None if args.tenants is None else [
                tenant_from_event(str(t)) for t in args.tenants]
            return await request_contacts(sessionmaker(engine), given)
        finally:
            await engine.dispose()

    asked = asyncio.run(run())
    print(f"asked the accounts service to restate the contacts of {len(asked)} tenant(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

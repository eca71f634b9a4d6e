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

import argparse
import asyncio
import uuid
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit import outbox
from crmkit.context import TenantId, tenant_from_event
from crmkit.db import create_engine, sessionmaker, tenant_session
from tidtam_contracts.activities import ProjectionBackfillRequestedV1

from ..config import SERVICE, LeadsSettings
from ..contracts import EVENTS

AGGREGATES: tuple[Literal["account", "contact"], ...] = ("account", "contact")


async def request_accounts(maker: async_sessionmaker[AsyncSession],
                           tenants: list[TenantId] | None = None) -> list[TenantId]:
    """Ask for the accounts and contacts of `tenants` (None: every tenant with users); the
    tenants asked for, each in a transaction of its own."""
    if tenants is None:
        async with maker() as session:
            found = (await session.execute(sa.text(
                "SELECT * FROM backfill_tenants()"))).scalars().all()
        tenants = [tenant_from_event(str(t)) for t in found]
    for tenant in tenants:
        async with tenant_session(maker, tenant) as session, session.begin():
            await outbox.stage_many(session, (EVENTS.event(
                ProjectionBackfillRequestedV1(aggregate=aggregate, requested_by=SERVICE),
                tenant_id=tenant.value, subject=f"{SERVICE}:{aggregate}")
                for aggregate in AGGREGATES))
    return tenants


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tidtam_leads.accounts.backfill",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--tenant", action="append", type=uuid.UUID, dest="tenants",
                        help="a tenant id (repeatable); default: every tenant with users")
    args = parser.parse_args(argv)

    async def run() -> list[TenantId]:
        engine = create_engine(LeadsSettings().database_url, pool_size=1)
        try:
            given = None if args.tenants is None else [
                tenant_from_event(str(t)) for t in args.tenants]
            return await request_accounts(sessionmaker(engine), given)
        finally:
            await engine.dispose()

    asked = asyncio.run(run())
    print(f"asked the accounts service to restate the accounts and contacts of {len(asked)} "
          "tenant(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Asking the owner of records to publish them again, for a projection that learnt them
late (`projection.backfill_requested`; the owner answers with `<aggregate>.restated`
events, applied by `sequence`, so a newer change is never undone).

A service's backfill command is `request_restatements` (one transaction per tenant, the
request staged in its outbox) behind `command` (`--tenant ID`, repeatable; default: every
tenant the service's `tenants_sql` names). Safe to run again: it only asks again."""

from __future__ import annotations

import argparse
import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Literal, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tidtam_contracts.activities import ProjectionBackfillRequestedV1

from . import outbox
from .context import TenantId, tenant_from_event
from .db import create_engine, sessionmaker, tenant_session
from .events import EventSource

Aggregate = Literal["account", "contact"]


async def request_restatements(maker: async_sessionmaker[AsyncSession], events: EventSource,
                               service: str, aggregates: Sequence[Aggregate], *,
                               tenants_sql: str, tenants: list[TenantId] | None = None
                               ) -> list[TenantId]:
    """Ask for `aggregates` of `tenants` (None: every tenant `tenants_sql` selects, one
    column of tenant ids); the tenants asked for, each in a transaction of its own."""
    if tenants is None:
        async with maker() as session:
            found = (await session.execute(sa.text(tenants_sql))).scalars().all()
        tenants = [tenant_from_event(str(t)) for t in found]
    for tenant in tenants:
        async with tenant_session(maker, tenant) as session, session.begin():
            await outbox.stage_many(session, (events.event(
                ProjectionBackfillRequestedV1(aggregate=aggregate, requested_by=service),
                tenant_id=tenant.value, subject=f"{service}:{aggregate}")
                for aggregate in aggregates))
    return tenants


Requester = Callable[[async_sessionmaker[AsyncSession], list[TenantId] | None],
                     Awaitable[list[TenantId]]]


class Main(Protocol):
    def __call__(self, argv: list[str] | None = None) -> int: ...


def command(prog: str, doc: str | None, database_url: Callable[[], str],
            request: Requester, what: str) -> Main:
    """The `main(argv)` of a backfill command: parses `--tenant`, runs `request` on the
    service's database (`database_url()`, the request role) and says what it asked for."""

    def main(argv: list[str] | None = None) -> int:
        parser = argparse.ArgumentParser(prog=prog, description=(doc or "").split("\n\n")[0])
        parser.add_argument("--tenant", action="append", type=uuid.UUID, dest="tenants",
                            help="a tenant id (repeatable); default: every tenant with users")
        args = parser.parse_args(argv)

        async def run() -> list[TenantId]:
            engine = create_engine(database_url(), pool_size=1)
            try:
                given = None if args.tenants is None else [
                    tenant_from_event(str(t)) for t in args.tenants]
                return await request(sessionmaker(engine), given)
            finally:
                await engine.dispose()

        asked = asyncio.run(run())
        print(f"asked the accounts service to restate {what} of {len(asked)} tenant(s)")
        return 0

    return main

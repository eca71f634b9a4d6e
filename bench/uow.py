"""The kit's unit of work against a bare asyncpg connection: CPU per transaction of the same
three round trips (BEGIN with the tenant's setting, one statement, COMMIT). Prints figures,
asserts nothing; needs PostgreSQL at TIDTAM_BENCH_DB (default: the local `postgres`).

    .venv/bin/python bench/uow.py [--transactions 1000]

What it answers: how much of a hot route's CPU is SQLAlchemy's AsyncSession (session
bookkeeping, pool checkout, greenlet hops) rather than the statements themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import time
import uuid
from collections.abc import Awaitable, Callable

import asyncpg

from crmkit.context import authenticated_tenant
from crmkit.db import create_engine, driver, sessionmaker, unit_of_work

URL = os.environ.get("TIDTAM_BENCH_DB", "postgresql://postgres@127.0.0.1:5432/postgres")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _measure(label: str, one: Callable[[], Awaitable[None]], n: int) -> None:
    for _ in range(min(200, n)):  # warm-up: prepared statements, the type cache
        await one()
    cpu, start = _cpu(), time.perf_counter()
    for _ in range(n):
        await one()
    cpu, wall = _cpu() - cpu, time.perf_counter() - start
    print(f"  {label:<36} CPU {1000 * cpu / n:.3f} ms/transaction, "
          f"wall {1000 * wall / n:.3f} ms", flush=True)


async def main(n: int) -> None:
    engine = create_engine(URL.replace("postgresql://", "postgresql+asyncpg://", 1),
                           pool_size=1)
    maker = sessionmaker(engine)
    tenant = authenticated_tenant(uuid.uuid4())
    raw = await asyncpg.connect(URL)

    async def kit() -> None:
        async with unit_of_work(maker, tenant) as session:
            await (await driver(session)).fetchval("SELECT 1")

    async def bare() -> None:
        await raw.execute(f"BEGIN; SELECT set_config('app.tenant_id', '{tenant.value}', true)")
        await raw.fetchval("SELECT 1")
        await raw.execute("COMMIT")

    print(f"unit of work, {n:,} transactions each, load average {os.getloadavg()[0]:.1f}")
    try:
        await _measure("crmkit.db.unit_of_work (SQLAlchemy)", kit, n)
        await _measure("bare asyncpg connection", bare, n)
    finally:
        await raw.close()
        await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1000)
    asyncio.run(main(parser.parse_args().transactions))

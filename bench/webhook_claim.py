"""The webhook worker's claim under a backlog: 0003's `webhook_claim` against 0005's.

    .venv/bin/python bench/webhook_claim.py [--backlog 2000]

On a fresh notifications database (migrated to head, 0003's function added beside it as
`webhook_claim_0003`), one endpoint gets `--backlog` pending deliveries, and the worker's
loop is played without HTTP: claim (limit 50, 4 per endpoint, as the worker asks), settle
each claimed row delivered, claim again, until none is left. Each claim runs under
EXPLAIN (ANALYZE, BUFFERS): the figures are the shared buffers it touched (they do not
depend on how loaded the machine is) and its time (they do). Then the same for the other
function, on a fresh backlog. Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import sys
import uuid
from contextlib import ExitStack
from pathlib import Path
from types import ModuleType

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from crmkit import migrate  # noqa: E402
from crmkit.testing.servers import start_servers  # noqa: E402
from crmkit.testing.system import ROOT  # noqa: E402

SERVICE = ROOT / "services" / "notifications"


def revision(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        name, SERVICE / "migrations" / "versions" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def drain(conn: asyncpg.Connection, fn: str, backlog: int) -> tuple[list[int], list[float]]:
    """Buffers and milliseconds of each claim until the backlog is delivered."""
    tenant, endpoint = uuid.uuid4(), uuid.uuid4()
    await conn.execute("INSERT INTO webhook_endpoints (tenant_id, id, url, events, secret) "
                       "VALUES ($1, $2, 'https://example.com/hook', '{lead.*}', 'whsec_x')",
                       tenant, endpoint)
    await conn.execute(
        "INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, "
        "body) SELECT $1, gen_random_uuid(), $2, gen_random_uuid(), 'lead.created', '{}' "
        "FROM generate_series(1, $3)", tenant, endpoint, backlog)
    buffers, millis = [], []
    while True:
        plan = json.loads(await conn.fetchval(
            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT * FROM {fn}(now(), 50, 60, 4)"))
        top = plan[0]["Plan"]
        buffers.append(top["Shared Hit Blocks"] + top["Shared Read Blocks"])
        millis.append(plan[0]["Execution Time"] + plan[0].get("Planning Time", 0.0))
        claimed = await conn.fetch("SELECT tenant_id, id, attempts FROM webhook_deliveries "
                                   "WHERE endpoint_id = $1 AND status = 'sending'", endpoint)
        if not claimed:
            return buffers, millis
        for row in claimed:
            await conn.fetchval("SELECT webhook_settle($1, $2, $3, 'delivered', NULL, 200, 1, "
                                "NULL, now())", row["tenant_id"], row["id"], row["attempts"])


def line(name: str, buffers: list[int], millis: list[float]) -> str:
    q = statistics.quantiles
    return (f"  {name}: {len(buffers)} claims; shared buffers per claim median "
            f"{statistics.median(buffers):.0f}, p90 {q(buffers, n=10)[-1]:.0f}; time per claim "
            f"median {statistics.median(millis):.2f} ms, p90 {q(millis, n=10)[-1]:.2f} ms")


async def run(url: str, backlog: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(revision("0003_webhook_claim_rows").claim_sql().replace(
            "FUNCTION webhook_claim(", "FUNCTION webhook_claim_0003(", 1))
        for name, fn in (("0003 (SQL, bitmap scans, locks 4 × limit)", "webhook_claim_0003"),
                         ("0005 (PL/pgSQL, index order, locks the chosen)", "webhook_claim")):
            print(line(name, *await drain(conn, fn, backlog)), flush=True)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backlog", type=int, default=2000, help="pending deliveries")
    args = parser.parse_args()
    print(f"Tidtam webhook_claim: a backlog of {args.backlog} drained 4 at a time — load "
          f"average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with ExitStack() as stack:
        servers = start_servers(stack)
        database = f"tidtam_bench_claim_{uuid.uuid4().hex[:8]}"
        url = migrate._dsn(servers.db_url, database)
        migrate.setup(SERVICE, servers.db_url.rsplit("/", 1)[0] + f"/{database}",
                      migrate.APP_ROLE)
        try:
            asyncio.run(run(url, args.backlog))
        finally:
            async def drop() -> None:
                admin = await asyncpg.connect(migrate._dsn(servers.db_url))
                await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
                await admin.close()
            asyncio.run(drop())


if __name__ == "__main__":
    main()

"""CPU of the event feed's read horizon, per read, on the PostgreSQL backend (the feed's
other work is unchanged by it): the old server-wide `pg_snapshot_xmin(pg_current_snapshot())`
against this database's horizon (feed/repository.py `_HORIZON`: the snapshot's running
xids, their database from one pg_locks read). Prints ms of backend CPU per evaluation and
the load average.

    .venv/bin/python bench/feed_horizon.py [--n 5000] [--dsn postgresql://postgres@127.0.0.1/postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os

import asyncpg

from tidtam_notifications.feed.repository import _HORIZON

OLD = "pg_snapshot_xmin(pg_current_snapshot())"
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def run(dsn: str, n: int) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        pid = await conn.fetchval("SELECT pg_backend_pid()")
        locks = await conn.fetchval("SELECT count(*) FROM pg_locks")
        for name, expr in (("before (server-wide xmin)", OLD), ("after (this database)",
                                                                 _HORIZON.name)):
            stmt = await conn.prepare(f"SELECT {expr}")
            for _ in range(50):
                await stmt.fetchval()
            start = cpu_seconds(pid)
            for _ in range(n):
                await stmt.fetchval()
            spent = cpu_seconds(pid) - start
            print(f"{name}: {spent / n * 1000:.3f} ms backend CPU per read ({n} reads, "
                  f"{locks} pg_locks rows)")
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1/postgres")
    args = parser.parse_args()
    asyncio.run(run(args.dsn, args.n))
    with open("/proc/loadavg") as f:
        print("load average:", f.read().strip())


if __name__ == "__main__":
    main()

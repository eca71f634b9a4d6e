"""The leads service alone, without the gateway: prints figures, asserts nothing.

    .venv/bin/python bench/leads.py [--leads 20000] [--seconds 6] [--profile]

Starts its own system (as bench/load.py), signs the caller's context itself (as the gateway
would) and drives the leads service directly with wrk (bench/loadgen.py): create lead at
concurrency 1 and 32, then list Inbox (50 rows, `own` visibility) at concurrency 1 and 32
after seeding N leads. Each line adds the CPU the leads service and its database backends
spent per request (from /proc: on a shared machine these move far less than rates and
latencies do, so they are the figures to compare before and after a change).
With --profile, py-spy samples the leads service during the create and list lines at
concurrency 32 (bench/pyspy.py; needs root).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadgen  # noqa: E402
import pyspy  # noqa: E402
from load import INBOX, LEADS, direct_headers, setup_tenant, with_system  # noqa: E402
from loadgen import Shape, line  # noqa: E402
from seed import seed_leads  # noqa: E402

from crmkit.testing.system import System  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """utime + stime of `pid` and every descendant (uvicorn workers), from /proc."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / TICK
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += _cpu_seconds(int(child))
    except (FileNotFoundError, ProcessLookupError, IndexError):
        pass
    return total


async def _backends(owner_url: str, database: str) -> list[int]:
    conn = await asyncpg.connect(owner_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1 "
                                "AND pid <> pg_backend_pid()", database)
        return [r["pid"] for r in rows]
    finally:
        await conn.close()


def measured(system: System, label: str, shape: Shape, concurrency: int, seconds: float,
             profile: bool = False) -> None:
    """One wrk line on the leads service, with its CPU (and its database's) per request."""
    owner = system.db_url("leads", owner=True)
    assert system.leads is not None
    pid = system.leads.proc.pid
    recorder = None
    if profile:
        raw = Path(tempfile.mkdtemp(prefix="tidtam-profile-")) / "leads.txt"
        recorder = pyspy.record(pid, seconds, raw)
    backends = asyncio.run(_backends(owner, system.dbs["leads"]))
    before = _cpu_seconds(pid), sum(_cpu_seconds(b) for b in backends)
    result = loadgen.run(system.leads.url, shape, concurrency=concurrency, seconds=seconds)
    # Backends opened during the line started at zero; those closed are not counted.
    backends = sorted(set(backends) | set(asyncio.run(_backends(owner, system.dbs["leads"]))))
    after = _cpu_seconds(pid), sum(_cpu_seconds(b) for b in backends)
    line(label, result)
    n = max(result.n, 1)
    print(f"    CPU per request: leads service {1000 * (after[0] - before[0]) / n:.2f} ms, "
          f"its PostgreSQL backends {1000 * (after[1] - before[1]) / n:.2f} ms", flush=True)
    if recorder is not None:
        recorder.wait()
        print("\n".join(pyspy.summarise(raw, 14)))


def run(system: System, args: argparse.Namespace) -> None:
    tenant_id, _sales, users = asyncio.run(setup_tenant(system, 10))
    mine = direct_headers(system, tenant_id, users[0])
    create = Shape("POST", LEADS, mine, "lead")
    assert system.leads is not None
    loadgen.run(system.leads.url, create, concurrency=8, seconds=2)  # warm-up
    print("\n1. create lead, direct to the leads service")
    for concurrency in (1, 32):
        measured(system, f"create lead, concurrency {concurrency}", create, concurrency,
                 args.seconds, profile=args.profile and concurrency == 32)

    print(f"\n2. list Inbox (50 rows), `own` visibility, tenant with {args.leads:,} leads")
    start = time.perf_counter()
    seeded = asyncio.run(seed_leads(system.db_url("leads", owner=True), tenant_id, users,
                                    args.leads))
    print(f"  seeded {seeded:,} leads with COPY in {time.perf_counter() - start:.1f} s")
    inbox = Shape("GET", INBOX, direct_headers(system, tenant_id, users[0]))
    loadgen.run(system.leads.url, inbox, concurrency=8, seconds=2)  # warm-up
    for concurrency in (1, 32):
        measured(system, f"list Inbox, concurrency {concurrency}", inbox, concurrency,
                 args.seconds, profile=args.profile and concurrency == 32)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--leads", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=6.0, help="length of each line")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the leads service during the concurrency-32 lines")
    args = parser.parse_args()
    print(f"Tidtam leads service benchmark — {os.cpu_count()} cores, load generator: "
          f"{loadgen.describe()}")
    with_system(lambda system: run(system, args), {"TIDTAM_WORKERS": "1"})


if __name__ == "__main__":
    main()

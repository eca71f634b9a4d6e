"""The leads service alone, without the gateway: prints figures, asserts nothing.

    .venv/bin/python bench/leads.py [--leads 20000] [--seconds 6] [--key] [--profile]

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
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import events  # noqa: E402
import loadgen  # noqa: E402
import procs  # noqa: E402
import pyspy  # noqa: E402
from load import INBOX, LEADS, direct_headers, setup_tenant, with_system  # noqa: E402
from loadgen import Shape, line  # noqa: E402
from seed import seed_leads  # noqa: E402

from crmkit.serve import relay_mode  # noqa: E402
from crmkit.testing.system import System  # noqa: E402


def measured(system: System, label: str, shape: Shape, concurrency: int, seconds: float,
             profile: bool = False, relay_lag: bool = False) -> None:
    """One wrk line on the leads service, with its CPU (and its database's) per request;
    with `relay_lag`, the outbox backlog when it ended and commit → a subscriber has each
    lead.created (p50, p99)."""
    owner = system.db_url("leads", owner=True)
    assert system.leads is not None
    pid = system.leads.proc.pid
    recorders = []
    if profile:
        tmp = Path(tempfile.mkdtemp(prefix="tidtam-profile-"))
        relays = [p for p in procs.children(pid) if procs.is_relay(p)]
        recorders = [(name, tmp / f"{name}.txt", pyspy.record(p, seconds, tmp / f"{name}.txt"))
                     for name, p in (("leads service", pid),
                                     *(("its relay process", r) for r in relays))]
    backends = asyncio.run(procs.backends(owner, system.dbs["leads"]))

    def cpu() -> tuple[float, float, float]:
        return (procs.cpu_seconds(pid, relay=False), procs.cpu_seconds(pid, relay=True),
                sum(procs.cpu_seconds(b) for b in backends))

    with events.Arrivals(system.amqp_url) if relay_lag else nullcontext() as arrivals:
        since = asyncio.run(events.database_now(owner))
        before = cpu()
        result = loadgen.run(system.leads.url, shape, concurrency=concurrency, seconds=seconds)
        # Backends opened during the line started at zero; those closed are not counted.
        backends = sorted(set(backends) | set(asyncio.run(procs.backends(
            owner, system.dbs["leads"]))))
        after = cpu()
        line(label, result)
        if arrivals is not None:
            asyncio.run(events.report_relay(owner, arrivals, since))
    n = max(result.n, 1)
    print(f"    CPU per request: leads service {1000 * (after[0] - before[0]) / n:.2f} ms, "
          f"its relay process {1000 * (after[1] - before[1]) / n:.2f} ms, its PostgreSQL "
          f"backends {1000 * (after[2] - before[2]) / n:.2f} ms", flush=True)
    for name, raw, recorder in recorders:
        recorder.wait()
        print(f"\n  py-spy, {name} during the line above:")
        print("\n".join(pyspy.summarise(raw, 14)))


def run(system: System, args: argparse.Namespace) -> None:
    tenant_id, _sales, users = asyncio.run(setup_tenant(system, 10))
    mine = direct_headers(system, tenant_id, users[0])
    create = Shape("POST", LEADS, mine, "keyed-lead" if args.key else "lead")
    what = "create lead with a key" if args.key else "create lead"
    assert system.leads is not None
    loadgen.run(system.leads.url, create, concurrency=8, seconds=2)  # warm-up
    print("\n1. create lead, direct to the leads service")
    for concurrency in (1, 32):
        measured(system, f"{what}, concurrency {concurrency}", create, concurrency,
                 args.seconds, profile=args.profile and concurrency == 32,
                 relay_lag=concurrency == 32)
    if args.create_only:
        return

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
    parser.add_argument("--create-only", action="store_true",
                        help="the create lines alone: to compare runs")
    parser.add_argument("--key", action="store_true",
                        help="each create with an Idempotency-Key of its own")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the leads service during the concurrency-32 lines")
    args = parser.parse_args()
    print(f"Tidtam leads service benchmark — {os.cpu_count()} cores, load generator: "
          f"{loadgen.describe()}; outbox relay: {relay_mode()} (TIDTAM_RELAY)")
    with_system(lambda system: run(system, args), {"TIDTAM_WORKERS": "1"})


if __name__ == "__main__":
    main()

"""Load benchmark through the gateway: prints figures, asserts nothing.

    make bench            # or: .venv/bin/python bench/load.py [--leads 100000] [--seconds 10]

Starts its own system (fresh databases, a fresh RabbitMQ vhost, accounts + leads + gateway
as real processes), drives it with wrk (bench/loadgen.py; a Python generator where wrk is
missing) and prints, each line with the generator's own CPU:
1. create lead through the gateway at concurrency 32 (/s, p50, p99), with the outbox
   backlog when the line ends, a count of the `lead.created` events published and the
   relay's lag (commit → a subscriber of the bench's own has the event, p50 and p99);
2. create at concurrency 1 (p50);
3. gateway overhead: the same create and list via the gateway and directly on the leads
   service with a context signed by the bench, p50;
4. commit → an external queue bound to `lead.#` receives the event, at 200 creates/s;
5. list Inbox (50 rows) under `own` visibility at N leads (seeded with COPY), concurrency 32,
   and two searches at concurrency 1 (a common term, and one lead's email);
6. the create line again with TIDTAM_WORKERS=2 (a second, fresh system).
With --profile, py-spy samples the gateway and the leads service during line 1 and prints
their top functions (bench/pyspy.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import events  # noqa: E402
import loadgen  # noqa: E402
import procs  # noqa: E402
import pyspy  # noqa: E402
from loadgen import Shape, line  # noqa: E402
from seed import seed_leads  # noqa: E402

from crmkit.context import sign_context  # noqa: E402
from crmkit.serve import relay_mode  # noqa: E402
from crmkit.testing.servers import start_servers  # noqa: E402
from crmkit.testing.system import System  # noqa: E402

LEADS = "/api/v1/leads"
INBOX = "/api/v1/leads?box=inbox&limit=50"
TARGETS = {"c32": "target ≥ 500/s", "c1": "target p50 ≤ 4 ms", "overhead": "target ≤ 1 ms",
           "list": "target p99 ≤ 80 ms, ≥ 500 pages/s", "event": "target p99 ≤ 50 ms"}


async def login(gw: httpx.AsyncClient, email: str, password: str) -> dict[str, str]:
    r = await gw.post("/api/v1/auth/token", data={"username": email, "password": password})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def setup_tenant(system: System, sales_users: int) -> tuple[str, dict[str, str],
                                                                  list[str]]:
    """(tenant id, a sales user's auth header, the sales users' ids): `own` visibility."""
    async with httpx.AsyncClient(base_url=system.gateway.url, timeout=60) as gw:
        r = await gw.post("/api/v1/tenants",
                          headers={"Authorization": f"Bearer {system.operator_token}"},
                          json={"name": "Bench Co.", "admin": {
                              "email": "admin@bench.example", "name": "Admin",
                              "password": "bench-password-1"}})
        r.raise_for_status()
        tenant_id = r.json()["id"]
        admin = await login(gw, "admin@bench.example", "bench-password-1")
        users = []
        for n in range(sales_users):
            r = await gw.post("/api/v1/users", headers=admin, json={
                "email": f"sales{n}@bench.example", "name": f"Sales {n}",
                "password": "bench-password-1", "role": "sales"})
            r.raise_for_status()
            users.append(r.json()["id"])
        r = await gw.patch("/api/v1/settings", headers=admin, json={"lead_visibility": "own"})
        r.raise_for_status()
        sales = await login(gw, "sales0@bench.example", "bench-password-1")
        deadline = time.monotonic() + 30
        while True:  # the leads service learns its users from events
            r = await gw.post(LEADS, headers=sales, json=loadgen.lead_body(0, "ready"))
            if r.status_code == 201:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"the leads service did not learn the users: {r.text}")
            await asyncio.sleep(0.2)
    return tenant_id, sales, users


class Outbox:
    """The leads database as the bench sees it: leads made, events not yet published."""

    def __init__(self, system: System, tenant_id: str):
        self.url = system.db_url("leads", owner=True).replace("postgresql+asyncpg",
                                                               "postgresql")
        self.tenant = uuid.UUID(tenant_id)

    async def _one(self, sql: str, *args: Any) -> int:
        conn = await asyncpg.connect(self.url)
        try:
            return int(await conn.fetchval(sql, *args))
        finally:
            await conn.close()

    async def leads(self) -> int:
        return await self._one("SELECT count(*) FROM leads WHERE tenant_id = $1", self.tenant)

    async def unsent(self) -> int:
        return await self._one("SELECT count(*) FROM outbox WHERE sent_at IS NULL")


async def poll(read: Callable[[], Awaitable[int]], done: Callable[[int], bool],
               timeout: float) -> int:
    """`read()` every 0.1 s until `done` says so or `timeout` seconds pass: the last value."""
    value = await read()
    for _ in range(int(timeout * 10)):
        if done(value):
            break
        await asyncio.sleep(0.1)
        value = await read()
    return value


def create_line(system: System, label: str, sales: dict[str, str], tenant_id: str,
                seconds: float, profile: bool) -> None:
    """The create line at concurrency 32, then whether every lead.created went out and how
    long after its commit a subscriber had it (p50, p99)."""
    outbox = Outbox(system, tenant_id)

    async def settled() -> None:
        # The warm-up's requests settled (no lead made for a second) and their events out
        # first: from here on, every lead made and every lead.created is this line's.
        count = await outbox.leads()
        for _ in range(60):
            await asyncio.sleep(1.0)
            count, previous = await outbox.leads(), count
            if count == previous:
                break
        await poll(outbox.unsent, lambda n: n == 0, 60)

    asyncio.run(settled())
    recorders = _profile(system, seconds) if profile else []
    owner = system.db_url("leads", owner=True)
    assert system.gateway is not None and system.leads is not None
    gateway, leads = system.gateway.proc.pid, system.leads.proc.pid

    def cpu() -> tuple[float, float, float]:
        return (procs.cpu_seconds(gateway), procs.cpu_seconds(leads, relay=False),
                procs.cpu_seconds(leads, relay=True))

    with events.Arrivals(system.amqp_url) as arrivals:
        since = asyncio.run(events.database_now(owner))
        before = cpu()
        result = loadgen.run(system.gateway.url, Shape("POST", LEADS, sales, "lead"),
                             concurrency=32, seconds=seconds)
        spent = [1000 * (b - a) / max(result.n, 1) for a, b in zip(before, cpu(), strict=True)]
        line(f"{label} ({TARGETS['c32']})", result)
        print(f"    CPU per create during the line: gateway {spent[0]:.2f} ms, leads service "
              f"{spent[1]:.2f} ms, its relay process {spent[2]:.2f} ms", flush=True)
        asyncio.run(events.report_relay(owner, arrivals, since))
    _print_profile(recorders)


def direct_headers(system: System, tenant_id: str, user_id: str) -> dict[str, str]:
    """What the gateway would send: the bench signs the same context (valid for 60 s)."""
    return {"X-Tidtam-Context": sign_context(
        system.context_secret, tenant_id=uuid.UUID(tenant_id), user_id=uuid.UUID(user_id),
        role="sales", team_id=None, lead_visibility="own", team_member_ids=[],
        settings={"allow_stage_back": False})}


def overhead(system: System, what: str, shape: Shape, direct: Shape, seconds: float) -> None:
    assert system.gateway is not None
    gateway = system.gateway.proc.pid
    before = procs.cpu_seconds(gateway)
    via = loadgen.run(system.gateway.url, shape, concurrency=1, seconds=seconds)
    spent = 1000 * (procs.cpu_seconds(gateway) - before) / max(via.n, 1)
    line(f"{what} via gateway, concurrency 1", via)
    print(f"    gateway CPU per {what}: {spent:.2f} ms; load average "
          f"{Path('/proc/loadavg').read_text().split()[0]}", flush=True)
    dir_ = loadgen.run(system.leads.url, direct, concurrency=1, seconds=seconds)
    line(f"{what} direct to leads, concurrency 1", dir_)
    print(f"    gateway overhead on {what}: p50 {via.p50_ms - dir_.p50_ms:+.2f} ms "
          f"({TARGETS['overhead']})", flush=True)


def full_run(system: System, args: argparse.Namespace) -> None:
    tenant_id, sales, users = asyncio.run(setup_tenant(system, 10))
    create = Shape("POST", LEADS, sales, "lead")
    loadgen.run(system.gateway.url, create, concurrency=8, seconds=2)  # warm-up

    print("\n1. create lead through the gateway, 1 worker per process")
    create_line(system, "create lead, concurrency 32", sales, tenant_id, args.seconds,
                args.profile)
    c1 = loadgen.run(system.gateway.url, create, concurrency=1, seconds=args.seconds / 2)
    line(f"create lead, concurrency 1 ({TARGETS['c1']})", c1)
    if args.create_only:
        return

    print("\n2. gateway overhead (the same request via the gateway and direct)")
    mine = direct_headers(system, tenant_id, users[0])
    overhead(system, "create", create, Shape("POST", LEADS, mine, "lead"), args.seconds / 2)

    print(f"\n3. commit → a queue bound to `lead.#` receives the event, "
          f"at {args.event_rate:.0f} creates/s")
    result, missing = asyncio.run(events.latency(system.amqp_url, system.gateway.url, sales,
                                                 rate=args.event_rate, seconds=args.seconds))
    line(f"event latency ({TARGETS['event']})", result, rate=False)
    sent = int(args.event_rate * args.seconds)
    answered = sent / result.seconds
    note = (f" (the system did not keep up with {args.event_rate:.0f}/s: the latency includes "
            "the requests' queueing)" if answered < 0.95 * args.event_rate else "")
    lost = f"; {missing} never arrived" if missing else ""
    print(f"    {result.n} of {sent} events received{lost}; creates answered at "
          f"{answered:.0f}/s{note}", flush=True)

    inbox = seeded_inbox(system, args, tenant_id, sales, users)
    list_line(system, inbox, args.seconds, profile=args.profile and args.only == "list")
    search = Shape("GET", INBOX + "&q=" + quote("ทดสอบ 4"), sales)
    line("search q='ทดสอบ 4', concurrency 1",
         loadgen.run(system.gateway.url, search, concurrency=1, seconds=args.seconds / 2))
    rare = Shape("GET", INBOX + "&q=" + quote(f"seed{args.leads // 2}@"), sales)  # the trigram case
    line("search one lead's email, concurrency 1",
         loadgen.run(system.gateway.url, rare, concurrency=1, seconds=args.seconds / 2))
    mine = direct_headers(system, tenant_id, users[0])
    overhead(system, "list", inbox, Shape("GET", INBOX, mine), args.seconds / 2)


def list_line(system: System, inbox: Shape, seconds: float, *, profile: bool) -> None:
    """List Inbox at concurrency 32, with the CPU per page of the gateway, the leads service
    and the leads database's backends (from /proc); with `profile`, py-spy on the gateway
    and the leads service during it."""
    assert system.gateway is not None and system.leads is not None
    pids = (system.gateway.proc.pid, system.leads.proc.pid)
    pg = asyncio.run(procs.backends(system.db_url("leads", owner=True), system.dbs["leads"]))
    recorders = _profile(system, seconds) if profile else []
    load = Path("/proc/loadavg").read_text().split()[0]
    before = [procs.cpu_seconds(p, relay=False) for p in pids]
    pg_before = [procs.own_cpu_seconds(p) for p in pg]
    listed = loadgen.run(system.gateway.url, inbox, concurrency=32, seconds=seconds)
    spent = [1000 * (procs.cpu_seconds(p, relay=False) - b) / max(listed.n, 1)
             for p, b in zip(pids, before, strict=True)]
    pg_ms = 1000 * sum(procs.own_cpu_seconds(p) - b
                       for p, b in zip(pg, pg_before, strict=True)) / max(listed.n, 1)
    line(f"list Inbox, concurrency 32 ({TARGETS['list']})", listed)
    print(f"    CPU per page during the line: gateway {spent[0]:.2f} ms, leads service "
          f"{spent[1]:.2f} ms, PostgreSQL {pg_ms:.2f} ms; load average {load} → "
          f"{Path('/proc/loadavg').read_text().split()[0]}", flush=True)
    _print_profile(recorders)


def _profile(system: System, seconds: float) -> list[tuple[str, Path, Any]]:
    tmp = Path(tempfile.mkdtemp(prefix="tidtam-profile-"))
    return [(name, tmp / f"{name}.txt",
             pyspy.record(getattr(system, name).proc.pid, seconds, tmp / f"{name}.txt"))
            for name in ("gateway", "leads")]


def _print_profile(recorders: list[tuple[str, Path, Any]]) -> None:
    for name, raw, proc in recorders:
        proc.wait()
        print(f"\n  py-spy, {name} during the line above:")
        print("\n".join(pyspy.summarise(raw, 12)))


def seeded_inbox(system: System, args: argparse.Namespace, tenant_id: str,
                 sales: dict[str, str], users: list[str]) -> Shape:
    """Line 4's tenant: `args.leads` leads seeded with COPY, and the Inbox request, warmed
    up at the line's own concurrency (so the pools are open before it is timed)."""
    print(f"\n4. list Inbox (50 rows), `own` visibility, tenant with {args.leads:,} leads")
    start = time.perf_counter()
    seeded = asyncio.run(seed_leads(system.db_url("leads", owner=True), tenant_id, users,
                                    args.leads))
    print(f"  seeded {seeded:,} leads with COPY in {time.perf_counter() - start:.1f} s")
    inbox = Shape("GET", INBOX, sales)
    loadgen.run(system.gateway.url, inbox, concurrency=32, seconds=2)  # warm-up
    return inbox


def list_run(system: System, args: argparse.Namespace) -> None:
    """`--only list`: the list lines (4.) and the gateway overhead on a create and a list."""
    tenant_id, sales, users = asyncio.run(setup_tenant(system, 10))
    create = Shape("POST", LEADS, sales, "lead")
    loadgen.run(system.gateway.url, create, concurrency=8, seconds=2)  # warm-up
    mine = direct_headers(system, tenant_id, users[0])
    print("\n2. gateway overhead (the same request via the gateway and direct)")
    overhead(system, "create", create, Shape("POST", LEADS, mine, "lead"), args.seconds / 2)
    inbox = seeded_inbox(system, args, tenant_id, sales, users)
    list_line(system, inbox, args.seconds, profile=args.profile)
    mine = direct_headers(system, tenant_id, users[0])
    overhead(system, "list", inbox, Shape("GET", INBOX, mine), args.seconds / 2)


def workers_run(system: System, args: argparse.Namespace, workers: int) -> None:
    tenant_id, sales, _users = asyncio.run(setup_tenant(system, 10))
    create = Shape("POST", LEADS, sales, "lead")
    loadgen.run(system.gateway.url, create, concurrency=8, seconds=2)  # warm-up
    print(f"\n5. create lead through the gateway, {workers} workers per process "
          "(TIDTAM_WORKERS)")
    create_line(system, "create lead, concurrency 32", sales, tenant_id, args.seconds,
                profile=False)


def with_system(body: Callable[[System], None], env: dict[str, str] | None = None,
                start: Callable[[System], object] | None = None) -> None:
    """Run `body(system)` on a fresh system of the bench's own (fresh databases and RabbitMQ
    vhost), all of it dropped afterwards. `start` starts what the bench needs of it (by
    default everything)."""
    with ExitStack() as stack:
        servers = start_servers(stack)
        vhost = f"tidtam_bench_{uuid.uuid4().hex[:8]}"
        system = System(servers.db_url, servers.new_vhost(vhost), tag="bench", extra_env=env)
        try:
            if start is None:
                system.start(ready_timeout=180)  # the machine may be busy
            else:
                start(system)
            body(system)
        finally:
            system.stop()
            servers.rabbitmqctl("delete_vhost", vhost)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each line")
    parser.add_argument("--event-rate", type=float, default=200.0)
    parser.add_argument("--workers", type=int, default=2,
                        help="the workers of the last line (0: leave it out)")
    parser.add_argument("--create-only", action="store_true",
                        help="line 1 alone (create at concurrency 32 and 1): to compare runs")
    parser.add_argument("--only", choices=["list"],
                        help="list: the gateway overhead lines and the list lines alone "
                             "(with --profile, py-spy during the list line)")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the gateway and leads during line 1 (needs root)")
    args = parser.parse_args()
    if args.only == "list":
        with_system(lambda system: list_run(system, args), {"TIDTAM_WORKERS": "1"})
        return
    print(f"Tidtam load benchmark — {os.cpu_count()} cores, load generator: "
          f"{loadgen.describe()}; outbox relay: {relay_mode()} (TIDTAM_RELAY)")
    with_system(lambda system: full_run(system, args), {"TIDTAM_WORKERS": "1"})
    if args.workers > 1:
        with_system(lambda system: workers_run(system, args, args.workers),
                    {"TIDTAM_WORKERS": str(args.workers)})


if __name__ == "__main__":
    main()

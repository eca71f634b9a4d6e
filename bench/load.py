"""Load benchmark through the gateway: prints figures, asserts nothing.

    make bench            # or: .venv/bin/python bench/load.py [--leads 100000]

Starts its own system (fresh databases, a fresh RabbitMQ vhost, leads + gateway as real
uvicorn processes), then measures:
1. create-lead throughput and p50/p99 at concurrency 1 and 32, through the gateway;
2. list-Inbox p50/p99 for a sales user under `own` visibility on a tenant with N leads
   (seeded with COPY: the bulk path, not the API);
3. the gateway's overhead: the same list and create called through the gateway and
   directly on the leads service with a context signed by the bench.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from seed import seed_leads  # noqa: E402

from crmkit.context import sign_context  # noqa: E402
from crmkit.testing.servers import start_servers  # noqa: E402
from crmkit.testing.system import System  # noqa: E402


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def report(label: str, latencies: list[float], elapsed: float | None = None) -> dict:
    row = {"label": label, "n": len(latencies), "p50_ms": pct(latencies, 50),
           "p99_ms": pct(latencies, 99), "mean_ms": statistics.fmean(latencies) * 1000}
    if elapsed:
        row["per_s"] = len(latencies) / elapsed
    rate = f"{row['per_s']:8.1f}/s" if elapsed else " " * 10
    print(f"  {label:<46} n={row['n']:>6} {rate}  p50={row['p50_ms']:7.2f} ms  "
          f"p99={row['p99_ms']:7.2f} ms", flush=True)
    return row


async def timed_requests(client: httpx.AsyncClient, make_request, total: int,
                         concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    counter = iter(range(total))
    failures: list[str] = []

    async def worker():
        for i in counter:
            start = time.perf_counter()
            r = await make_request(client, i)
            latencies.append(time.perf_counter() - start)
            if r.status_code >= 300:
                failures.append(f"{r.status_code} {r.text[:200]}")

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return latencies, elapsed


def lead_body(i: int) -> dict:
    return {"name": f"คุณสมชาย ใจดี {i}", "phone": f"08{i % 10}-{(i * 7919) % 1000:03d}-"
            f"{(i * 104729) % 10000:04d}", "email": f"lead{i}-{uuid.uuid4().hex[:6]}@example.co.th",
            "source": "website", "company": f"บริษัท ทดสอบ {i % 97} จำกัด", "potential": 15000}


async def wait_until(check, what: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


async def setup_tenant(gw: httpx.AsyncClient, operator: str, sales_users: int):
    r = await gw.post("/api/v1/tenants", headers={"Authorization": f"Bearer {operator}"},
                      json={"name": "Bench Co.", "admin": {"email": "admin@bench.example",
                                                           "name": "Admin", "password":
                                                           "bench-password-1"}})
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

    async def projection_ready():
        r = await gw.post("/api/v1/leads", headers=sales, json=lead_body(0))
        return r.status_code == 201

    await wait_until(projection_ready, "the leads service to learn the users")
    return tenant_id, admin, sales, users


async def login(gw: httpx.AsyncClient, email: str, password: str) -> dict:
    r = await gw.post("/api/v1/auth/token", data={"username": email, "password": password})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def run(system: System, n_leads: int, creates: int) -> None:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=system.gateway.url, limits=limits, timeout=60) as gw, \
            httpx.AsyncClient(base_url=system.leads.url, limits=limits, timeout=60) as direct:
        tenant_id, admin, sales, users = await setup_tenant(gw, system.operator_token, 10)
        print(f"\nTidtam load benchmark — {os.cpu_count()} cores, one uvicorn worker per service")
        print("\n1. create lead through the gateway")

        async def create(client, i):
            return await client.post("/api/v1/leads", headers=sales, json=lead_body(i))

        await timed_requests(gw, create, 50, 8)  # warm-up
        report("create lead, concurrency 1", *await timed_requests(gw, create, creates // 10, 1))
        report("create lead, concurrency 32", *await timed_requests(gw, create, creates, 32))

        print(f"\n2. list Inbox, `own` visibility, tenant with {n_leads:,} leads")
        start = time.perf_counter()
        seeded = await seed_leads(system.db_url("leads", owner=True), tenant_id, users, n_leads)
        print(f"  seeded {seeded:,} leads with COPY in {time.perf_counter() - start:.1f} s")

        async def list_inbox(client, i):
            return await client.get("/api/v1/leads", headers=sales,
                                    params={"box": "inbox", "limit": 50})

        await timed_requests(gw, list_inbox, 50, 4)
        report("list Inbox (50 rows), concurrency 1", *await timed_requests(gw, list_inbox, 500, 1))
        report("list Inbox (50 rows), concurrency 8",
               *await timed_requests(gw, list_inbox, 1000, 8))

        async def search(client, i):
            return await client.get("/api/v1/leads", headers=sales,
                                    params={"box": "inbox", "q": "ทดสอบ 4", "limit": 50})

        report("search q='ทดสอบ 4', concurrency 1", *await timed_requests(gw, search, 200, 1))

        async def search_rare(client, i):  # one lead's email: the trigram index's case
            return await client.get("/api/v1/leads", headers=sales, params={
                "box": "inbox", "q": f"seed{(i * 7919) % n_leads}@", "limit": 50})

        report("search one lead's email, concurrency 1",
               *await timed_requests(gw, search_rare, 200, 1))

        print("\n3. gateway overhead (same request, concurrency 1)")
        me = uuid.UUID(users[0])

        def direct_headers():
            return {"X-Tidtam-Context": sign_context(
                system.context_secret, tenant_id=uuid.UUID(tenant_id), user_id=me, role="sales",
                team_id=None, lead_visibility="own", team_member_ids=[],
                settings={"allow_stage_back": False})}

        async def list_direct(client, i):
            return await client.get("/api/v1/leads", headers=direct_headers(),
                                    params={"box": "inbox", "limit": 50})

        async def create_direct(client, i):
            return await client.post("/api/v1/leads", headers=direct_headers(), json=lead_body(i))

        via = report("list via gateway", *await timed_requests(gw, list_inbox, 500, 1))
        dir_ = report("list direct to leads", *await timed_requests(direct, list_direct, 500, 1))
        print(f"  gateway overhead on list: p50 +{via['p50_ms'] - dir_['p50_ms']:.2f} ms")
        via = report("create via gateway", *await timed_requests(gw, create, 300, 1))
        dir_ = report("create direct to leads",
                      *await timed_requests(direct, create_direct, 300, 1))
        print(f"  gateway overhead on create: p50 +{via['p50_ms'] - dir_['p50_ms']:.2f} ms")


def with_system(start, body) -> None:
    """Run `body(system)` (a coroutine function) on a fresh system of the bench's own:
    fresh databases and RabbitMQ vhost, `start(system)` starting what it needs; all of it
    dropped afterwards."""
    with ExitStack() as stack:
        servers = start_servers(stack)
        vhost = f"tidtam_bench_{uuid.uuid4().hex[:8]}"
        system = System(servers.db_url, servers.new_vhost(vhost), tag="bench")
        try:
            start(system)
            asyncio.run(body(system))
        finally:
            system.stop()
            servers.rabbitmqctl("delete_vhost", vhost)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--creates", type=int, default=3000)
    args = parser.parse_args()
    with_system(System.start, lambda system: run(system, args.leads, args.creates))


if __name__ == "__main__":
    main()

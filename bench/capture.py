"""Web-form capture benchmark: prints figures, asserts nothing.

    make bench-capture    # or: .venv/bin/python bench/capture.py [--posts 2000 --rate 500]

Starts the gateway, leads, accounts and capture services (real processes, fresh databases
and vhost), makes a tenant and a form, then posts `--posts` submissions through the gateway
at `--rate` per second (each from its own client address, so the per-address limit does
not apply; the per-form limit is raised for the run) and reports:
1. accepted posts per second (202s over the time from the first post to the last answer),
   the answers' p50/p99, and any other status;
2. loss: how long until the leads service has made a lead of every accepted post, and how
   many are missing if some never come (timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "capture"))

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from capture_support import PASSWORD, form_body, login  # noqa: E402
from loadgen import percentile  # noqa: E402

from crmkit.testing.servers import start_servers  # noqa: E402
from crmkit.testing.system import System  # noqa: E402
from crmkit.testing.tenants import pg_dsn  # noqa: E402


def setup(system: System) -> tuple[str, dict]:
    with httpx.Client(base_url=system.gateway.url, timeout=60) as gw:
        email = f"admin-{uuid.uuid4().hex[:6]}@bench.example"
        r = gw.post("/api/v1/tenants",
                    headers={"Authorization": f"Bearer {system.operator_token}"},
                    json={"name": "บริษัท เบนช์ จำกัด", "admin": {
                        "email": email, "name": "แอดมิน", "password": PASSWORD}})
        r.raise_for_status()
        tenant = r.json()["id"]
        form = gw.post("/api/v1/capture/forms", headers=login(gw, email), json=form_body())
        form.raise_for_status()
        return tenant, form.json()


async def flood(system: System, form: dict, posts: int, rate: float, concurrency: int
                ) -> tuple[float, list[float], Counter[int]]:
    url = f"/capture/forms/{form['public_key']}"
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=system.gateway.url, timeout=60,
                                 limits=limits) as client:
        async def one(i: int) -> None:
            async with sem:
                body = {"name": f"ลูกค้า {i}", "phone": f"081{i:07d}",
                        "email": f"b{i}@bench.example", "consent": True,
                        "submission_id": str(uuid.uuid4())}
                addr = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
                t0 = time.perf_counter()
                r = await client.post(url, json=body, headers={"X-Forwarded-For": addr})
                latencies.append(time.perf_counter() - t0)
                statuses[r.status_code] += 1

        start = time.perf_counter()
        tasks = []
        for i in range(posts):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        return time.perf_counter() - start, latencies, statuses


async def until_leads(system: System, tenant: str, expect: int, timeout: float
                      ) -> tuple[int, float]:
    conn = await asyncpg.connect(pg_dsn(system.db_url("leads", owner=True)))
    start = time.perf_counter()
    try:
        while True:
            made = await conn.fetchval("SELECT count(*) FROM leads WHERE tenant_id = $1",
                                       uuid.UUID(tenant))
            if made >= expect or time.perf_counter() - start > timeout:
                return made, time.perf_counter() - start
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=500.0, help="posts/s offered")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds to wait for every lead")
    args = parser.parse_args()
    print(f"Tidtam capture benchmark — {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    with ExitStack() as stack:
        servers = start_servers(stack)
        vhost = f"tidtam_bench_{uuid.uuid4().hex[:8]}"
        system = System(servers.db_url, servers.new_vhost(vhost), tag="benchcap",
                        only=("accounts", "leads", "capture"),
                        extra_env={"TIDTAM_TRUSTED_PROXIES": "127.0.0.1",
                                   "TIDTAM_CAPTURE_FORM_BURST": str(args.posts * 2),
                                   "TIDTAM_CAPTURE_FORM_PER_MINUTE": "1000000"})
        try:
            system.start(ready_timeout=180)
            tenant, form = setup(system)
            elapsed, latencies, statuses = asyncio.run(
                flood(system, form, args.posts, args.rate, args.concurrency))
            accepted = statuses.get(202, 0)
            print(f"posts: {args.posts} offered at {args.rate:.0f}/s, concurrency "
                  f"{args.concurrency}: {accepted} accepted in {elapsed:.1f} s = "
                  f"{accepted / elapsed:.0f} accepted/s; answers p50 "
                  f"{percentile(latencies, 50) * 1000:.0f} ms, p99 "
                  f"{percentile(latencies, 99) * 1000:.0f} ms; statuses {dict(statuses)}")
            made, waited = asyncio.run(until_leads(system, tenant, accepted, args.timeout))
            print(f"leads: {made} of {accepted} made, the last {waited:.1f} s after the last "
                  f"answer; lost {max(0, accepted - made)}")
            print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        finally:
            system.stop()
            servers.rabbitmqctl("delete_vhost", vhost)


if __name__ == "__main__":
    main()

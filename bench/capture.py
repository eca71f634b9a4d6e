"""Capture benchmark (web forms and the LINE webhook): prints figures, asserts nothing.

    make bench-capture    # or: .venv/bin/python bench/capture.py [--posts 2000 --rate 500]
                          #     [--line 1000 --line-rate 100] [--only forms|line]

Starts the gateway, leads, accounts and capture services (real processes, fresh databases
and vhost), makes a tenant and a form, then posts `--posts` submissions through the gateway
at `--rate` per second (each from its own client address, so the per-address limit does
not apply; the per-form limit is raised for the run) and reports:
1. accepted posts per second (202s over the time from the first post to the last answer),
   the answers' p50/p99, and any other status;
2. loss: how long until the leads service has made a lead of every accepted post, and how
   many are missing if some never come (timeout).
Then (`--line`, unless `--only forms`) it sends that many signed LINE webhook calls (each a
new follower) at `--line-rate` per second while the service's consumer is still turning
them into leads (a fake LINE API answers each profile fetch after `--profile-ms`), and
reports the webhook's answers p50/p99, how many leads existed when the last answer came
(processing was still going on), and the wait until every follower is a lead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
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
import procs  # noqa: E402
import pyspy  # noqa: E402
from capture_support import PASSWORD, FakeLine, form_body, login  # noqa: E402
from loadgen import percentile  # noqa: E402

from crmkit.testing.servers import start_servers  # noqa: E402
from crmkit.testing.system import System  # noqa: E402
from crmkit.testing.tenants import pg_dsn  # noqa: E402

LINE_SECRET = "bench-line-secret-0123456789abcdef"


def line_setup(system: System, tenant_admin: dict) -> dict:
    with httpx.Client(base_url=system.gateway.url, timeout=60) as gw:
        r = gw.put("/api/v1/capture/line", headers=tenant_admin, json={
            "channel_id": "1650000000", "channel_secret": LINE_SECRET,
            "access_token": "bench-line-token-" + "x" * 40})
        r.raise_for_status()
        return r.json()


def line_call(user: str) -> tuple[bytes, str]:
    import base64
    import hashlib
    import hmac
    import json

    raw = json.dumps({"destination": "Ubench", "events": [{
        "type": "follow", "mode": "active", "timestamp": int(time.time() * 1000),
        "webhookEventId": uuid.uuid4().hex, "deliveryContext": {"isRedelivery": False},
        "source": {"type": "user", "userId": user}, "replyToken": "r"}]}).encode()
    sig = base64.b64encode(hmac.new(LINE_SECRET.encode(), raw, hashlib.sha256).digest())
    return raw, sig.decode()


async def line_flood(system: System, line: dict, users: list[str], rate: float,
                     concurrency: int) -> tuple[float, list[float], Counter[int]]:
    path = httpx.URL(line["webhook_url"]).path
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=system.gateway.url, timeout=60,
                                 limits=limits) as client:
        async def one(user: str) -> None:
            raw, sig = line_call(user)
            async with sem:
                t0 = time.perf_counter()
                try:
                    r = await client.post(path, content=raw, headers={
                        "Content-Type": "application/json", "X-Line-Signature": sig,
                        "X-Forwarded-For": "147.92.150.193"})
                    statuses[r.status_code] += 1
                except httpx.HTTPError:  # counted as status 0 (LINE would redeliver it)
                    statuses[0] += 1
                latencies.append(time.perf_counter() - t0)

        start = time.perf_counter()
        tasks = []
        for i, user in enumerate(users):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(user)))
        await asyncio.gather(*tasks)
        return time.perf_counter() - start, latencies, statuses


def setup(system: System) -> tuple[str, dict, dict]:
    with httpx.Client(base_url=system.gateway.url, timeout=60) as gw:
        email = f"admin-{uuid.uuid4().hex[:6]}@bench.example"
        r = gw.post("/api/v1/tenants",
                    headers={"Authorization": f"Bearer {system.operator_token}"},
                    json={"name": "บริษัท เบนช์ จำกัด", "admin": {
                        "email": email, "name": "แอดมิน", "password": PASSWORD}})
        r.raise_for_status()
        tenant = r.json()["id"]
        admin = login(gw, email)
        form = gw.post("/api/v1/capture/forms", headers=admin, json=form_body())
        form.raise_for_status()
        return tenant, form.json(), admin


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
                try:
                    r = await client.post(url, json=body, headers={"X-Forwarded-For": addr})
                    statuses[r.status_code] += 1
                except httpx.HTTPError:  # counted as status 0 (a client would retry it)
                    statuses[0] += 1
                latencies.append(time.perf_counter() - t0)

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


async def until_leads(system: System, tenant: str, expect: int, timeout: float, *,
                      line: bool = False) -> tuple[int, float]:
    """(leads made, seconds waited) once `expect` are there or `timeout` passed; with
    `line`, only the LINE followers' leads."""
    conn = await asyncpg.connect(pg_dsn(system.db_url("leads", owner=True)))
    start = time.perf_counter()
    which = "line_id IS NOT NULL" if line else "line_id IS NULL"
    try:
        while True:
            made = await conn.fetchval(f"SELECT count(*) FROM leads WHERE tenant_id = $1 "
                                       f"AND {which}", uuid.UUID(tenant))
            if made >= expect or time.perf_counter() - start > timeout:
                return made, time.perf_counter() - start
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


class Spent:
    """CPU seconds of the gateway and the capture service (relay process apart, if any) over
    a phase, per request; with `profile`, py-spy samples both meanwhile (bench/pyspy.py)."""

    def __init__(self, system: System, seconds: float, profile: bool) -> None:
        assert system.gateway is not None and system.capture is not None
        self.pids = {"gateway": system.gateway.proc.pid, "capture": system.capture.proc.pid}
        self.recorders = []
        if profile:
            tmp = Path(tempfile.mkdtemp(prefix="tidtam-capture-profile-"))
            self.recorders = [(name, tmp / f"{name}.txt",
                               pyspy.record(pid, seconds, tmp / f"{name}.txt"))
                              for name, pid in self.pids.items()]
        self.before = self.now()

    def now(self) -> dict[str, float]:
        return {"gateway": procs.cpu_seconds(self.pids["gateway"]),
                "capture": procs.cpu_seconds(self.pids["capture"], relay=False),
                "capture relay": procs.cpu_seconds(self.pids["capture"], relay=True)}

    def report(self, what: str, n: int) -> None:
        after = self.now()
        parts = ", ".join(f"{name} {1000 * (after[name] - self.before[name]) / max(n, 1):.2f} ms"
                          for name in after)
        print(f"CPU per {what} (until the last answer): {parts}", flush=True)

    def profiles(self) -> None:
        for name, raw, proc in self.recorders:
            proc.wait()
            print(f"\n  py-spy, {name}:")
            print("\n".join(pyspy.summarise(raw, 15)))


def forms(system: System, tenant: str, form: dict, args: argparse.Namespace) -> None:
    spent = Spent(system, max(30.0, args.posts / args.rate), args.profile)
    elapsed, latencies, statuses = asyncio.run(
        flood(system, form, args.posts, args.rate, args.concurrency))
    accepted = statuses.get(202, 0)
    spent.report("post", args.posts)
    print(f"posts: {args.posts} offered at {args.rate:.0f}/s, concurrency "
          f"{args.concurrency}: {accepted} accepted in {elapsed:.1f} s = "
          f"{accepted / elapsed:.0f} accepted/s; answers p50 "
          f"{percentile(latencies, 50) * 1000:.0f} ms, p99 "
          f"{percentile(latencies, 99) * 1000:.0f} ms; statuses {dict(statuses)}")
    made, waited = asyncio.run(until_leads(system, tenant, accepted, args.timeout))
    print(f"leads: {made} of {accepted} made, the last {waited:.1f} s after the last "
          f"answer; lost {max(0, accepted - made)}")
    spent.profiles()


def line_calls(system: System, tenant: str, admin: dict, line_api: FakeLine,
               args: argparse.Namespace) -> None:
    line = line_setup(system, admin)
    users = ["U" + uuid.uuid4().hex for _ in range(args.line)]
    for n, user in enumerate(users):
        line_api.profiles[user] = {"userId": user, "displayName": f"เพื่อน LINE {n}"}
    spent = Spent(system, max(30.0, args.line / args.line_rate), args.profile)
    elapsed, latencies, statuses = asyncio.run(
        line_flood(system, line, users, args.line_rate, args.concurrency))
    answered = statuses.get(200, 0)
    spent.report("LINE call (and its processing so far)", args.line)
    made_then, _ = asyncio.run(until_leads(system, tenant, 0, 0, line=True))
    print(f"LINE: {args.line} webhook calls offered at {args.line_rate:.0f}/s, concurrency "
          f"{args.concurrency}, profile {args.profile_ms:.0f} ms: {answered} answered 200 in "
          f"{elapsed:.1f} s; answers p50 {percentile(latencies, 50) * 1000:.0f} ms, p99 "
          f"{percentile(latencies, 99) * 1000:.0f} ms; statuses {dict(statuses)}; "
          f"{made_then} leads made when the last answer came")
    made, waited = asyncio.run(until_leads(system, tenant, answered, args.timeout, line=True))
    print(f"LINE leads: {made} of {answered} made, the last {waited:.1f} s after the last "
          f"answer; lost {max(0, answered - made)}; profiles fetched {len(line_api.calls)}")
    spent.profiles()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=500.0, help="posts/s offered")
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds to wait for every lead")
    parser.add_argument("--line", type=int, default=1000, help="LINE webhook calls")
    parser.add_argument("--line-rate", type=float, default=100.0, help="LINE calls/s offered")
    parser.add_argument("--profile-ms", type=float, default=50.0,
                        help="the fake LINE API's time to answer a profile")
    parser.add_argument("--only", choices=("forms", "line"))
    parser.add_argument("--profile", action="store_true",
                        help="py-spy samples the gateway and the capture service meanwhile")
    args = parser.parse_args()
    print(f"Tidtam capture benchmark — {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start")
    with ExitStack() as stack:
        servers = start_servers(stack)
        line_api = FakeLine()
        stack.callback(line_api.stop)
        line_api.delay = args.profile_ms / 1000
        vhost = f"tidtam_bench_{uuid.uuid4().hex[:8]}"
        system = System(servers.db_url, servers.new_vhost(vhost), tag="benchcap",
                        only=("accounts", "leads", "capture"),
                        extra_env={"TIDTAM_TRUSTED_PROXIES": "127.0.0.1",
                                   "TIDTAM_CAPTURE_FORM_BURST": str(args.posts * 2),
                                   "TIDTAM_CAPTURE_FORM_PER_MINUTE": "1000000",
                                   "TIDTAM_LINE_API_URL": line_api.url})
        try:
            system.start(ready_timeout=180)
            tenant, form, admin = setup(system)
            if args.only != "line":
                forms(system, tenant, form, args)
            if args.only != "forms" and args.line:
                line_calls(system, tenant, admin, line_api, args)
            print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        finally:
            system.stop()
            servers.rabbitmqctl("delete_vhost", vhost)


if __name__ == "__main__":
    main()

"""The gateway's own cost per proxied request, against a bare upstream: prints figures,
asserts nothing.

    make bench-proxy      # or: .venv/bin/python bench/proxy.py [--seconds 5] [--profile]

Starts a gateway on a fresh database whose leads service is tests/gateway/echo_upstream.py
(a bare ASGI app that echoes what it got: no database behind it), logs a sales user in, and
drives it with wrk (bench/loadgen.py): list and create at concurrency 1 and 32, through the
gateway and directly on the echo. Each line prints the gateway process's CPU per request
(user + system, from /proc) — the figure the gateway takes from the services and PostgreSQL
on a shared machine, and the one that holds still when the machine is busy — and the
concurrency-1 pairs print the gateway's overhead at p50 (via minus direct).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import tempfile
import uuid
from contextlib import ExitStack
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadgen  # noqa: E402
import pyspy  # noqa: E402
from loadgen import Result, Shape  # noqa: E402

from crmkit import migrate  # noqa: E402
from crmkit.testing.process import ServiceProcess  # noqa: E402
from crmkit.testing.servers import start_servers  # noqa: E402
from crmkit.testing.system import ROOT, System  # noqa: E402

LEADS = "/api/v1/leads"
PASSWORD = "bench-password-1"
_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of `pid` and of its children still running (uvicorn's workers)."""
    total = 0.0
    for task in [pid, *_children(pid)]:
        try:
            fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    return total


def _children(pid: int) -> list[int]:
    found = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(p) for p in path.read_text().split()]
    return found


async def sales_user(gateway_url: str, operator_token: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60) as gw:
        r = await gw.post("/api/v1/tenants", headers={"Authorization": f"Bearer {operator_token}"},
                          json={"name": "Bench Co.", "admin": {
                              "email": "admin@bench.example", "name": "Admin",
                              "password": PASSWORD}})
        r.raise_for_status()
        r = await gw.post("/api/v1/auth/token",
                          data={"username": "admin@bench.example", "password": PASSWORD})
        r.raise_for_status()
        admin = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = await gw.post("/api/v1/users", headers=admin, json={
            "email": "sales@bench.example", "name": "Sales", "password": PASSWORD,
            "role": "sales"})
        r.raise_for_status()
        r = await gw.post("/api/v1/auth/token",
                          data={"username": "sales@bench.example", "password": PASSWORD})
        r.raise_for_status()
        return {"Authorization": f"Bearer {r.json()['access_token']}"}


def measured(gateway: ServiceProcess, url: str, shape: Shape, concurrency: int,
             seconds: float) -> tuple[Result, float]:
    """The run's result and the gateway's CPU milliseconds per request during it."""
    assert gateway.proc is not None
    before = cpu_seconds(gateway.proc.pid)
    result = loadgen.run(url, shape, concurrency=concurrency, seconds=seconds)
    spent = cpu_seconds(gateway.proc.pid) - before
    return result, 1000 * spent / max(1, result.n)


def print_line(label: str, result: Result, gateway_ms: float | None) -> None:
    cost = f"gateway CPU {gateway_ms:5.2f} ms/request" if gateway_ms is not None else ""
    print(f"  {label:<30} n={result.n:>6} {result.per_s:8.1f}/s  p50={result.p50_ms:6.2f} ms"
          f"  p99={result.p99_ms:7.2f} ms  {cost}", flush=True)
    if result.failures:
        raise SystemExit(f"{result.failures} requests failed, e.g. {result.example_failure}")


def profiled_c32(gateway: ServiceProcess, shape: Shape, seconds: float,
                 profile: bool) -> tuple[Result, float]:
    """The concurrency-32 line; with `profile`, py-spy's summary of the gateway during it."""
    assert gateway.proc is not None
    if not profile:
        return measured(gateway, gateway.url, shape, 32, seconds)
    raw = Path(tempfile.mkdtemp(prefix="tidtam-profile-")) / "gateway.txt"
    recorder = pyspy.record(gateway.proc.pid, seconds, raw)
    result = measured(gateway, gateway.url, shape, 32, seconds)
    recorder.wait()
    print("\n".join(pyspy.summarise(raw, 25)))
    return result


def run(gateway: ServiceProcess, echo: ServiceProcess, sales: dict[str, str],
        seconds: float, profile: bool) -> None:
    direct = {"X-Tidtam-Context": "not checked by the echo"}
    for what, method, body in (("list", "GET", ""), ("create", "POST", "lead")):
        via_shape, direct_shape = Shape(method, LEADS, sales, body), Shape(method, LEADS,
                                                                            direct, body)
        loadgen.run(gateway.url, via_shape, concurrency=4, seconds=1)  # warm-up
        via, cost = measured(gateway, gateway.url, via_shape, 1, seconds)
        print_line(f"{what} via gateway, c1", via, cost)
        straight = loadgen.run(echo.url, direct_shape, concurrency=1, seconds=seconds)
        print_line(f"{what} direct to the echo, c1", straight, None)
        print(f"    gateway overhead on {what} at c1: p50 {via.p50_ms - straight.p50_ms:+.2f} ms",
              flush=True)
        via, cost = profiled_c32(gateway, via_shape, seconds, profile)
        print_line(f"{what} via gateway, c32", via, cost)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each line")
    parser.add_argument("--rounds", type=int, default=1, help="how many times to run the lines")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the gateway during the concurrency-32 lines (needs root)")
    args = parser.parse_args()
    print(f"Tidtam gateway overhead against a bare upstream — {os.cpu_count()} cores, "
          f"load generator: {loadgen.describe()}")
    with ExitStack() as stack:
        servers = start_servers(stack)
        vhost = f"tidtam_bench_{uuid.uuid4().hex[:8]}"
        system = System(servers.db_url, servers.new_vhost(vhost), tag="bench_proxy")
        logs = system.log_dir
        try:
            migrate.setup(ROOT / "gateway", system.db_url("gateway", owner=True),
                          migrate.APP_ROLE)
            echo = ServiceProcess("echo_upstream:app", {
                "PYTHONPATH": str(ROOT / "tests" / "gateway"), "ECHO_NAME": "leads"},
                log_path=logs / "bench-proxy-echo.log", ready_path="/healthz").start()
            stack.callback(echo.stop)
            operator = secrets.token_urlsafe(24)
            gateway = ServiceProcess("tidtam_gateway.main:app", {
                **system.common_env(), "TIDTAM_LEADS_URL": echo.url,
                "TIDTAM_ACCOUNTS_URL": echo.url,
                "TIDTAM_GATEWAY_DATABASE_URL": system.db_url("gateway"),
                "TIDTAM_GATEWAY_RELAY_DATABASE_URL": system.db_url("gateway", relay=True),
                "TIDTAM_OPERATOR_TOKEN": operator, "TIDTAM_JWT_SECRET": uuid.uuid4().hex,
            }, log_path=logs / "bench-proxy-gateway.log").start(120)
            stack.callback(gateway.stop)
            sales = asyncio.run(sales_user(gateway.url, operator))
            for n in range(args.rounds):
                if args.rounds > 1:
                    print(f"\nround {n + 1}")
                run(gateway, echo, sales, args.seconds, args.profile)
        finally:
            stack.close()
            system.stop()
            servers.rabbitmqctl("delete_vhost", vhost)


if __name__ == "__main__":
    main()

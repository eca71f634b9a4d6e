"""Closed-loop timing of one kind of request, for the benchmarks that time calls one by one
(bench/accounts.py, bench/idempotency.py): `timed_requests` sends `total` requests from
`concurrency` workers and returns each one's latency and the elapsed time; `report` prints
one line of figures (n, rate, p50, p99) and returns them."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable

import httpx
from loadgen import percentile

MakeRequest = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


def report(label: str, latencies: list[float], elapsed: float | None = None
           ) -> dict[str, float]:
    row = {"n": float(len(latencies)), "p50_ms": percentile(latencies, 50) * 1000,
           "p99_ms": percentile(latencies, 99) * 1000,
           "mean_ms": statistics.fmean(latencies) * 1000}
    if elapsed:
        row["per_s"] = len(latencies) / elapsed
    rate = f"{row['per_s']:8.1f}/s" if elapsed else " " * 10
    print(f"  {label:<46} n={len(latencies):>6} {rate}  p50={row['p50_ms']:7.2f} ms  "
          f"p99={row['p99_ms']:7.2f} ms", flush=True)
    return row


async def timed_requests(client: httpx.AsyncClient, make_request: MakeRequest, total: int,
                         concurrency: int) -> tuple[list[float], float]:
    """Every request must succeed (status < 300): the first failure ends the run, named."""
    latencies: list[float] = []
    counter = iter(range(total))
    failures: list[str] = []

    async def worker() -> None:
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

"""What Idempotency-Key costs: create lead through the gateway with and without the header,
and a replayed answer, at concurrency 1 and 32. Prints figures, asserts nothing.

    make bench-idempotency   # or: .venv/bin/python bench/idempotency.py [--creates 2000]

Starts its own system as bench/load.py does. A keyed create adds the key's claim (one
INSERT) and its answer (one UPDATE) to the request's transaction; a replay reads the
answer and runs nothing else.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import setup_tenant, with_system  # noqa: E402
from loadgen import lead_body as generated_lead  # noqa: E402
from timing import report, timed_requests  # noqa: E402

from crmkit.testing.system import System  # noqa: E402

RUN = uuid.uuid4().hex[:8]


def lead_body(i: int) -> dict[str, object]:
    return generated_lead(i, RUN)


async def run(system: System, creates: int) -> None:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=system.gateway.url, limits=limits,
                                 timeout=60) as gw:
        _, sales, _ = await setup_tenant(system, 1)
        replay_key = str(uuid.uuid4())
        replay_body = lead_body(0)
        first = await gw.post("/api/v1/leads", json=replay_body,
                              headers={**sales, "Idempotency-Key": replay_key})
        first.raise_for_status()

        unavailable = [0]

        async def post(client: httpx.AsyncClient, body: dict, headers: dict[str, str]
                       ) -> httpx.Response:
            # A 503 is the gateway's pooled connection closed under it (the keep-alive race
            # of issue 10): counted and sent again, so that it does not end the run.
            for _ in range(3):
                r = await client.post("/api/v1/leads", json=body, headers=headers)
                if r.status_code != 503:
                    break
                unavailable[0] += 1
            return r

        async def plain(client: httpx.AsyncClient, i: int) -> httpx.Response:
            return await post(client, lead_body(i), sales)

        async def keyed(client: httpx.AsyncClient, i: int) -> httpx.Response:
            return await post(client, lead_body(i), {**sales,
                                                     "Idempotency-Key": str(uuid.uuid4())})

        async def replay(client: httpx.AsyncClient, i: int) -> httpx.Response:
            return await post(client, replay_body, {**sales, "Idempotency-Key": replay_key})

        print(f"\nIdempotency-Key — {os.cpu_count()} cores, through the gateway")
        await timed_requests(gw, plain, 50, 8)  # warm-up
        for concurrency, total in ((1, creates // 10), (32, creates)):
            rows = {name: report(f"{name}, concurrency {concurrency}",
                                 *await timed_requests(gw, call, total, concurrency))
                    for name, call in (("create lead", plain), ("create lead with a key", keyed),
                                       ("replay of a keyed create", replay))}
            extra = rows["create lead with a key"]["p50_ms"] - rows["create lead"]["p50_ms"]
            print(f"  the key's cost on create at concurrency {concurrency}: p50 {extra:+.2f} ms")
        print(f"  503s sent again: {unavailable[0]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creates", type=int, default=2000)
    args = parser.parse_args()
    with_system(lambda system: asyncio.run(run(system, args.creates)))


if __name__ == "__main__":
    main()

"""The keep-alive race between the proxy's pool and the services' servers, on real servers:
an upstream that closes idle connections after 1 s, and many requests through the gateway
whose gaps fall on both sides of that second. The pool forgets idle connections after
0.5 s (TIDTAM_PROXY_IDLE_SECONDS), so none goes down a connection the upstream is closing:
no 503, and no POST reaches the upstream twice."""

from __future__ import annotations

import asyncio
import random
import uuid

import httpx
import pytest

from crmkit.testing.process import ServiceProcess

from .conftest import LOG_DIR, create_tenant, login


@pytest.fixture(scope="module")
def short_keep_alive_upstream():
    proc = ServiceProcess("echo_upstream:app", {
        "PYTHONPATH": str(LOG_DIR.parents[1] / "tests" / "gateway"), "ECHO_NAME": "leads",
        "TIDTAM_KEEP_ALIVE_SECONDS": "1"},
        log_path=LOG_DIR / "gateway-echo-keepalive.log", ready_path="/healthz")
    proc.start()
    yield proc
    proc.stop()


@pytest.mark.e2e
async def test_requests_spaced_around_the_upstreams_keep_alive_never_fail(
        start_gateway, short_keep_alive_upstream):
    gateway = start_gateway(leads_url=short_keep_alive_upstream.url,
                            TIDTAM_PROXY_IDLE_SECONDS="0.5")
    with httpx.Client(base_url=gateway.url, timeout=30) as sync:
        t = create_tenant(sync, gateway)
        _uid, email, _ = t.add_user()
        headers = login(sync, email)
    rng = random.Random(10)
    answers: list[httpx.Response] = []

    async def client(n: int) -> None:
        async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as gw:
            for _ in range(n):
                # Gaps of 0.7-1.3 s: the upstream's 1 s keep-alive runs out around them.
                await asyncio.sleep(rng.uniform(0.7, 1.3))
                method = rng.choice(("POST", "POST", "GET", "PATCH"))
                answers.append(await gw.request(
                    method, "/api/v1/leads", json={"n": 1} if method != "GET" else None,
                    headers={**headers, "X-Echo-Id": uuid.uuid4().hex}))

    await asyncio.gather(*(client(12) for _ in range(24)))
    statuses = sorted({r.status_code for r in answers})
    assert len(answers) == 288 and statuses == [200], [
        r.text for r in answers if r.status_code != 200][:3]
    assert {r.json()["seen"] for r in answers} == {1}  # nothing was sent twice

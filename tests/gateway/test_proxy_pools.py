"""The proxy's split pool (proxy/pools.py) on a real upstream server: requests spread over
the small pools by how busy each is, a lone client keeps one warm connection, the
connection limit is shared out, and a request stops counting as in flight when its body
is closed, read or not."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from crmkit.testing.process import ServiceProcess
from tidtam_gateway.proxy.pools import SplitPoolTransport

from .conftest import LOG_DIR


@pytest.fixture(scope="module")
def upstream():
    proc = ServiceProcess("echo_upstream:app", {
        "PYTHONPATH": str(LOG_DIR.parents[1] / "tests" / "gateway"), "ECHO_NAME": "leads"},
        log_path=LOG_DIR / "gateway-echo-pools.log", ready_path="/healthz")
    proc.start()
    yield proc
    proc.stop()


def _client_port(response: httpx.Response) -> int:
    return response.extensions["network_stream"].get_extra_info("client_addr")[1]


async def _get(client: httpx.AsyncClient, path: str) -> tuple[int, int]:
    response = await client.send(client.build_request("GET", path), stream=True)
    port = _client_port(response)
    await response.aread()
    await response.aclose()
    return response.status_code, port


@pytest.mark.integration
async def test_concurrent_requests_spread_over_the_pools_and_all_come_back(upstream):
    transport = SplitPoolTransport(max_connections=200, idle_seconds=5, retries=1, pools=8)
    peak: list[int] = []

    async def watch() -> None:
        while True:
            peak.append(max(transport.in_flight))
            await asyncio.sleep(0.02)

    async with httpx.AsyncClient(transport=transport, base_url=upstream.url) as client:
        watcher = asyncio.create_task(watch())
        answers = await asyncio.gather(
            *(_get(client, "/api/v1/leads/slow?seconds=0.4") for _ in range(16)))
        watcher.cancel()
    assert [status for status, _ in answers] == [200] * 16
    # 16 at once over 8 pools: never more than 2 in one pool, and one connection each.
    assert max(peak) == 2
    assert len({port for _, port in answers}) == 16
    assert transport.in_flight == [0] * 8


@pytest.mark.integration
async def test_one_client_at_a_time_reuses_one_connection(upstream):
    transport = SplitPoolTransport(max_connections=200, idle_seconds=5, retries=1)
    async with httpx.AsyncClient(transport=transport, base_url=upstream.url) as client:
        answers = [await _get(client, "/api/v1/leads") for _ in range(10)]
    assert {status for status, _ in answers} == {200}
    assert len({port for _, port in answers}) == 1


@pytest.mark.integration
async def test_the_connection_limit_is_shared_between_the_pools(upstream):
    # 4 connections over (at most) 4 pools: 12 slow requests at once queue for them.
    transport = SplitPoolTransport(max_connections=4, idle_seconds=5, retries=1, pools=8)
    async with httpx.AsyncClient(transport=transport, base_url=upstream.url) as client:
        answers = await asyncio.gather(
            *(_get(client, "/api/v1/leads/slow?seconds=0.2") for _ in range(12)))
    assert [status for status, _ in answers] == [200] * 12
    assert len({port for _, port in answers}) == 4
    assert transport.in_flight == [0] * 4


@pytest.mark.integration
async def test_a_body_closed_unread_or_a_failed_request_is_no_longer_in_flight(upstream):
    transport = SplitPoolTransport(max_connections=8, idle_seconds=5, retries=0, pools=2)
    async with httpx.AsyncClient(transport=transport, base_url=upstream.url) as client:
        response = await client.send(client.build_request("GET", "/api/v1/leads/big"),
                                     stream=True)
        assert transport.in_flight == [1, 0]
        await response.aclose()
        assert transport.in_flight == [0, 0]
        with pytest.raises(httpx.ConnectError):
            await client.get("http://127.0.0.1:9/nothing-listens-here")
    assert transport.in_flight == [0, 0]

"""The proxy's HTTP/1.1 client (proxy/upstream.py) on real sockets: against the echo
upstream under uvicorn, and against small servers written here that misbehave on purpose
(close a kept-alive connection, never answer, answer in pieces, until close, or not HTTP)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from crmkit.testing.process import ServiceProcess, free_port
from tidtam_gateway.proxy.upstream import (
    Answer,
    ReadTimeout,
    UpstreamError,
    Upstreams,
    _Pool,
)

from .conftest import LOG_DIR

OK = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"


@pytest.fixture(scope="module")
def echo():
    proc = ServiceProcess("echo_upstream:app", {
        "PYTHONPATH": str(LOG_DIR.parents[1] / "tests" / "gateway"), "ECHO_NAME": "leads"},
        log_path=LOG_DIR / "gateway-echo-upstream-client.log", ready_path="/healthz")
    proc.start()
    yield proc
    proc.stop()


def pool(url: str, **options: float) -> _Pool:
    settings = {"max_connections": 8, "idle_seconds": 5.0, "connect_timeout": 2.0,
                "read_timeout": 5.0, **options}
    return Upstreams(**settings).pool(url)  # type: ignore[arg-type]


async def read(answer: Answer) -> bytes:
    try:
        return b"".join([chunk async for chunk in answer.body()])
    finally:
        answer.close()


async def get(p: _Pool, target: bytes = b"/api/v1/leads", method: str = "GET",
              body: bytes = b"", retry: bool = True) -> tuple[int, bytes]:
    answer = await p.send(method, target, [(b"x-test", b"1")], body, retry=retry)
    return answer.status, await read(answer)


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


class RawServer:
    """A TCP server on 127.0.0.1 whose every connection runs `handler(reader, writer, n)`
    (n: the connection's number, from 1); it records each request head it reads."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def read_request(self, reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await reader.readexactly(length) if length else b""
        self.requests.append(head + body)
        return head + body

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await self.handler(reader, writer, self.connections)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> RawServer:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()


def raw_server(handler: Handler) -> RawServer:
    return RawServer(handler)


@pytest.fixture
async def kept_alive() -> AsyncIterator[RawServer]:
    """Answers every request on a connection, keeping it open."""
    server: RawServer

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      n: int) -> None:
        while True:
            await server.read_request(reader)
            writer.write(OK)
            await writer.drain()

    server = raw_server(handler)
    async with server:
        yield server


@pytest.mark.integration
async def test_one_request_at_a_time_keeps_one_connection(echo):
    p = pool(echo.url)
    answers = [await get(p) for _ in range(10)]
    assert {status for status, _ in answers} == {200}
    assert len(p.idle) == 1


@pytest.mark.integration
async def test_the_request_reaches_the_service_as_built(echo):
    p = pool(echo.url + "/")
    body = "ลูกค้า".encode() * 1000
    answer = await p.send("POST", b"/api/v1/leads/x%01y?a=1&b=%20", [
        (b"idempotency-key", b"k-1"), (b"content-type", b"application/json")], body,
        retry=False)
    echoed = json.loads(await read(answer))
    assert answer.status == 200
    assert echoed["method"] == "POST" and echoed["raw_path"] == "/api/v1/leads/x%01y"
    assert echoed["query"] == "a=1&b=%20"
    assert echoed["headers"]["idempotency-key"] == ["k-1"]
    assert echoed["body_len"] == len(body)
    assert echoed["body_sha256"] == hashlib.sha256(body).hexdigest()
    # Repeated headers come back as sent.
    assert [v for k, v in answer.headers if k.lower() == b"set-cookie"] == [b"a=1", b"b=2"]


@pytest.mark.integration
async def test_concurrent_requests_share_at_most_max_connections(echo):
    p = pool(echo.url, max_connections=4)
    answers = await asyncio.gather(
        *(get(p, b"/api/v1/leads/slow?seconds=0.2") for _ in range(12)))
    assert [status for status, _ in answers] == [200] * 12
    assert len(p.idle) == 4
    assert p.slots._value == 4  # every slot given back


@pytest.mark.integration
async def test_a_big_answer_streams_through_in_pieces(echo):
    p = pool(echo.url)
    answer = await p.send("GET", b"/api/v1/leads/big?size=3000000", [], b"", retry=True)
    sizes = []
    async for chunk in answer.body():
        sizes.append(len(chunk))
        await asyncio.sleep(0.01)  # a slow client: the client pauses reading meanwhile
    answer.close()
    assert sum(sizes) == 3_000_000 and len(sizes) > 1
    assert len(p.idle) == 1  # read to the end: back in the pool


@pytest.mark.integration
async def test_an_answer_closed_unread_closes_its_connection(echo):
    p = pool(echo.url)
    answer = await p.send("GET", b"/api/v1/leads/big?size=3000000", [], b"", retry=True)
    answer.close()
    assert p.idle == [] and p.slots._value == 8
    assert (await get(p))[0] == 200


@pytest.mark.integration
async def test_head_is_answered_without_waiting_for_a_body():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      n: int) -> None:
        while True:
            head = await server.read_request(reader)
            if head.startswith(b"HEAD"):
                writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n")
            else:
                writer.write(OK)

    server = raw_server(handler)
    async with server:
        p = pool(server.url)
        assert await get(p, method="HEAD") == (200, b"")
        assert await get(p) == (200, b"ok")  # the same connection, still in step
        assert server.connections == 1


@pytest.mark.integration
async def test_a_connection_the_service_closed_while_idle_is_not_used():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      n: int) -> None:
        await server.read_request(reader)
        writer.write(OK)
        await writer.drain()
        # then closes it (a keep-alive that ran out)

    server = raw_server(handler)
    async with server:
        p = pool(server.url)
        assert await get(p, method="POST", body=b"{}", retry=False) == (200, b"ok")
        await asyncio.sleep(0.1)
        assert p.idle == []  # dropped as soon as the close was heard
        # Even a POST goes through: it takes a new connection.
        assert await get(p, method="POST", body=b"{}", retry=False) == (200, b"ok")
        assert server.connections == 2 and len(server.requests) == 2


@pytest.mark.integration
async def test_idle_connections_expire_before_the_services_keep_alive(kept_alive):
    p = pool(kept_alive.url, idle_seconds=0.2)
    await get(p)
    await get(p)
    assert kept_alive.connections == 1
    await asyncio.sleep(0.3)
    await get(p)
    assert kept_alive.connections == 2


@pytest.mark.integration
async def test_a_pooled_connection_that_breaks_is_retried_only_when_it_may_be():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      n: int) -> None:
        await server.read_request(reader)
        writer.write(OK)
        await writer.drain()
        # The next request on this connection is read, then the connection is dropped
        # without an answer (as a server closing it that very moment).
        await server.read_request(reader)

    server = raw_server(handler)
    async with server:
        p = pool(server.url)
        await get(p)
        # GET: sent again on a new connection, which answers.
        assert await get(p) == (200, b"ok")
        assert server.connections == 2
        # POST down a connection that breaks: not sent twice, an error instead.
        with pytest.raises(UpstreamError):
            await get(p, method="POST", body=b"{}", retry=False)
        posts = [r for r in server.requests if r.startswith(b"POST")]
        assert len(posts) == 1
        assert p.slots._value == 8


@pytest.mark.integration
async def test_a_service_that_does_not_answer_times_out_and_frees_the_slot():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      n: int) -> None:
        await server.read_request(reader)
        if n == 1:
            await asyncio.sleep(5)
        writer.write(OK)
        await writer.drain()

    server = raw_server(handler)
    async with server:
        p = pool(server.url, read_timeout=0.3, max_connections=1)
        with pytest.raises(ReadTimeout):
            await get(p)
        assert await get(p) == (200, b"ok")  # the one slot is free again, a new connection
        assert server.connections == 2


@pytest.mark.integration
async def test_a_service_that_is_down_is_an_upstream_error():
    p = pool(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(UpstreamError, match="cannot connect"):
        await get(p)
    assert p.slots._value == 8


@pytest.mark.integration
@pytest.mark.parametrize("wire, body", [
    # In pieces, chunked, with an interim 100 Continue first.
    ([b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n",
      b"\r\n5\r\nhello\r\n", b"6\r\n world\r\n0\r\n\r\n"], b"hello world"),
    # No length: the body ends where the connection does.
    ([b"HTTP/1.0 200 OK\r\ncontent-type: text/plain\r\n\r\nuntil ", b"close"], b"until close"),
])
async def test_answers_framed_every_way_arrive_whole(wire: list[bytes], body: bytes):
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      n: int) -> None:
        await server.read_request(reader)
        for piece in wire:
            writer.write(piece)
            await writer.drain()
            await asyncio.sleep(0.02)

    server = raw_server(handler)
    async with server:
        p = pool(server.url)
        assert await get(p) == (200, body)


@pytest.mark.integration
async def test_an_answer_that_is_not_http_is_an_upstream_error():
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      n: int) -> None:
        await server.read_request(reader)
        writer.write(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(1)

    server = raw_server(handler)
    async with server:
        p = pool(server.url)
        with pytest.raises(UpstreamError, match="not valid HTTP"):
            await get(p)
        assert p.idle == [] and p.slots._value == 8


@pytest.mark.integration
async def test_a_cancelled_request_closes_its_connection_and_frees_the_slot():
    closed, asked = asyncio.Event(), asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                      n: int) -> None:
        await server.read_request(reader)
        asked.set()
        if n == 1:
            await reader.read()  # no answer; returns when the client closes
            closed.set()
            return
        writer.write(OK)
        await writer.drain()

    server = raw_server(handler)
    async with server:
        p = pool(server.url, max_connections=1)
        task = asyncio.create_task(get(p))
        await asyncio.wait_for(asked.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.wait_for(closed.wait(), 5)
        assert p.slots._value == 1 and p.idle == []
        assert await get(p) == (200, b"ok")

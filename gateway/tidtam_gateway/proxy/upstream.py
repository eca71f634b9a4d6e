"""The proxy's HTTP/1.1 client: keep-alive connections to one service over asyncio, the
answers parsed by httptools (the C parser uvicorn itself uses).

Why not httpx: per proxied request, httpx and httpcore (URL objects, header models, a
cookie jar, h11's pure-Python state machine, anyio streams, a pool that walks every
connection) cost the gateway more CPU than everything else it does (py-spy,
`bench/proxy.py --profile`). This client does only what the proxy needs:

- one pool per service, its idle connections a stack (the most recently used is reused
  first, so a lone client keeps one warm connection): taking and returning one is O(1);
- at most `max_connections` requests in flight per service; more wait for a slot;
- a connection idle for `idle_seconds` is not reused (closed instead): below the service's
  keep-alive, so no request goes down a connection the service is closing at that moment;
  one the service closed is dropped as soon as the event loop hears of it;
- a connection that cannot be made is tried once more (nothing was sent); a request whose
  pooled connection broke before any answer is sent again on a new connection only when
  the caller says it may be (`retry`: idempotent methods);
- `connect_timeout` bounds making a connection, `read_timeout` each wait for the answer's
  head and for each piece of its body;
- the answer's body is relayed as it comes: reading pauses while 256 KB wait unsent;
- the connection goes back to the pool only when its answer was read to the end and the
  service keeps it alive; otherwise it is closed.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator
from typing import cast
from urllib.parse import urlsplit

import httptools

HIGH_WATER = 256 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class UpstreamError(Exception):
    """The service could not be reached, or broke off the exchange."""


class ConnectTimeout(UpstreamError):
    pass


class ReadTimeout(UpstreamError):
    pass


class _Connection(asyncio.Protocol):
    """One connection; one exchange at a time (`begin` resets what the last one left)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, on_lost: _Pool) -> None:
        self.loop = loop
        self.pool = on_lost
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self.waiter: asyncio.Future[None] | None = None
        self.begin(head_only=False)

    def begin(self, *, head_only: bool) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.head_only = head_only
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.head_done = False
        self.interim = False
        self.done = False
        self.keep_alive = False
        self.until_close = False
        self.received = False
        self.chunks: list[bytes] = []
        self.buffered = 0
        self.paused = False
        self.error: UpstreamError | None = None

    # --- asyncio.Protocol --------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but behave as one.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.done:  # bytes nobody asked for: the connection's state is unknown
            self._fail(UpstreamError("the service sent more than one answer"))
            return
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(UpstreamError(f"the service's answer is not valid HTTP: {exc}"))
        self._wake()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.done and self.error is None:
            if self.head_done and self.until_close:
                self.done = True  # a body that ends where the connection does
            else:
                self.error = UpstreamError(f"the service closed the connection ({exc!r})")
        self.pool.lost(self)
        self._wake()

    # --- httptools callbacks ------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name, value))

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if status < 200:  # an interim answer (100 Continue, 103): the real one follows
            self.headers = []
            self.interim = True
            return
        self.status = status
        self.head_done = True
        self.keep_alive = self.parser.should_keep_alive()
        if self.head_only:
            self.done = True  # an answer to HEAD has no body, whatever its length says
            return
        names = {name.lower() for name, _ in self.headers}
        self.until_close = b"content-length" not in names and b"transfer-encoding" not in names

    def on_body(self, body: bytes) -> None:
        if self.head_only:
            return
        self.chunks.append(body)
        self.buffered += len(body)
        if self.buffered > HIGH_WATER and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()

    def on_message_complete(self) -> None:
        if self.interim:
            self.interim = False
            return
        self.done = True
        self.keep_alive = self.parser.should_keep_alive()

    # --- the exchange ---------------------------------------------------------------------

    def _fail(self, error: UpstreamError) -> None:
        if self.error is None:
            self.error = error
        self.close()
        self._wake()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _time_out(self) -> None:
        self._fail(ReadTimeout("the service did not answer in time"))

    async def wait(self, timeout: float) -> None:
        """Until something arrives (or the connection ends); ReadTimeout after `timeout`."""
        self.waiter = self.loop.create_future()
        timer = self.loop.call_later(timeout, self._time_out)
        try:
            await self.waiter
        finally:
            timer.cancel()
            self.waiter = None

    async def head(self, request: bytes, timeout: float) -> None:
        """Send `request` and wait for the answer's status line and headers."""
        assert self.transport is not None
        self.transport.write(request)
        while not self.head_done:
            if self.error is not None:
                raise self.error
            await self.wait(timeout)
        if self.error is not None and not self.done:
            raise self.error

    def take(self) -> bytes:
        chunk = b"".join(self.chunks) if len(self.chunks) != 1 else self.chunks[0]
        self.chunks.clear()
        self.buffered = 0
        if self.paused and self.transport is not None:
            self.paused = False
            self.transport.resume_reading()
        return chunk

    @property
    def open(self) -> bool:
        return not self.closed and self.transport is not None and not self.transport.is_closing()

    @property
    def reusable(self) -> bool:
        return self.done and self.keep_alive and self.error is None and self.open

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


class Answer:
    """The service's answer: status, headers as sent, and the body as it comes. `close()`
    (always, once) gives the connection back or closes it."""

    def __init__(self, pool: _Pool, conn: _Connection) -> None:
        self._pool = pool
        self._conn: _Connection | None = conn
        self.status = conn.status
        self.headers = conn.headers

    @property
    def complete(self) -> bool:
        """Nothing more will come (what has come may still wait in `body()`)."""
        return self._conn is None or self._conn.done

    async def body(self) -> AsyncIterator[bytes]:
        conn = self._conn
        assert conn is not None
        while True:
            if conn.chunks:
                yield conn.take()
            elif conn.done:
                return
            elif conn.error is not None:
                raise conn.error
            else:
                await conn.wait(self._pool.read_timeout)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool.release(conn)


class _Pool:
    """Keep-alive connections to one service (see the module's docstring)."""

    def __init__(self, base_url: str, *, max_connections: int, idle_seconds: float,
                 connect_timeout: float, read_timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{base_url!r}: expected http(s)://host[:port][/path]")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self.host_header = parts.netloc.rsplit("@", 1)[-1].encode("idna")
        self.prefix = parts.path.rstrip("/").encode()
        self.idle_seconds = idle_seconds
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.slots = asyncio.Semaphore(max_connections)
        self.idle: list[_Connection] = []  # a stack: the most recently used last

    def encode(self, method: str, target: bytes, headers: list[tuple[bytes, bytes]],
               body: bytes) -> bytes:
        parts = [method.encode("ascii"), b" ", self.prefix, target, b" HTTP/1.1\r\nhost: ",
                 self.host_header, b"\r\n"]
        for name, value in headers:
            parts += (name, b": ", value, b"\r\n")
        if body or method in _BODY_METHODS:
            parts += (b"content-length: ", str(len(body)).encode(), b"\r\n")
        parts += (b"\r\n", body)
        return b"".join(parts)

    async def send(self, method: str, target: bytes, headers: list[tuple[bytes, bytes]],
                   body: bytes, *, retry: bool) -> Answer:
        """`target`: the path (as the client sent it) and query. `retry`: the request may
        be sent again when a pooled connection broke before any answer."""
        request = self.encode(method, target, headers, body)
        await self.slots.acquire()
        conn: _Connection | None = None
        try:
            conn = self._pooled()
            reused = conn is not None
            if conn is None:
                conn = await self._connect()
            conn.begin(head_only=method == "HEAD")
            try:
                await conn.head(request, self.read_timeout)
            except ReadTimeout:
                raise
            except UpstreamError:
                if not (reused and retry and not conn.received):
                    raise
                conn = None
                conn = await self._connect()
                conn.begin(head_only=method == "HEAD")
                await conn.head(request, self.read_timeout)
            return Answer(self, conn)
        except BaseException:  # cancelled too: the connection is in an unknown state
            if conn is not None:
                conn.close()
            self.slots.release()
            raise

    def _pooled(self) -> _Connection | None:
        now = asyncio.get_running_loop().time()
        while self.idle:
            conn = self.idle.pop()
            if conn.open and now - conn.idle_since < self.idle_seconds:
                return conn
            conn.close()
        return None

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):  # once more when it could not be made: nothing was sent
            try:
                _transport, conn = await asyncio.wait_for(loop.create_connection(
                    lambda: _Connection(loop, self), self.host, self.port, ssl=self.ssl),
                    self.connect_timeout)
                return conn
            except TimeoutError as exc:
                raise ConnectTimeout(f"no connection within {self.connect_timeout} s") from exc
            except OSError as exc:
                if attempt == 2:
                    raise UpstreamError(f"cannot connect: {exc!r}") from exc
        raise AssertionError("unreachable")

    def release(self, conn: _Connection) -> None:
        try:
            if not conn.reusable:
                conn.close()
                return
            now = asyncio.get_running_loop().time()
            conn.idle_since = now
            # The oldest idle ones sit at the bottom: drop those past their time.
            while self.idle and now - self.idle[0].idle_since >= self.idle_seconds:
                self.idle.pop(0).close()
            self.idle.append(conn)
        finally:
            self.slots.release()

    def lost(self, conn: _Connection) -> None:
        if conn in self.idle:
            self.idle.remove(conn)

    def close(self) -> None:
        while self.idle:
            self.idle.pop().close()


class Upstreams:
    """The proxy's pools, one per service base URL, made on first use."""

    def __init__(self, *, max_connections: int, idle_seconds: float, connect_timeout: float,
                 read_timeout: float) -> None:
        self._options = {"max_connections": max_connections, "idle_seconds": idle_seconds,
                         "connect_timeout": connect_timeout, "read_timeout": read_timeout}
        self._pools: dict[str, _Pool] = {}

    def pool(self, base_url: str) -> _Pool:
        pool = self._pools.get(base_url)
        if pool is None:
            pool = self._pools[base_url] = _Pool(base_url, **self._options)  # type: ignore[arg-type]
        return pool

    async def aclose(self) -> None:
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()

"""A real HTTP/1.1 server that keeps what it receives (webhook tests and benchmarks): each
request's arrival time, path, headers and body; it answers `status` (with `location` for
a redirect) after `delay` seconds. Keep-alive, Content-Length bodies; nothing more."""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Received:
    at: float  # time.time() when the whole request was in
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes


@dataclass
class HttpReceiver:
    host: str = "127.0.0.2"
    status: int = 200
    delay: float = 0.0
    location: str | None = None
    received: list[Received] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> HttpReceiver:
        self._server = await asyncio.start_server(self._serve, self.host, 0)
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def url(self, path: str = "/hook") -> str:
        return f"http://{self.host}:{self.port}{path}"

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            # A connection held by a hanging answer does not hold the test up.
            with suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 1)

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first `count` requests, once they are in (TimeoutError if not in time)."""
        async with asyncio.timeout(timeout):
            while len(self.received) < count:
                self._arrived.clear()
                await self._arrived.wait()
        return self.received[:count]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                path = lines[0].split(" ")[1]
                headers = {k.strip().lower(): v.strip() for k, _, v in
                           (line.partition(":") for line in lines[1:] if line)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.received.append(Received(time.time(), path, headers, body))
                self._arrived.set()
                if self.delay:
                    await asyncio.sleep(self.delay)
                extra = f"Location: {self.location}\r\n" if self.location else ""
                writer.write(f"HTTP/1.1 {self.status} X\r\nContent-Length: 0\r\n{extra}\r\n"
                             .encode())
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            writer.close()

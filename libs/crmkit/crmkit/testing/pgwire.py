"""A PostgreSQL proxy that counts round trips, for tests that guard how many a request costs.

    with RoundTripCounter(5432, user="tidtam_app", application_name="tidtam") as counter:
        ...point a service at 127.0.0.1:{counter.port}...
        counter.reset(); <one request>; counter.round_trips

It forwards bytes both ways unchanged and reads the client's side of the protocol: after
the startup message, every message is a type byte and a length. The client waits for the
server after each Sync ('S', the end of an extended-protocol exchange: prepare, or bind and
execute) and after each simple Query ('Q', e.g. BEGIN; COMMIT): those are the round trips.
Only connections whose startup names `user` and `application_name` are counted (a
service's request pool, not its relay or LISTEN connections). It declines TLS (answers 'N'
to an SSLRequest), so the bytes stay readable. It runs its own event loop in a thread, so
whoever starts a service behind it may block while it serves.
"""

from __future__ import annotations

import asyncio
import struct
import threading
from collections import Counter
from types import TracebackType

_SSL_REQUEST = 80877103
_GSSENC_REQUEST = 80877104
ROUND_TRIP_MESSAGES = (b"Q", b"S")


class RoundTripCounter:
    def __init__(self, upstream_port: int, *, user: str, application_name: str,
                 upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.user = user
        self.application_name = application_name
        self.messages: Counter[bytes] = Counter()  # type byte -> count, counted connections
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True,
                                        name="pgwire-counter")
        self._server: asyncio.AbstractServer | None = None

    @property
    def round_trips(self) -> int:
        return sum(self.messages[m] for m in ROUND_TRIP_MESSAGES)

    def reset(self) -> None:
        self.messages.clear()

    def __enter__(self) -> RoundTripCounter:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", 0), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _serve(self, client_r: asyncio.StreamReader,
                     client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(*self.upstream)
        try:
            startup = await self._startup(client_r, client_w)
            server_w.write(startup)
            counted = self._counted(startup)
            await asyncio.gather(self._from_client(client_r, server_w, counted),
                                 self._pipe(server_r, client_w))
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            for w in (client_w, server_w):
                w.close()

    async def _startup(self, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> bytes:
        """The client's startup message, after declining any TLS or GSS request."""
        while True:
            head = await reader.readexactly(8)
            length, code = struct.unpack("!ii", head)
            body = await reader.readexactly(length - 8)
            if code in (_SSL_REQUEST, _GSSENC_REQUEST):
                writer.write(b"N")
                await writer.drain()
                continue
            return head + body

    def _counted(self, startup: bytes) -> bool:
        parts = startup[8:].split(b"\0")
        params = {parts[i].decode(): parts[i + 1].decode()
                  for i in range(0, len(parts) - 1, 2) if parts[i]}
        return (params.get("user") == self.user
                and params.get("application_name") == self.application_name)

    async def _from_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                           counted: bool) -> None:
        while True:
            head = await reader.readexactly(5)
            kind, length = head[:1], struct.unpack("!i", head[1:])[0]
            writer.write(head + await reader.readexactly(length - 4))
            if counted:
                self.messages[kind] += 1
            await writer.drain()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

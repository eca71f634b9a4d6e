"""A background worker woken by a PostgreSQL NOTIFY on its channel or by its poll interval:
the skeleton of the services' durable-queue workers (reminders, mail, webhooks).

A subclass says its `name` (its tasks are `<name>-worker` and `<name>-listen`), `channel`
and `listen_name` (the LISTEN connection's application_name), is given how long a quiet
wait lasts (`poll_seconds`), and implements
`run_pass`: one pass over what is due, returning how long to sleep before the next (None:
`poll_seconds`). The loop clears the wake-up, runs a pass, then sleeps until NOTIFY, `wake()`
or the pause. A pass that raises is logged and the next one comes after `poll_seconds`
(the work stays in the database; the next pass retries it). The LISTEN connection
(crmkit.listening) wakes the worker whenever it is (re)established, since notifications may
have been missed meanwhile; without a `dsn` the worker only polls (tests).

`start()` starts the loop (and the listener), `stop()` ends both promptly, cancelling a pass
in progress, then calls `on_stop()` for what the subclass holds. `woken_resource` runs one
as a resource of the app (crmkit.runtime.build_service), kept on `app.state`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import TypeVar

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .listening import listen_forever
from .logging import log as klog
from .runtime import Resource


class WokenWorker:
    name: str  # e.g. "reminder": tasks "reminder-worker" and "reminder-listen"
    channel: str
    listen_name: str  # the LISTEN connection's application_name
    failed: str = "worker pass failed"  # logged with the error when a pass raises

    def __init__(self, dsn: str | None, logger: logging.Logger, poll_seconds: float) -> None:
        self.dsn = dsn
        self.logger = logger
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def run_pass(self) -> float | None:
        """One pass over what is due; the pause before the next (None: poll_seconds)."""
        raise NotImplementedError

    async def on_stop(self) -> None:
        """After the loop and the listener have ended."""

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(), name=f"{self.name}-worker")]
        if self.dsn:
            self._tasks.append(asyncio.create_task(self._listen(), name=f"{self.name}-listen"))

    async def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task
        await self.on_stop()

    async def _listen(self) -> None:
        assert self.dsn is not None
        await listen_forever(self.dsn, self.channel, name=self.listen_name,
                             logger=self.logger, on_notify=lambda _p: self._wake.set(),
                             on_up=self._wake.set, on_down=lambda: None, stop=self._stop,
                             fallback=f"polling every {self.poll_seconds}s")

    async def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            pause: float | None = None
            try:
                pause = await self.run_pass()
            except Exception as exc:  # the database keeps the work; the next pass retries
                klog(self.logger, logging.ERROR, self.failed, error=repr(exc)[:500])
            with suppress(TimeoutError):
                async with asyncio.timeout(self.poll_seconds if pause is None else pause):
                    await self._wake.wait()


W = TypeVar("W", bound=WokenWorker)


def woken_resource(make: Callable[[async_sessionmaker[AsyncSession], str], W],
                   state: str) -> Resource:
    """The worker `make(sessionmaker, dsn)` started with the app and stopped with it, kept
    as `app.state.<state>`."""

    @asynccontextmanager
    async def resource(app: FastAPI) -> AsyncIterator[None]:
        dsn = app.state.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        worker = make(app.state.sessionmaker, dsn)
        setattr(app.state, state, worker)
        await worker.start()
        try:
            yield
        finally:
            await worker.stop()

    return resource

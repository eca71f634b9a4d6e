"""The reminder worker: fires each due reminder of the durable schedule (activity_reminders)
exactly once, as `activity.reminder_due`.

One transaction claims due rows (`reminders_fire`: FOR UPDATE SKIP LOCKED, so replicas
share them), marks them fired and stages their events in the outbox; the relay publishes
them. Killed before the commit, nothing is fired and the rows are due again for the next
worker; after it, the events are in the outbox and will be published (a relay that dies
after publishing and before marking may publish one twice with the same event id, which
consumers drop). Reminders that fell due while the service was down fire when it is back,
marked `late`. It sleeps until the next reminder is due, woken by NOTIFY
`tidtam_reminders` when one is scheduled, and looks at least every
`TIDTAM_REMINDER_POLL_SECONDS`. Each pass also sends the daily agendas that are due
(agenda/)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit import failpoints, outbox
from crmkit.events import CloudEvent
from crmkit.listening import listen_forever
from crmkit.logging import log as klog
from crmkit.runtime import Resource
from tidtam_contracts.activities import ActivityReminderDueV1

from ..agenda import service as agenda
from ..config import ActivitiesSettings
from ..contracts import EVENTS

logger = logging.getLogger("tidtam_activities.reminders")
CHANNEL = "tidtam_reminders"
MIN_SLEEP = 0.02


class ReminderWorker:
    def __init__(self, settings: ActivitiesSettings, maker: async_sessionmaker[AsyncSession],
                 dsn: str) -> None:
        self.settings = settings
        self.maker = maker
        self.dsn = dsn
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(), name="reminder-worker"),
                       asyncio.create_task(self._listen(), name="reminder-listen")]

    async def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task

    async def _listen(self) -> None:
        await listen_forever(self.dsn, CHANNEL, name="activities-reminder-listen",
                             logger=logger, on_notify=lambda _p: self._wake.set(),
                             on_up=self._wake.set, on_down=lambda: None, stop=self._stop,
                             fallback=f"polling every {self.settings.reminder_poll_seconds}s")

    async def _loop(self) -> None:
        while not self._stop.is_set():
            pause = self.settings.reminder_poll_seconds
            try:
                while await self.tick() >= self.settings.reminder_batch:
                    pass
                await agenda.run_due(self.maker, datetime.now(UTC))
                pause = await self._until_next()
            except Exception as exc:  # the schedule keeps the work; the next pass retries
                klog(logger, logging.ERROR, "reminder pass failed", error=repr(exc)[:500])
            with suppress(TimeoutError):
                async with asyncio.timeout(pause):
                    await self._wake.wait()
            self._wake.clear()

    async def _until_next(self) -> float:
        async with self.maker() as session:
            due: datetime | None = (await session.execute(
                sa.text("SELECT reminders_next()"))).scalar()
        if due is None:
            return self.settings.reminder_poll_seconds
        seconds = (due - datetime.now(UTC)).total_seconds()
        return min(max(seconds, MIN_SLEEP), self.settings.reminder_poll_seconds)

    async def tick(self) -> int:
        """Fire up to a batch of due reminders in one transaction; how many fired."""
        async with self.maker() as session, session.begin():
            rows = (await session.execute(
                sa.text("SELECT tenant_id, minutes, fire_at, late, activity "
                        "FROM reminders_fire(:n, :late)"),
                {"n": self.settings.reminder_batch,
                 "late": self.settings.reminder_late_seconds})).all()
            if rows:
                failpoints.hit("reminders.after_claim")
            await outbox.stage_many(session, [_event(*row) for row in rows])
        if rows:
            failpoints.hit("reminders.after_commit")
        return len(rows)


def _event(tenant_id: Any, minutes: int, fire_at: datetime, late: bool,
           activity: dict[str, Any] | str) -> CloudEvent:
    if isinstance(activity, str):
        activity = orjson.loads(activity)
        assert isinstance(activity, dict)
    data = ActivityReminderDueV1.model_validate(
        {**activity, "minutes": minutes, "fire_at": fire_at, "late": late})
    return EVENTS.event(data, tenant_id=tenant_id, subject=str(data.id),
                        sequence=data.version)


def reminder_worker(settings: ActivitiesSettings) -> Resource:
    """The worker as a resource of the app (crmkit.runtime.build_service)."""

    @asynccontextmanager
    async def resource(app: FastAPI) -> AsyncIterator[None]:
        engine = app.state.engine
        dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        worker = ReminderWorker(settings, app.state.sessionmaker, dsn)
        app.state.reminder_worker = worker
        await worker.start()
        try:
            yield
        finally:
            await worker.stop()

    return resource

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

import logging
from datetime import UTC, datetime
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit import failpoints, outbox
from crmkit.events import CloudEvent
from crmkit.runtime import Resource
from crmkit.woken import WokenWorker, woken_resource
from tidtam_contracts.activities import ActivityReminderDueV1

from ..agenda import service as agenda
from ..config import ActivitiesSettings
from ..contracts import EVENTS

logger = logging.getLogger("tidtam_activities.reminders")
CHANNEL = "tidtam_reminders"
MIN_SLEEP = 0.02


class ReminderWorker(WokenWorker):
    name = "reminder"
    channel = CHANNEL
    listen_name = "activities-reminder-listen"
    failed = "reminder pass failed"

    def __init__(self, settings: ActivitiesSettings, maker: async_sessionmaker[AsyncSession],
                 dsn: str) -> None:
        super().__init__(dsn, logger, settings.reminder_poll_seconds)
        self.settings = settings
        self.maker = maker

    async def run_pass(self) -> float:
        while await self.tick() >= self.settings.reminder_batch:
            pass
        await agenda.run_due(self.maker, datetime.now(UTC))
        return await self._until_next()

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
    return woken_resource(lambda maker, dsn: ReminderWorker(settings, maker, dsn),
                          "reminder_worker")

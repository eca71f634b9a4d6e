"""Keeping the kit's own tables small: outbox rows already published and processed-event
records older than the retention are deleted, a batch at a time, every so often.

Retention must outlast any redelivery or replay a consumer should still recognise as a
duplicate: RabbitMQ redelivers within minutes, the archive queue keeps 7 days, so the
default of 30 days leaves a wide margin. Unpublished outbox rows are never touched.

Idempotency keys (crmkit.idempotency) go after their own 24 hours, through a SECURITY
DEFINER function: they are tenant rows under RLS, which the application role sees only one
tenant at a time."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncEngine

from .db import driver_of
from .idempotency import TTL_SECONDS as IDEMPOTENCY_TTL
from .logging import log as klog
from .schema import EXPIRE_FUNCTION

logger = logging.getLogger("crmkit.housekeeping")
DELETED = Counter("tidtam_housekeeping_deleted_total",
                  "Kit rows deleted past their retention", ["service", "table"])
BATCH = 5000

# Each deletes one batch of the oldest rows past the retention ($1: seconds, $2: batch)
# and returns how many it deleted.
_STATEMENTS = {
    "outbox": "WITH gone AS (DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE "
              "sent_at IS NOT NULL AND sent_at < now() - make_interval(secs => $1) ORDER BY id "
              "LIMIT $2) RETURNING 1) SELECT count(*) FROM gone",
    "processed_events": "WITH gone AS (DELETE FROM processed_events WHERE (consumer, event_id) "
                        "IN (SELECT consumer, event_id FROM processed_events WHERE "
                        "processed_at < now() - make_interval(secs => $1) LIMIT $2) "
                        "RETURNING 1) SELECT count(*) FROM gone",
    "idempotency_keys": f"SELECT {EXPIRE_FUNCTION}($1, $2)",
}


class Housekeeper:
    def __init__(self, service: str, engine: AsyncEngine, retention_days: float,
                 every_seconds: float):
        self.service = service
        self.engine = engine
        self.retention_seconds = retention_days * 86400
        self.every_seconds = every_seconds
        self._task: asyncio.Task[None] | None = None

    async def sweep(self) -> dict[str, int]:
        """Delete everything past the retention now; rows deleted, per table."""
        deleted = {}
        for table, sql in _STATEMENTS.items():
            seconds = IDEMPOTENCY_TTL if table == "idempotency_keys" else self.retention_seconds
            total = 0
            while True:
                async with self.engine.begin() as conn:
                    raw = driver_of(await conn.get_raw_connection())
                    n = int(await raw.fetchval(sql, float(seconds), BATCH))
                total += n
                if n < BATCH:
                    break
            DELETED.labels(self.service, table).inc(total)
            deleted[table] = total
        return deleted

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"{self.service}-housekeeping")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                deleted = await self.sweep()
                if any(deleted.values()):
                    klog(logger, logging.INFO, "housekeeping deleted old kit rows", **deleted)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the next round tries again; serving goes on
                klog(logger, logging.WARNING, "housekeeping failed",
                     error=exc.__class__.__name__)
            await asyncio.sleep(self.every_seconds)

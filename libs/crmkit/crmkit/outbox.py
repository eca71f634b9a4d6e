"""The transactional outbox: request code stages events, a relay publishes them.

`stage(session, event)` inserts into `outbox` inside the caller's transaction (it never
commits): the event exists exactly when the change it describes does.

`OutboxRelay` runs as a task in the service process. It is woken by LISTEN on
`tidtam_outbox` (a NOTIFY trigger fires on commit of every outbox insert) and by a periodic
sweep, which is what makes it correct: a NOTIFY missed while the listener was reconnecting,
or rows left behind by a crashed relay, are picked up by the next sweep. Each batch is claimed
with `FOR UPDATE SKIP LOCKED` (two relays never claim the same row), published with publisher
confirms and `mandatory`, and marked sent in the same transaction, which then commits.
A crash between publish and commit republishes the batch: consumers deduplicate. A failed
publish records `attempts` and `last_error` and the relay backs off exponentially.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from operator import itemgetter

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from . import failpoints
from .db import driver
from .db import sessionmaker as make_sessionmaker
from .events import CloudEvent
from .listening import listen_forever
from .logging import correlation_id
from .logging import log as klog
from .messaging import Broker, Outgoing
from .metrics import EVENTS_PUBLISHED, OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, PUBLISH_ERRORS
from .schema import OUTBOX_CHANNEL, kit_tables

logger = logging.getLogger("crmkit.outbox")

OUTBOX, _ = kit_tables(sa.MetaData())


def _with_correlation(event: CloudEvent) -> CloudEvent:
    if event.correlationid is None and (cid := correlation_id.get()):
        # Carry the request's correlation id into every event it causes.
        event = event.model_copy(update={"correlationid": cid})
    return event


_STAGE = ("INSERT INTO outbox (event_id, event_type, tenant_id, payload) "
          "VALUES ($1, $2, $3, $4::jsonb)")


def stage_args(event: CloudEvent) -> tuple[uuid.UUID, str, uuid.UUID, str]:
    """The outbox row's values: event id, type, tenant, payload (JSON text)."""
    event = _with_correlation(event)
    return (uuid.UUID(event.id), event.type, uuid.UUID(event.tenantid),
            event.model_dump_json(exclude_none=True))


def json_time(column: str) -> str:
    """SQL: a timestamptz as the JSON string pydantic writes for it (UTC, `Z`, six digits
    of microseconds unless there are none), e.g. for `staged_with`'s `stamped`."""
    return (f"to_char({column} AT TIME ZONE 'UTC', CASE WHEN extract(microseconds FROM "
            f"{column})::bigint % 1000000 = 0 THEN 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"' "
            f"ELSE 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"' END)")


def staged_with(source: str, first: int, stamped: dict[str, str]) -> str:
    """SQL: an INSERT of the outbox row whose `stage_args` are parameters `first` to
    `first + 3`, for a CTE of the statement that makes the change (one round trip for
    both, as atomic as `stage`): `source` is the CTE the row comes from (one row), and
    `stamped` sets the event's `data` fields (keys) from its columns (timestamps the
    database assigns, e.g. `created_at`), rendered as `json_time` does."""
    payload = f"${first + 3}::jsonb"
    for field, column in stamped.items():
        payload = (f"jsonb_set({payload}, '{{data,{field}}}', "
                   f"to_jsonb({json_time(f'{source}.{column}')}))")
    return (f"INSERT INTO outbox (event_id, event_type, tenant_id, payload) "
            f"SELECT ${first}, ${first + 1}, ${first + 2}, {payload} FROM {source}")


async def stage(session: AsyncSession, event: CloudEvent) -> None:
    """Stage `event` in the caller's transaction (executes the INSERT; never commits).

    Every request that changes something stages an event, so this runs as one prepared
    statement on the transaction's own connection, not through SQLAlchemy's compiler (which
    would also add `RETURNING id`: the request role may INSERT into the outbox, not read it)."""
    conn = await driver(session)
    await conn.execute(_STAGE, *stage_args(event))


async def stage_many(session: AsyncSession, events: Iterable[CloudEvent]) -> None:
    """Bulk paths: one COPY instead of a statement per event (the NOTIFY trigger fires
    once; COPY needs only the INSERT privilege the request role has)."""
    rows = [stage_args(e) for e in events]
    if rows:
        conn = await driver(session)
        await conn.copy_records_to_table(
            "outbox", records=rows, columns=["event_id", "event_type", "tenant_id", "payload"])


# The claim: the oldest unsent rows (skipping those another relay holds), marked sent, with
# what a publish needs (id order is restored in Python: RETURNING has none).
_CLAIM = sa.text(
    "UPDATE outbox SET sent_at = now() WHERE id IN (SELECT id FROM outbox "
    "WHERE sent_at IS NULL ORDER BY id LIMIT :n FOR UPDATE SKIP LOCKED) "
    "RETURNING id, payload->>'type', payload->>'id', payload->>'correlationid', "
    "payload::text")


class OutboxRelay:
    def __init__(self, service: str, db: AsyncEngine | async_sessionmaker[AsyncSession],
                 broker: Broker,
                 sweep_seconds: float = 2.0, *, batch_size: int = 100,
                 max_batch_size: int | None = None,
                 backoff_min: float = 0.5, backoff_max: float = 30.0,
                 publish_timeout: float = 10.0, listen: bool = True):
        if isinstance(db, AsyncEngine):
            self._engine, self._maker = db, make_sessionmaker(db)
        else:
            self._engine, self._maker = db.kw["bind"], db
        self.service = service
        self.broker = broker
        self.sweep_seconds = sweep_seconds
        self.batch_size = batch_size
        self.max_batch_size = max(batch_size, max_batch_size or 5 * batch_size)
        self.backoff_min = backoff_min
        self.backoff_max = backoff_max
        self.publish_timeout = publish_timeout
        self.listen = listen
        self.listening = False
        # Set whenever a cycle ends with nothing left unsent (tests and harnesses wait on it).
        self.idle = asyncio.Event()
        self._wake = asyncio.Event()
        self._stop_event = asyncio.Event()
        self._stopping = False
        self._observe_after = 0.0  # monotonic time after which a drain reads the backlog
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    # --- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping = False
        self._stop_event.clear()
        self._tasks = [asyncio.create_task(self._run(), name=f"outbox-relay:{self.service}")]
        if self.listen:
            self._tasks.append(asyncio.create_task(self._listen(),
                                                   name=f"outbox-listen:{self.service}"))

    async def stop(self, timeout: float = 10.0) -> None:
        """Let a batch in flight finish (so it is marked sent, not republished), then cancel."""
        self._stopping = True
        self._stop_event.set()
        if self._tasks:
            await asyncio.wait(self._tasks[:1], timeout=timeout)
            for task in self._tasks:
                task.cancel()
            for task in self._tasks:
                with suppress(asyncio.CancelledError):
                    await task
        self._tasks = []

    # --- the loop -----------------------------------------------------------------------

    async def _run(self) -> None:
        delay = self.backoff_min
        while not self._stopping:
            self._wake.clear()
            if not self.broker.connected:
                PUBLISH_ERRORS.labels(self.service, "disconnected").inc()
                await self._pause(min(self.sweep_seconds, delay), self.broker.ready_event)
                await self._observe()
                delay = min(delay * 2, self.backoff_max)
                continue
            ok = await self.drain()
            # After a drain the backlog is read at most once a second (or once a sweep, if
            # sweeps are shorter): at one create at a time each create wakes a drain, and
            # reading the backlog after each cost more round trips than the create itself.
            # A sweep that times out reads it, so `idle` and the gauges follow within one.
            if not ok or time.monotonic() >= self._observe_after:
                await self._observe()
            if ok:
                delay = self.backoff_min
                await self._pause(self.sweep_seconds, self._wake)
            else:
                # Back off regardless of NOTIFYs: a burst of inserts must not hammer a broker
                # that is refusing us.
                await self._pause(delay)
                delay = min(delay * 2, self.backoff_max)

    async def _pause(self, seconds: float, *wake_on: asyncio.Event) -> None:
        """Sleep up to `seconds`; end early on stop() or when any of `wake_on` is set."""
        waits = [asyncio.ensure_future(e.wait()) for e in (self._stop_event, *wake_on)]
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()

    async def drain(self) -> bool:
        """Publish batches until none is left. False if anything failed (caller backs off).

        The first batch of a drain is `batch_size`; while batches come back full the backlog
        is big, and the next ones are `max_batch_size` (fewer round trips and transactions
        per event; a small batch keeps a single create's wait short)."""
        size = self.batch_size
        try:
            while not self._stopping:
                claimed, failed = await self._batch(size)
                if failed:
                    return False
                if claimed < size:
                    return True
                size = self.max_batch_size
            return True
        except Exception as exc:  # the database went away, etc.: back off, don't die
            klog(logger, logging.WARNING, "outbox relay cycle failed", error=repr(exc)[:500])
            return False

    async def _batch(self, size: int) -> tuple[int, int]:
        async with self._maker() as session, session.begin():
            # Claimed and marked sent in one statement: the mark is only kept if the
            # transaction commits after the publishes; a failed publish is unmarked below,
            # and a crash before the commit leaves the rows unsent (republished later).
            # The payload comes back as the JSON text PostgreSQL holds, published as it is:
            # it was a validated CloudEvent when staged, and consumers parse JSON (jsonb's
            # spacing and key order are JSON all the same).
            rows = sorted((await session.execute(_CLAIM, {"n": size})).all(),
                          key=itemgetter(0))
            if not rows:
                return 0, 0
            failpoints.hit("relay.before_publish")
            # One confirming channel, confirms pipelined: a batch costs about one round trip
            # rather than one per event, and goes out in id order (order per aggregate).
            errors = await self.broker.publish_many(
                [Outgoing(payload.encode(), type_, id_, cid)
                 for _, type_, id_, cid, payload in rows], timeout=self.publish_timeout)
            failpoints.hit("relay.after_publish")
            published: Counter[str] = Counter()
            failed = []
            for row, err in zip(rows, errors, strict=True):
                if err is None:
                    published[row[1]] += 1
                else:
                    PUBLISH_ERRORS.labels(self.service, err.reason).inc()
                    failed.append({"b_id": row[0], "b_err": f"{err.reason}: {err}"[:2000]})
            for type_, count in published.items():
                EVENTS_PUBLISHED.labels(self.service, type_).inc(count)
            if failed:
                await session.execute(
                    sa.update(OUTBOX).where(OUTBOX.c.id == sa.bindparam("b_id"))
                    .values(sent_at=None, attempts=OUTBOX.c.attempts + 1,
                            last_error=sa.bindparam("b_err")),
                    failed,
                )
                klog(logger, logging.WARNING, "outbox publish failed; will retry",
                     failed=len(failed), published=len(rows) - len(failed),
                     error=failed[0]["b_err"])
        return len(rows), len(failed)

    async def backlog(self) -> tuple[int, float]:
        """(unsent rows, age in seconds of the oldest)."""
        async with self._maker() as session:
            count, age = (await session.execute(sa.text(
                "SELECT count(*), COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0) "
                "FROM outbox WHERE sent_at IS NULL"))).one()
        return int(count), float(age)

    async def _observe(self) -> None:
        self._observe_after = time.monotonic() + min(self.sweep_seconds, 1.0)
        try:
            count, age = await self.backlog()
        except Exception as exc:
            klog(logger, logging.WARNING, "cannot read the outbox backlog", error=repr(exc))
            self.idle.clear()
            return
        OUTBOX_BACKLOG.labels(self.service).set(count)
        OUTBOX_OLDEST_AGE.labels(self.service).set(age)
        if count == 0:
            self.idle.set()
        else:
            self.idle.clear()

    # --- LISTEN ---------------------------------------------------------------------------

    def _dsn(self) -> str:
        return self._engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)

    async def _listen(self) -> None:
        def up() -> None:
            self.listening = True
            self._wake.set()  # catch up on anything committed while we were not listening

        def down() -> None:
            self.listening = False

        await listen_forever(self._dsn(), OUTBOX_CHANNEL, name=f"{self.service}-outbox-listen",
                             logger=logger, on_notify=lambda _payload: self._wake.set(),
                             on_up=up, on_down=down, stop=self._stop_event,
                             fallback="the sweep covers it", backoff_min=self.backoff_min,
                             backoff_max=self.backoff_max)

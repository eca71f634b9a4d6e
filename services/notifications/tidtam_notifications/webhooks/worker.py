"""The delivery worker: claims due deliveries (`webhook_claim`: FOR UPDATE SKIP LOCKED, a
lease, at most TIDTAM_WEBHOOK_ENDPOINT_CONCURRENCY in flight per endpoint; it returns the
body, URL and secrets too), sends each in its own task under a global bound
(TIDTAM_WEBHOOK_CONCURRENCY), and records the outcome (`webhook_settle`). The claim is one
statement outside a transaction (crmkit.db.autocommit); the outcomes are recorded by one
settler task, all those waiting in one round trip (`webhook_settle` pipelined), so under
load a round trip settles several deliveries, and their slots free together (one claim
after them, not one each). A delivery's task ends once its outcome is recorded. Giving up
is one tenant transaction: the last outcome, the endpoint disabled and `webhook.disabled`
staged together.

A slow or dead endpoint holds only its own few slots: the claim skips endpoints that are
busy, so the others' deliveries go on at once. A worker that dies leaves its rows
`sending`; after the lease (TIDTAM_WEBHOOK_LEASE_SECONDS) any worker claims them again.

After a failed attempt the next waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (SCHEDULE);
when the last has failed too (or the receiver answered 410 Gone) the delivery is `failed`,
the endpoint is disabled and `webhook.disabled` is published, which tells the tenant's
admins (notices/webhooks.py). A `webhook.test` delivery is tried once.

It wakes on NOTIFY `tidtam_webhooks` (a new or rescheduled `pending` delivery), when a slot
frees and every TIDTAM_WEBHOOK_POLL_SECONDS. `clock` is injectable: tests move time.

Sent straight away: the running worker of the process (`direct()`) gives the consumer's
fan-out its room (free slots; per endpoint the deliveries in flight, an endpoint whose last
attempt here failed within UNHEALTHY counted as full). The fan-out inserts the deliveries
it has room for already claimed (`sending`, attempt 1, under the lease: no NOTIFY, no
claim), reserves their slots, and the worker sends them once the consumer's transaction
has committed (a rollback frees the slots; a process that dies leaves them to the lease, as
a claim would). Everything after the POST is the worker's as for a claimed delivery: the
signature, the SSRF check, the outcome, the retry schedule."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from functools import partial

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session, SessionTransaction

from crmkit.context import tenant_from_event
from crmkit.db import autocommit, driver, tenant_session
from crmkit.logging import log as klog
from crmkit.outbox import stage
from crmkit.runtime import Resource
from crmkit.woken import WokenWorker, woken_resource
from tidtam_contracts.notifications import WebhookDisabledV1

from ..config import NotificationsSettings
from ..contracts import EVENTS
from . import repository, signing
from .schemas import TEST_TYPE
from .send import Outcome, Sender
from .ssrf import AllowList, Resolver, resolve

logger = logging.getLogger("tidtam_notifications.webhooks")
CHANNEL = "tidtam_webhooks"
BATCH = 50
SCHEDULE = (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30),
            timedelta(hours=2), timedelta(hours=5), timedelta(hours=10), timedelta(hours=10))
Clock = Callable[[], datetime]
# After a failed attempt here, an endpoint's new deliveries go through the schedule (the
# worker's claim) for this long, not straight from the consumer.
UNHEALTHY = 60.0
# The process's running worker, which sends the consumer's deliveries straight away.
_direct: WebhookWorker | None = None


def direct() -> WebhookWorker | None:
    return _direct


def utcnow() -> datetime:
    return datetime.now(UTC)


class WebhookWorker(WokenWorker):
    name = "webhook"
    channel = CHANNEL
    listen_name = "notifications-webhook-listen"
    failed = "webhook worker pass failed"

    def __init__(self, settings: NotificationsSettings,
                 maker: async_sessionmaker[AsyncSession], dsn: str | None, *,
                 clock: Clock = utcnow, resolver: Resolver = resolve) -> None:
        super().__init__(dsn, logger, settings.webhook_poll_seconds)
        self.settings = settings
        self.maker = maker
        self.clock = clock
        self.sender = Sender(AllowList.parse(settings.webhook_allow_hosts),
                             settings.webhook_timeout_seconds, resolver,
                             settings.webhook_concurrency)
        self.in_flight: set[asyncio.Task[None]] = set()
        # Outcomes waiting for the settler, each with the future its delivery awaits.
        self._to_settle: list[tuple[repository.Claimed, repository.Settled,
                                    asyncio.Future[None]]] = []
        self._settler: asyncio.Task[None] | None = None
        # Deliveries in flight (or reserved for the consumer's) per endpoint; endpoints
        # whose last attempt here failed, until when (time.monotonic()).
        self._per_endpoint: Counter[uuid.UUID] = Counter()
        self._reserved = 0
        self._unhealthy: dict[uuid.UUID, float] = {}

    async def start(self) -> None:
        global _direct
        await super().start()
        _direct = self

    async def run_pass(self) -> None:
        while await self.pump():
            pass

    async def on_stop(self) -> None:
        """In-flight deliveries are cancelled: their rows come back after the lease."""
        global _direct
        if _direct is self:
            _direct = None
        for task in list(self.in_flight):
            task.cancel()
        for task in list(self.in_flight):
            with suppress(asyncio.CancelledError, Exception):
                await task
        if self._settler is not None:
            self._settler.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._settler
        await self.sender.close()

    async def pump(self) -> int:
        """Claim what is due, as many as there are free slots, and start sending each.
        Returns how many were claimed."""
        free = min(self._free(), BATCH)
        if free <= 0:
            return 0
        async with autocommit(self.maker) as conn:
            claimed = await repository.claim(
                conn, now=self.clock(), limit=free,
                lease_seconds=self.settings.webhook_lease_seconds,
                per_endpoint=self.settings.webhook_endpoint_concurrency)
        for claim in claimed:
            self._per_endpoint[claim.endpoint_id] += 1
            self._start(claim)
        return len(claimed)

    def _free(self) -> int:
        return self.settings.webhook_concurrency - len(self.in_flight) - self._reserved

    def _start(self, claim: repository.Claimed) -> None:
        """Send it in its own task (its endpoint's slot counted already)."""
        task = asyncio.create_task(self.deliver(claim))
        self.in_flight.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.in_flight.discard(task)
        self.wake()

    def _release(self, endpoint_id: uuid.UUID) -> None:
        self._per_endpoint[endpoint_id] -= 1
        if self._per_endpoint[endpoint_id] <= 0:
            del self._per_endpoint[endpoint_id]

    # --- straight from the consumer ----------------------------------------------------------

    def room(self) -> repository.Room:
        """What the consumer's fan-out may insert as sent straight away."""
        cap = self.settings.webhook_endpoint_concurrency
        now = time.monotonic()
        for endpoint_id in [e for e, until in self._unhealthy.items() if until <= now]:
            del self._unhealthy[endpoint_id]
        busy = dict(self._per_endpoint)
        busy.update(dict.fromkeys(self._unhealthy, cap))
        return repository.Room(max(self._free(), 0), busy, cap,
                               self.settings.webhook_lease_seconds)

    def reserve(self, claimed: list[repository.Claimed]
                ) -> tuple[list[repository.Claimed], list[repository.Claimed]]:
        """Take a slot for each that still has room (synchronously: no other transaction
        takes one meanwhile); (taken, the others)."""
        cap = self.settings.webhook_endpoint_concurrency
        taken, over = [], []
        for claim in claimed:
            if (self._free() > 0 and self._per_endpoint[claim.endpoint_id] < cap
                    and claim.endpoint_id not in self._unhealthy):
                self._per_endpoint[claim.endpoint_id] += 1
                self._reserved += 1
                taken.append(claim)
            else:
                over.append(claim)
        return taken, over

    def after_commit(self, session: AsyncSession, taken: list[repository.Claimed]) -> None:
        """Send `taken` once the session's transaction has committed; free their slots if
        it ends otherwise."""
        state = {"open": True}

        def committed(_session: Session) -> None:
            if state.pop("open", False):
                self._reserved -= len(taken)
                for claim in taken:
                    self._start(claim)

        def ended(_session: Session, transaction: SessionTransaction) -> None:
            if transaction.parent is None and state.pop("open", False):
                self._reserved -= len(taken)
                for claim in taken:
                    self._release(claim.endpoint_id)
                self.wake()

        sync = session.sync_session
        sa.event.listen(sync, "after_commit", committed, once=True)
        sa.event.listen(sync, "after_transaction_end", ended)

    async def drain(self) -> None:
        """Wait for the deliveries in flight (tests)."""
        while self.in_flight:
            await asyncio.gather(*self.in_flight, return_exceptions=True)

    async def deliver(self, claim: repository.Claimed) -> None:
        try:
            body = claim.body.encode()
            # The signature's timestamp is the real time (receivers check it).
            headers = signing.headers(claim.secrets, msg_id=str(claim.event_id),
                                      timestamp=int(utcnow().timestamp()), body=body)
            try:
                outcome = await self.sender.post(claim.url, body, headers)
            finally:  # the endpoint's slot is its request's: free once it is answered
                self._release(claim.endpoint_id)
            await self._settle(claim, outcome)
        except Exception as exc:  # the lease brings the row back
            klog(logger, logging.ERROR, "webhook delivery not recorded",
                 delivery_id=str(claim.id), error=repr(exc)[:500])

    async def _settle(self, claim: repository.Claimed, outcome: Outcome) -> None:
        if outcome.delivered:
            self._unhealthy.pop(claim.endpoint_id, None)
        else:
            self._unhealthy[claim.endpoint_id] = time.monotonic() + UNHEALTHY
        now = self.clock()
        done = partial(repository.Settled, response_code=outcome.code,
                       latency_ms=outcome.latency_ms, last_error=outcome.error)
        give_up = None
        if outcome.delivered:
            settled = done("delivered", delivered_at=now)
        elif claim.event_type == TEST_TYPE:
            settled = done("failed")
        elif outcome.code == 410 or claim.attempts > len(SCHEDULE):
            settled = done("failed")
            give_up = ("the receiver answered 410 Gone" if outcome.code == 410 else
                       f"{claim.attempts} attempts failed over 32 hours; the last: "
                       f"{outcome.error}")
        else:
            settled = done("pending", next_attempt_at=now + SCHEDULE[claim.attempts - 1])
        if give_up is None:
            await self._record(claim, settled)
            return
        tenant = tenant_from_event(str(claim.tenant_id))
        async with tenant_session(self.maker, tenant) as session, session.begin():
            if not await repository.settle(await driver(session), claim, settled):
                return  # the lease ran out and another worker has it now
            if await repository.disable(session, tenant, claim.endpoint_id, give_up):
                await stage(session, EVENTS.event(
                    WebhookDisabledV1(id=claim.endpoint_id, url=claim.url, reason=give_up,
                                      attempts=claim.attempts),
                    tenant_id=tenant.value, subject=str(claim.endpoint_id)))


    async def _record(self, claim: repository.Claimed, settled: repository.Settled) -> None:
        """Have the settler record the outcome; return once it is (or raise its error)."""
        recorded = asyncio.get_running_loop().create_future()
        self._to_settle.append((claim, settled, recorded))
        if self._settler is None or self._settler.done():
            self._settler = asyncio.create_task(self._settle_waiting(), name="webhook-settle")
        await recorded

    async def _settle_waiting(self) -> None:
        """Record every outcome waiting, in one round trip, until none is left."""
        while self._to_settle:
            batch, self._to_settle = self._to_settle, []
            try:
                async with autocommit(self.maker) as conn:
                    await repository.settle_many(conn, [(c, s) for c, s, _ in batch])
            except Exception as exc:  # each delivery logs it; the lease brings them back
                for *_, recorded in batch:
                    if not recorded.done():
                        recorded.set_exception(exc)
            else:
                for *_, recorded in batch:
                    if not recorded.done():
                        recorded.set_result(None)


def webhook_worker(settings: NotificationsSettings) -> Resource:
    """The worker as a resource of the app (crmkit.runtime.build_service)."""
    return woken_resource(lambda maker, dsn: WebhookWorker(settings, maker, dsn),
                          "webhook_worker")

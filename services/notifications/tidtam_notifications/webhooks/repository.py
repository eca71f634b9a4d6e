"""Every SQL statement of webhooks: endpoints, the deliveries schedule, the worker's claim."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.db import driver
from crmkit.paging import before, decode_cursor, next_cursor

from .models import Endpoint, WebhookDelivery

ENDPOINT_OUT = (Endpoint.id, Endpoint.url, Endpoint.description, Endpoint.events,
                Endpoint.enabled, Endpoint.disabled_reason,
                Endpoint.previous_until.label("previous_secret_until"), Endpoint.created_at,
                Endpoint.updated_at)
DELIVERY_OUT = (WebhookDelivery.id, WebhookDelivery.event_id, WebhookDelivery.event_type,
                WebhookDelivery.status, WebhookDelivery.attempts,
                WebhookDelivery.response_code, WebhookDelivery.latency_ms,
                WebhookDelivery.last_error,
                sa.case((WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at),
                        else_=None).label("next_attempt_at"),
                WebhookDelivery.created_at, WebhookDelivery.delivered_at)


def _endpoint(tenant: TenantId, endpoint_id: uuid.UUID) -> list[sa.ColumnElement[bool]]:
    return [Endpoint.tenant_id == tenant.value, Endpoint.id == endpoint_id]


async def insert_endpoint(session: AsyncSession, tenant: TenantId,
                          values: dict[str, Any]) -> dict[str, Any]:
    row = (await session.execute(sa.insert(Endpoint).values(
        tenant_id=tenant.value, id=uuid.uuid4(), **values).returning(*ENDPOINT_OUT))).one()
    return dict(row._mapping)


async def endpoint(session: AsyncSession, tenant: TenantId,
                   endpoint_id: uuid.UUID) -> dict[str, Any] | None:
    row = (await session.execute(sa.select(*ENDPOINT_OUT).where(
        *_endpoint(tenant, endpoint_id)))).first()
    return dict(row._mapping) if row else None


async def endpoints_page(session: AsyncSession, tenant: TenantId, *, limit: int,
                         cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    q = (sa.select(*ENDPOINT_OUT)
         .where(Endpoint.tenant_id == tenant.value,
                *before(Endpoint.created_at, Endpoint.id,
                        decode_cursor(cursor) if cursor else None))
         .order_by(Endpoint.created_at.desc(), Endpoint.id.desc()).limit(limit + 1))
    return next_cursor([dict(r) for r in (await session.execute(q)).mappings()], limit)


async def update_endpoint(session: AsyncSession, tenant: TenantId, endpoint_id: uuid.UUID,
                          values: dict[str, Any]) -> dict[str, Any] | None:
    row = (await session.execute(sa.update(Endpoint).where(*_endpoint(tenant, endpoint_id))
                                 .values(updated_at=sa.func.now(), **values)
                                 .returning(*ENDPOINT_OUT))).first()
    return dict(row._mapping) if row else None


async def rotate(session: AsyncSession, tenant: TenantId, endpoint_id: uuid.UUID, *,
                 secret: str, previous_until: datetime) -> None:
    await session.execute(sa.update(Endpoint).where(*_endpoint(tenant, endpoint_id)).values(
        previous_secret=Endpoint.secret, previous_until=previous_until, secret=secret,
        updated_at=sa.func.now()))


async def delete_endpoint(session: AsyncSession, tenant: TenantId,
                          endpoint_id: uuid.UUID) -> bool:
    gone = await session.execute(sa.delete(Endpoint).where(*_endpoint(tenant, endpoint_id))
                                 .returning(Endpoint.id))
    return gone.first() is not None


# Runs once per consumer transaction (a batch of events, or one): one prepared statement on
# the transaction's own connection (crmkit.outbox.stage's way), not a statement SQLAlchemy
# builds and compiles each time. The batch's events as arrays (unnest keeps their order):
# the feed's rows in arrival order, then the deliveries (data-modifying CTEs, run whether
# read or not). A delivery goes out straight away (`sending`, attempt 1, under a lease:
# returned with what sending needs) when $6 allows it, its endpoint has room ($7/$8: the
# process's deliveries in flight per endpoint, an unhealthy endpoint counted as full; $9
# the cap) and the process has ($10 free slots); the others are `pending`, for the worker.
# No lock: events of one tenant are consumed several at a time (TIDTAM_CONSUMER_CONCURRENCY,
# replicas) and commit in parallel; the rows' `xid` column (their transaction's id, the
# column's default) lets the feed's readers keep commit-safe order (feed/service.py).
RECORD_AND_FAN_OUT = """WITH e AS (
        SELECT * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[])
            WITH ORDINALITY AS e(event_id, type, body, family, n)),
    fed AS (
        INSERT INTO feed_events (tenant_id, event_id, type, event)
        SELECT $1, e.event_id, e.type, e.body::jsonb FROM e ORDER BY e.n
        ON CONFLICT DO NOTHING),
    matched AS (
        SELECT w.tenant_id, w.id AS endpoint_id, e.event_id, e.type, e.body, e.n,
               $6::boolean
               AND row_number() OVER (PARTITION BY w.id ORDER BY e.n)
                   + coalesce(b.n, 0) <= $9::integer AS room
        FROM e JOIN webhook_endpoints w ON w.tenant_id = $1 AND w.enabled
            AND w.events && ARRAY[e.type, e.family, '*']::text[]
        LEFT JOIN unnest($7::uuid[], $8::integer[]) AS b(endpoint_id, n)
            ON b.endpoint_id = w.id),
    chosen AS (
        SELECT m.*, m.room AND count(*) FILTER (WHERE m.room) OVER (ORDER BY m.n, m.endpoint_id)
                               <= $10::integer AS direct
        FROM matched m),
    fanned AS (
        INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body,
                                        status, attempts, lease_until)
        SELECT c.tenant_id, gen_random_uuid(), c.endpoint_id, c.event_id, c.type, c.body,
               CASE WHEN c.direct THEN 'sending' ELSE 'pending' END,
               CASE WHEN c.direct THEN 1 ELSE 0 END,
               CASE WHEN c.direct THEN now() + make_interval(secs => $11::float8) END
        FROM chosen c ORDER BY c.n
        ON CONFLICT DO NOTHING
        RETURNING tenant_id, id, endpoint_id, event_id, event_type, body, attempts, status)
    SELECT f.tenant_id, f.id, f.endpoint_id, f.event_id, f.event_type, f.body, f.attempts,
           w.url, w.secret, w.previous_secret, w.previous_until
    FROM fanned f JOIN webhook_endpoints w ON w.tenant_id = f.tenant_id AND w.id = f.endpoint_id
    WHERE f.status = 'sending'"""

# A delivery inserted to go out straight away that the process has no room for after all
# (another transaction took the room meanwhile): back to the schedule, due now (its
# next_attempt_at set: the worker is woken).
UNDIRECT = """UPDATE webhook_deliveries SET status = 'pending', attempts = 0, lease_until = NULL,
        next_attempt_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[])"""


@dataclass(frozen=True)
class Consumed:
    """An event to keep in the feed and fan out: its id, type and CloudEvent as sent."""

    event_id: uuid.UUID
    event_type: str
    body: str


@dataclass(frozen=True)
class Room:
    """What the process can send straight away: its free slots, and per endpoint how many
    are in flight (an endpoint not to send to straight away counted as full)."""

    free: int
    busy: dict[uuid.UUID, int]
    cap: int
    lease_seconds: float


NO_ROOM = Room(0, {}, 0, 0.0)


async def record_and_fan_out(session: AsyncSession, tenant: TenantId, events: list[Consumed],
                             room: Room = NO_ROOM) -> list[Claimed]:
    """Keep the events in the tenant's feed, and schedule a delivery of each for every
    enabled endpoint of the tenant whose patterns take it (once per endpoint and event: a
    redelivered event adds nothing to either). One round trip whatever their number.
    Returns the deliveries to send straight away (`room`), claimed as the worker claims."""
    conn = await driver(session)
    rows = await conn.fetch(RECORD_AND_FAN_OUT, tenant.value, [e.event_id for e in events],
                            [e.event_type for e in events], [e.body for e in events],
                            [e.event_type.split(".")[0] + ".*" for e in events],
                            room.free > 0, list(room.busy), list(room.busy.values()),
                            room.cap, room.free, room.lease_seconds)
    now = datetime.now(UTC)
    return [_claimed(r, now) for r in rows]


async def undirect(session: AsyncSession, tenant: TenantId, ids: list[uuid.UUID]) -> None:
    await (await driver(session)).execute(UNDIRECT, tenant.value, ids)


async def insert_delivery(session: AsyncSession, tenant: TenantId, endpoint_id: uuid.UUID,
                          *, event_id: uuid.UUID, event_type: str, body: str
                          ) -> dict[str, Any]:
    row = (await session.execute(sa.insert(WebhookDelivery).values(
        tenant_id=tenant.value, id=uuid.uuid4(), endpoint_id=endpoint_id, event_id=event_id,
        event_type=event_type, body=body).returning(*DELIVERY_OUT))).one()
    return dict(row._mapping)


async def deliveries_page(session: AsyncSession, tenant: TenantId, endpoint_id: uuid.UUID, *,
                          limit: int, cursor: str | None, status: str | None
                          ) -> tuple[list[dict[str, Any]], str | None]:
    where = [WebhookDelivery.tenant_id == tenant.value,
             WebhookDelivery.endpoint_id == endpoint_id,
             *before(WebhookDelivery.created_at, WebhookDelivery.id,
                     decode_cursor(cursor) if cursor else None)]
    if status is not None:
        where.append(WebhookDelivery.status == status)
    q = (sa.select(*DELIVERY_OUT).where(*where)
         .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
         .limit(limit + 1))
    return next_cursor([dict(r) for r in (await session.execute(q)).mappings()], limit)


async def delivery(session: AsyncSession, tenant: TenantId, endpoint_id: uuid.UUID,
                   delivery_id: uuid.UUID) -> dict[str, Any] | None:
    row = (await session.execute(sa.select(*DELIVERY_OUT).where(
        WebhookDelivery.tenant_id == tenant.value, WebhookDelivery.endpoint_id == endpoint_id,
        WebhookDelivery.id == delivery_id).with_for_update())).first()
    return dict(row._mapping) if row else None


async def schedule_again(session: AsyncSession, tenant: TenantId,
                         delivery_id: uuid.UUID) -> dict[str, Any]:
    """A manual retry: due now, the schedule starting again."""
    row = (await session.execute(sa.update(WebhookDelivery).where(
        WebhookDelivery.tenant_id == tenant.value, WebhookDelivery.id == delivery_id)
        .values(status="pending", attempts=0, next_attempt_at=sa.func.now(), lease_until=None,
                updated_at=sa.func.now()).returning(*DELIVERY_OUT))).one()
    return dict(row._mapping)


# --- the worker ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Claimed:
    """A claimed delivery with what sending it needs."""

    tenant_id: uuid.UUID
    id: uuid.UUID
    endpoint_id: uuid.UUID
    event_id: uuid.UUID
    event_type: str
    body: str
    attempts: int
    url: str
    secrets: list[str]


async def claim(conn: asyncpg.Connection, *, now: datetime, limit: int, lease_seconds: float,
                per_endpoint: int) -> list[Claimed]:
    """Move what is due to `sending` and return it with its endpoint's URL and secrets
    (`webhook_claim`, across tenants; one statement, committed on its own when `conn` is
    outside a transaction)."""
    rows = await conn.fetch("SELECT * FROM webhook_claim($1, $2, $3, $4)",
                            now, limit, lease_seconds, per_endpoint)
    return [_claimed(r, now) for r in rows]


def _claimed(r: asyncpg.Record, now: datetime) -> Claimed:
    keys = [r["secret"]]
    if r["previous_secret"] and r["previous_until"] and r["previous_until"] > now:
        keys.append(r["previous_secret"])
    return Claimed(r["tenant_id"], r["id"], r["endpoint_id"], r["event_id"], r["event_type"],
                   r["body"], r["attempts"], r["url"], keys)


@dataclass(frozen=True)
class Settled:
    """An attempt's outcome, as `webhook_settle` records it."""

    status: str
    response_code: int | None
    latency_ms: int
    last_error: str | None
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None


async def settle(conn: asyncpg.Connection, claim_: Claimed, outcome: Settled) -> bool:
    """Record an attempt's outcome, if the row is still this worker's claim (its lease may
    have run out and another worker have it now)."""
    return bool(await conn.fetchval(_SETTLE, *_settle_args(claim_, outcome)))


_SETTLE = "SELECT webhook_settle($1, $2, $3, $4, $5, $6, $7, $8, $9)"


def _settle_args(claim_: Claimed, outcome: Settled) -> tuple[Any, ...]:
    return (claim_.tenant_id, claim_.id, claim_.attempts, outcome.status,
            outcome.next_attempt_at, outcome.response_code, outcome.latency_ms,
            outcome.last_error, outcome.delivered_at)


async def settle_many(conn: asyncpg.Connection,
                      settled: list[tuple[Claimed, Settled]]) -> None:
    """Record several attempts' outcomes in one round trip (the prepared `webhook_settle`
    once per row, pipelined; asyncpg runs them in one transaction). A row whose lease ran
    out (another worker has it now) is left as it is, as `settle` leaves it."""
    await conn.executemany(_SETTLE, [_settle_args(c, o) for c, o in settled])


async def disable(session: AsyncSession, tenant: TenantId, endpoint_id: uuid.UUID,
                  reason: str) -> bool:
    """Switch the endpoint off; False if it was off already."""
    done = await session.execute(sa.update(Endpoint).where(
        *_endpoint(tenant, endpoint_id), Endpoint.enabled.is_(True))
        .values(enabled=False, disabled_reason=reason, updated_at=sa.func.now())
        .returning(Endpoint.id))
    return done.first() is not None

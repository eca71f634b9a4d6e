"""Every SQL statement of webhooks: endpoints, the deliveries schedule, the worker's claim."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
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


# Runs for every event consumed: one prepared statement on the transaction's own connection
# (crmkit.outbox.stage's way), not a statement SQLAlchemy builds and compiles each time.
# The deliveries (a data-modifying CTE, run whether read or not), then the feed's row. No
# lock: events of one tenant are consumed several at a time (TIDTAM_CONSUMER_CONCURRENCY,
# replicas) and commit in parallel; the row's `xid` column (its transaction's id, the
# column's default) lets the feed's readers keep commit-safe order (feed/service.py).
RECORD_AND_FAN_OUT = """WITH fanned AS (
        INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, body)
        SELECT tenant_id, gen_random_uuid(), id, $2, $3, $4::text FROM webhook_endpoints
        WHERE tenant_id = $1 AND enabled AND events && ARRAY[$3, $5, '*']::text[]
        ON CONFLICT DO NOTHING)
    INSERT INTO feed_events (tenant_id, event_id, type, event)
    VALUES ($1, $2, $3, $4::text::jsonb)
    ON CONFLICT DO NOTHING"""


async def record_and_fan_out(session: AsyncSession, tenant: TenantId, *, event_id: uuid.UUID,
                             event_type: str, body: str) -> None:
    """Keep the event in the tenant's feed, and schedule a delivery for every enabled
    endpoint of the tenant whose patterns take it (once per endpoint and event: a
    redelivered event adds nothing to either)."""
    conn = await driver(session)
    await conn.execute(RECORD_AND_FAN_OUT, tenant.value, event_id, event_type, body,
                       event_type.split(".")[0] + ".*")


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
    claimed = []
    for r in rows:
        keys = [r["secret"]]
        if r["previous_secret"] and r["previous_until"] and r["previous_until"] > now:
            keys.append(r["previous_secret"])
        claimed.append(Claimed(r["tenant_id"], r["id"], r["endpoint_id"], r["event_id"],
                               r["event_type"], r["body"], r["attempts"], r["url"], keys))
    return claimed


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

"""The event feed: every event this service consumes is kept, as its CloudEvent, for
`TIDTAM_EVENT_FEED_DAYS`; integrators read it back in the order recorded
(GET /api/v1/events). The consumer records it (webhooks/fanout.py: with the webhook fan-out,
in one statement under the tenant's feed lock, so the order recorded is commit order)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import AppError, Forbidden, Unprocessable

from ..config import settings
from .models import FeedEvent

CURSOR_PATTERN = r"^[0-9]{1,16}_[0-9]{1,19}$"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


class Gone(AppError):
    status = 410
    code = "cursor_expired"


def encode(recorded_at: datetime, seq: int) -> str:
    return f"{(recorded_at - _EPOCH) // _MICRO}_{seq}"


def decode(cursor: str) -> tuple[datetime, int]:
    micros, seq = cursor.split("_")
    return _EPOCH + int(micros) * _MICRO, int(seq)


def type_filter(pattern: str | None) -> sa.ColumnElement[bool] | None:
    """`lead.*` (a prefix) or an exact type; None: every type."""
    if not pattern:
        return None
    if pattern.endswith(".*"):
        prefix = pattern[:-1]
        if "*" in prefix:
            raise Unprocessable.on("query.type", "one `*`, at the end (`lead.*`), or an "
                                                 "exact type (`lead.created`)")
        return FeedEvent.type.startswith(prefix, autoescape=True)
    if "*" in pattern:
        raise Unprocessable.on("query.type", "one `*`, at the end (`lead.*`), or an exact "
                                             "type (`lead.created`)")
    return FeedEvent.type == pattern


async def page(session: AsyncSession, ctx: RequestContext, *, after: str | None,
               type_: str | None, limit: int) -> tuple[list[dict[str, Any]], str | None]:
    if ctx.role not in ("admin", "integration"):
        raise Forbidden("the event feed is for admins and API keys")
    where: list[sa.ColumnElement[bool]] = [FeedEvent.tenant_id == ctx.tenant.value]
    if after:
        at, seq = decode(after)
        if at < datetime.now(UTC) - timedelta(days=settings().event_feed_days):
            raise Gone(f"this cursor is older than the feed keeps events "
                       f"({settings().event_feed_days:g} days); start again without "
                       f"`after` and catch up from there")
        where.append(FeedEvent.seq > seq)
    if (matching := type_filter(type_)) is not None:
        where.append(matching)
    rows = (await session.execute(sa.select(FeedEvent.seq, FeedEvent.recorded_at,
                                            FeedEvent.event).where(*where)
                                  .order_by(FeedEvent.seq).limit(limit))).all()
    events = [row.event for row in rows]
    cursor = encode(rows[-1].recorded_at, rows[-1].seq) if rows else after
    return events, cursor


async def expire(session: AsyncSession, days: float) -> int:
    """Delete what the feed keeps past its retention, a batch at a time."""
    total = 0
    while True:
        gone = int((await session.execute(sa.text("SELECT feed_expire(:secs, 5000)"),
                                          {"secs": days * 86400})).scalar_one())
        total += gone
        if gone < 5000:
            return total

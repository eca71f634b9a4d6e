"""The event feed: every event this service consumes is kept, as its CloudEvent, for
`TIDTAM_EVENT_FEED_DAYS`; integrators read it back in the order recorded
(GET /api/v1/events). The consumer records it (webhooks/fanout.py: with the webhook fan-out,
in one statement); the readers' order and why it is safe without a lock: feed/repository.py.

A cursor is `<recorded_at µs>_<xid>_<seq>` (the time only for the 410 past retention); one
from before the xid was kept, `<µs>_<seq>`, still reads on from its row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import AppError, Forbidden, Unprocessable

from ..config import settings
from . import repository
from .models import FeedEvent

CURSOR_PATTERN = r"^[0-9]{1,16}(_[0-9]{1,20})?_[0-9]{1,19}$"
_XID_MAX = 2**64 - 1
_SEQ_MAX = 2**63 - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


class Gone(AppError):
    status = 410
    code = "cursor_expired"


def encode(recorded_at: datetime, xid: int, seq: int) -> str:
    return f"{(recorded_at - _EPOCH) // _MICRO}_{xid}_{seq}"


def decode(cursor: str) -> tuple[datetime, int | None, int]:
    """(recorded_at, xid or None for a cursor from before it was kept, seq)."""
    micros, *xid, seq = cursor.split("_")
    if int(seq) > _SEQ_MAX or (xid and int(xid[0]) > _XID_MAX):
        raise Unprocessable.on("query.after", "not a cursor this feed gave: pass "
                                              "`next_cursor` as it came")
    return _EPOCH + int(micros) * _MICRO, int(xid[0]) if xid else None, int(seq)


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
    xid, seq = 0, 0
    if after:
        at, cursor_xid, seq = decode(after)
        if at < datetime.now(UTC) - timedelta(days=settings().event_feed_days):
            raise Gone(f"this cursor is older than the feed keeps events "
                       f"({settings().event_feed_days:g} days); start again without "
                       f"`after` and catch up from there")
        xid = (cursor_xid if cursor_xid is not None
               else await repository.xid_of(session, ctx.tenant, seq))
    matching = type_filter(type_)
    rows = await repository.rows_after(session, ctx.tenant, xid=xid, seq=seq,
                                       where=[] if matching is None else [matching],
                                       limit=limit)
    events = [row.event for row in rows]
    cursor = encode(rows[-1].recorded_at, rows[-1].xid, rows[-1].seq) if rows else after
    return events, cursor


async def expire(session: AsyncSession, days: float) -> int:
    """Delete what the feed keeps past its retention, a batch at a time."""
    total = 0
    while True:
        gone = await repository.expire(session, days * 86400, 5000)
        total += gone
        if gone < 5000:
            return total

"""Keyset pagination: newest first on (created_at, id), the position in an opaque cursor.

A cursor is `<created_at in µs since 1970>_<id hex>`, plain digits and hex. Any string of
that shape (CURSOR_PATTERN) is a position; a made-up one just starts there.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from .errors import Unprocessable

CURSOR_PATTERN = r"^[0-9]{1,16}_[0-9a-f]{32}$"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    return f"{(created_at - _EPOCH) // _MICRO}_{row_id.hex}"


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    if not re.fullmatch(CURSOR_PATTERN, cursor):
        raise Unprocessable.on("query.cursor", "is not a cursor this API returned; start "
                                               "again without it")
    micros, rid = cursor.split("_")
    return _EPOCH + int(micros) * _MICRO, uuid.UUID(hex=rid)


def next_cursor(rows: list, limit: int) -> tuple[list, str | None]:
    """`rows` fetched with `limit + 1`: the page, and the cursor of the next one if any."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1]["created_at"], rows[-1]["id"])


def before(created: sa.ColumnElement, row_id: sa.ColumnElement,
           after: tuple[datetime, uuid.UUID] | None) -> list[sa.ColumnElement[bool]]:
    """The keyset condition of the page after `after` (newest first on (created, id)):
    `[]` for the first page, so callers can `where += before(...)`."""
    if after is None:
        return []
    return [sa.tuple_(created, row_id) < sa.tuple_(
        sa.literal(after[0], sa.DateTime(timezone=True)), sa.literal(after[1], sa.Uuid))]

"""Keyset pagination: newest first on (created_at, id), the position in an opaque cursor.

A cursor is `<created_at in µs since 1970>_<id hex>`, plain digits and hex. Any string of
that shape (CURSOR_PATTERN) is a position; a made-up one just starts there.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.sql.elements import SQLCoreOperations

from .errors import Unprocessable

R = TypeVar("R", bound=Mapping[str, object])

CURSOR_PATTERN = r"^[0-9]{1,16}_[0-9a-f]{32}$"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    return f"{(created_at - _EPOCH) // _MICRO}_{row_id.hex}"


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    if not re.fullmatch(CURSOR_PATTERN, cursor):
        raise Unprocessable.on("query.cursor", "is not a cursor this API returned; start "
                                               "again without it", code="invalid_cursor")
    micros, rid = cursor.split("_")
    return _EPOCH + int(micros) * _MICRO, uuid.UUID(hex=rid)


def next_cursor(rows: list[R], limit: int) -> tuple[list[R], str | None]:
    """`rows` fetched with `limit + 1`: the page, and the cursor of the next one if any."""
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    created, row_id = rows[-1]["created_at"], rows[-1]["id"]
    if not isinstance(created, datetime) or not isinstance(row_id, uuid.UUID):
        raise TypeError("a keyset page needs rows with created_at and id")
    return rows, encode_cursor(created, row_id)


def before(created: SQLCoreOperations[datetime], row_id: SQLCoreOperations[uuid.UUID],
           after: tuple[datetime, uuid.UUID] | None) -> list[sa.ColumnElement[bool]]:
    """The keyset condition of the page after `after` (newest first on (created, id)):
    `[]` for the first page, so callers can `where += before(...)`."""
    if after is None:
        return []
    return [sa.tuple_(created, row_id) < sa.tuple_(
        sa.literal(after[0], sa.DateTime(timezone=True)), sa.literal(after[1], sa.Uuid))]

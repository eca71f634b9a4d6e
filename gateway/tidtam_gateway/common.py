"""Input types and keyset pagination shared by the gateway's domains."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    WithJsonSchema,
)

from crmkit.errors import Unprocessable
from crmkit.fields import Email  # noqa: F401  (re-exported for the domains' schemas)
from crmkit.text import Text, check_unicode

# Names are text as every service takes it (crmkit.text): NFC, trimmed, not blank, no NUL,
# no lone surrogate, at most 200 code points as sent.
Name = Annotated[str, Text(200)]
# Upper bound: argon2 hashes whatever it gets, and a megabyte password is a cheap DoS. Never
# normalised or trimmed (the hash is of what the user typed), only refused when it is not
# text at all (NUL, a lone surrogate: the hash would fail on it with a 500).
Password = Annotated[str, StringConstraints(min_length=8, max_length=128),
                     AfterValidator(check_unicode),
                     WithJsonSchema({"type": "string", "minLength": 8, "maxLength": 128,
                                     "pattern": r"^[^\x00]*$"})]


class Input(BaseModel):
    """Request bodies refuse unknown fields (a typo is a 422, not a silent no-op)."""

    model_config = ConfigDict(extra="forbid")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
# base64url without padding (a length of 4n+1 is never one): any such string is a position.
CURSOR_PATTERN = r"^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$"
Cursor = Annotated[str | None, Query(max_length=500, pattern=CURSOR_PATTERN,
                                     description="`next_cursor` of the previous page")]


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        # validate=True: the lenient default silently drops foreign characters.
        raw = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_",
                               validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Unprocessable.on("query.cursor", "is not a cursor this API returned",
                               code="invalid_cursor") from exc
    # A cursor is only a keyset position: one this API did not make still names a place
    # (bytes that are not UTF-8, or NUL, which PostgreSQL refuses, become U+FFFD).
    return raw.decode("utf-8", "replace").replace("\x00", "\ufffd")

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
from pydantic_core import PydanticCustomError

from crmkit.errors import Unprocessable
from crmkit.fields import Email  # noqa: F401  (re-exported for the domains' schemas)

# Not blank, and no NUL (PostgreSQL cannot store it): what the schema says is what we check.
NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


def _name(value: str) -> str:
    # The length is of the value as sent, so the schema's maxLength is exact; then trim.
    if len(value) > 200:
        raise PydanticCustomError("string_too_long", "is too long: at most {max_length} "
                                  "characters", {"max_length": 200})
    if "\x00" in value:
        raise PydanticCustomError("string_nul", "must not contain NUL (\\u0000) characters")
    value = value.strip()
    if not value:
        raise PydanticCustomError("string_too_short", "must not be blank", {"min_length": 1})
    return value


Name = Annotated[str, AfterValidator(_name),
                 WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 200,
                                 "pattern": NOT_BLANK})]
# Upper bound: argon2 hashes whatever it gets, and a megabyte password is a cheap DoS.
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]


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
        raise Unprocessable.on("query.cursor", "is not a cursor this API returned") from exc
    # A cursor is only a keyset position: one this API did not make still names a place
    # (bytes that are not UTF-8, or NUL, which PostgreSQL refuses, become U+FFFD).
    return raw.decode("utf-8", "replace").replace("\x00", "\ufffd")

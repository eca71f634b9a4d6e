"""Input types and keyset pagination shared by the gateway's domains."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, ConfigDict, EmailStr, StringConstraints

from crmkit.errors import Unprocessable

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Upper bound: argon2 hashes whatever it gets, and a megabyte password is a cheap DoS.
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]


class Input(BaseModel):
    """Request bodies refuse unknown fields (a typo is a 422, not a silent no-op)."""

    model_config = ConfigDict(extra="forbid")


T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Cursor = Annotated[str | None, Query(max_length=500,
                                     description="`next_cursor` of the previous page")]


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        # validate=True: the lenient default silently drops foreign characters.
        return base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_",
                                validate=True).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise Unprocessable.on("query.cursor", "is not a cursor this API returned") from exc

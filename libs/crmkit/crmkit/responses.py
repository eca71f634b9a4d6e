"""Answers serialised once, for hot routes: the handler builds its body as plain data (rows
as dicts, in the order of the route's response model) and returns it as JSON written by
orjson, instead of a model that FastAPI validates again against `response_model` and then
serialises through pydantic (for a list page, two passes over every row). The route keeps
`response_model` for the OpenAPI document; the route's tests hold the body to what pydantic
would write for it (the response model validates it and dumps the same JSON).

orjson writes what pydantic's JSON mode writes for these types: UUIDs and datetimes as
strings (UTC as `Z`, microseconds only when there are some), and `Decimal` as its string.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import orjson
from fastapi import Response

_OPTIONS = orjson.OPT_UTC_Z


def _default(value: Any) -> Any:
    # asyncpg's UUIDs are a subclass of uuid.UUID, which orjson leaves to `default`.
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_answer(content: Any, status_code: int = 200) -> Response:
    """`content` (dicts, lists, str, numbers, UUID, datetime, Decimal) as a JSON answer."""
    return Response(orjson.dumps(content, default=_default, option=_OPTIONS),
                    status_code=status_code, media_type="application/json")

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

from typing import Any

import orjson
from fastapi import Response

_OPTIONS = orjson.OPT_UTC_Z


# What orjson leaves to `default` here: Decimal, and asyncpg's UUIDs (a subclass of
# uuid.UUID, which orjson writes only exactly); `str` writes both as pydantic does, and is
# called as C (a Python function per value cost a list page a millisecond). The routes'
# tests hold every answer to pydantic's bytes, so another type would show there.
_default = str


def json_answer(content: Any, status_code: int = 200) -> Response:
    """`content` (dicts, lists, str, numbers, UUID, datetime, Decimal) as a JSON answer."""
    return Response(orjson.dumps(content, default=_default, option=_OPTIONS),
                    status_code=status_code, media_type="application/json")

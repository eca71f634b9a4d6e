"""Amounts of baht (THB, to the satang) as API fields: a JSON number (rounded to 2 places)
or an exact string, both fitting numeric(14, 2)."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_BAHT = Decimal("999999999999.99")  # numeric(14, 2)
_MONEY_TEXT = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"


def parse_baht(value: object) -> object:
    """A binary float cannot hold 0.1 exactly, so a number is rounded to 2 places; a string
    must be exact."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PydanticCustomError("money", "must be a number of baht, e.g. 15000 or 15000.50")
    if isinstance(value, str):
        if not re.fullmatch(_MONEY_TEXT, value):
            raise PydanticCustomError("money", "write the amount like 15000 or 15000.50: at "
                                      "most 12 digits before the point and 2 after")
        return Decimal(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("money", "must be a finite number")
    if value < 0:
        raise PydanticCustomError("money", "must not be negative")
    if value > MAX_BAHT:
        raise PydanticCustomError("money", f"is too large: at most {MAX_BAHT}")
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def baht(description: str):
    """A non-negative amount of THB; `description` goes into the schema."""
    return Annotated[
        Decimal,
        BeforeValidator(parse_baht),
        WithJsonSchema({
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(MAX_BAHT)},
                {"type": "string", "pattern": _MONEY_TEXT},
            ],
            "description": f"{description}: a number (rounded to 2 decimal places) or a "
                           "string with at most 2",
        }),
    ]


_PERCENT_TEXT = r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"


def parse_percent(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PydanticCustomError("percent", "must be a percentage from 0 to 100, e.g. 7.5")
    if isinstance(value, str):
        if not re.fullmatch(_PERCENT_TEXT, value):
            raise PydanticCustomError("percent", "write the percentage like 5 or 7.25, from 0 "
                                      "to 100, at most 2 decimal places")
        return Decimal(value)
    if isinstance(value, float) and not math.isfinite(value) or not 0 <= value <= 100:
        raise PydanticCustomError("percent", "must be from 0 to 100")
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


Percent = Annotated[
    Decimal,
    BeforeValidator(parse_percent),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 100},
                              {"type": "string", "pattern": _PERCENT_TEXT}],
                    "description": "Percent, 0–100: a number (rounded to 2 decimal places) "
                                   "or a string with at most 2"}),
]

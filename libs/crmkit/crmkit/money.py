"""Amounts of baht (THB, to the satang) as API fields: a JSON number (rounded to 2 places)
or an exact string, both fitting numeric(14, 2)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

MAX_BAHT = Decimal("999999999999.99")  # numeric(14, 2)
_MONEY_TEXT = r"^[0-9]{1,12}(\.[0-9]{1,2})?$"


def _parse_decimal(value: object, *, pattern: str, most: Decimal, what: str,
                   example: str) -> Decimal:
    """A JSON number (rounded to 2 places: a binary float cannot hold 0.1 exactly) or an
    exact string, from 0 to `most`."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PydanticCustomError(what, f"must be a number, e.g. {example}")
    if isinstance(value, str):
        if not re.fullmatch(pattern, value):
            raise PydanticCustomError(what, f"write it like {example}: at most {most} and "
                                            "2 decimal places")
        return Decimal(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError(what, "must be a finite number")
    if not 0 <= value <= most:
        raise PydanticCustomError(what, f"must be from 0 to {most}")
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_baht(value: object) -> object:
    return _parse_decimal(value, pattern=_MONEY_TEXT, most=MAX_BAHT, what="money",
                          example="15000 or 15000.50")


@dataclass(frozen=True, slots=True)
class BahtAmount:
    """`Annotated[Decimal, BahtAmount("Credit limit")]`: a non-negative amount of THB;
    `description` goes into the schema."""

    description: str

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(parse_baht, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": float(MAX_BAHT)},
                {"type": "string", "pattern": _MONEY_TEXT},
            ],
            "description": f"{self.description}: a number (rounded to 2 decimal places) or a "
                           "string with at most 2",
        }


_PERCENT_TEXT = r"^(100(\.0{1,2})?|[0-9]{1,2}(\.[0-9]{1,2})?)$"


def parse_percent(value: object) -> object:
    return _parse_decimal(value, pattern=_PERCENT_TEXT, most=Decimal(100), what="percent",
                          example="5 or 7.25")


Percent = Annotated[
    Decimal,
    BeforeValidator(parse_percent),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 100},
                              {"type": "string", "pattern": _PERCENT_TEXT}],
                    "description": "Percent, 0–100: a number (rounded to 2 decimal places) "
                                   "or a string with at most 2"}),
]


# A quantity of a line (a quote's, a deal's): more than 0, at most 3 decimal places.
_QTY_TEXT = r"^[0-9]{1,9}(\.[0-9]{1,3})?$"
# What the schema states: the same texts, but not zero ("0", "0.00"), which the check refuses.
_QTY_SCHEMA = r"^([1-9][0-9]{0,8}(\.[0-9]{1,3})?|0\.(00[1-9]|0[1-9][0-9]?|[1-9][0-9]{0,2}))$"


def _quantity(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PydanticCustomError("quantity", "must be a number, e.g. 2 or 1.5")
    text = str(value) if not isinstance(value, float) else f"{value:.3f}".rstrip("0")
    if not re.fullmatch(_QTY_TEXT, text.rstrip(".")) or Decimal(text.rstrip(".")) <= 0:
        raise PydanticCustomError("quantity", "must be more than 0 and at most 999999999, "
                                              "with at most 3 decimal places")
    return Decimal(text.rstrip("."))


Quantity = Annotated[Decimal, BeforeValidator(_quantity), WithJsonSchema({
    "anyOf": [{"type": "number", "minimum": 0.001, "maximum": 999999999},
              {"type": "string", "pattern": _QTY_SCHEMA}],
    "description": "More than 0, at most 3 decimal places"})]

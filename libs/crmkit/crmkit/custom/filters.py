"""List filters on custom values: `cf.<key>=value`, `cf.<key>.min=`, `cf.<key>.max=`.

Parsing is pure (checked against the definitions, errors naming the parameter); `to_sql`
turns the parsed filters into conditions on the entity's `custom` JSONB column. Equality and
membership are containment (`custom @> '{"key": value}'`), which the column's GIN index
(jsonb_path_ops) serves; ranges are jsonpath predicates (`custom @@ '$.key >= 5'`), which
never raise on a value of another type, whatever order PostgreSQL evaluates rows in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONPATH
from sqlalchemy.sql.elements import SQLCoreOperations

from ..errors import FieldError, Unprocessable
from .values import BadValue, Definition, check_date, check_value

PREFIX = "cf."
_NAME = re.compile(r"^cf\.([a-z][a-z0-9_]{0,39})(?:\.(min|max))?$")
_NUMBER = re.compile(r"^-?[0-9]{1,16}(\.[0-9]{1,10})?$")
THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
TRUE, FALSE = ("true", "1", "yes"), ("false", "0", "no")


@dataclass(frozen=True, slots=True)
class CustomFilter:
    key: str
    op: str  # eq | has (multi_select membership) | unchecked | min | max
    value: Any


def is_custom(name: str) -> bool:
    return name.startswith(PREFIX)


def _number(text: str) -> int | float:
    text = text.strip().translate(THAI_DIGITS)
    if not _NUMBER.match(text):
        raise BadValue("must be a number like 1500 or -2.5", code="not_a_number")
    return float(text) if "." in text else int(text)


def parse_one(definitions: dict[str, Definition], name: str, raw: str) -> CustomFilter:
    """One `cf.*` parameter, or BadValue saying what is wrong with it."""
    m = _NAME.match(name)
    if not m:
        raise BadValue("write custom-field filters as cf.<key>, cf.<key>.min or "
                       "cf.<key>.max", code="invalid_filter")
    key, bound = m.groups()
    defn = definitions.get(key)
    if defn is None:
        raise BadValue(f"{key!r} is not a custom field of this tenant", code="unknown_custom_field")
    raw = unicodedata.normalize("NFC", raw).strip()
    if bound:
        if defn.type == "number":
            return CustomFilter(key, bound, _number(raw))
        if defn.type == "date":
            return CustomFilter(key, bound, check_date(raw))
        raise BadValue(f".{bound} applies to number and date fields; {key} is "
                       f"{defn.type}", code="invalid_filter")
    match defn.type:
        case "number":
            return CustomFilter(key, "eq", _number(raw))
        case "checkbox":
            if raw.lower() in TRUE:
                return CustomFilter(key, "eq", True)
            if raw.lower() in FALSE:
                return CustomFilter(key, "unchecked", None)
            raise BadValue("must be true or false", code="not_a_boolean")
        case "multi_select":
            return CustomFilter(key, "has", check_value(defn, [raw])[0])
    return CustomFilter(key, "eq", check_value(defn, raw))


def parse(definitions: dict[str, Definition], params: Iterable[tuple[str, str]], *,
          field: str = "query") -> list[CustomFilter]:
    """Every `cf.*` pair of `params` (others are skipped); one 422 naming each bad one as
    `<field>.<name>`. Repeated parameters all apply (AND)."""
    out: list[CustomFilter] = []
    errors: list[FieldError] = []
    for name, raw in params:
        if not is_custom(name):
            continue
        try:
            out.append(parse_one(definitions, name, raw))
        except BadValue as exc:
            errors.append(exc.field_error(f"{field}.{name}"))
    if errors:
        raise Unprocessable("; ".join(f"{e.field}: {e.message}" for e in errors[:5]),
                            fields=errors)
    return out


def _jsonpath(key: str, op: str, value: Any) -> str:
    # `key` matched the slug pattern and `value` is a number or a checked ISO date, so
    # the literal is safe to write into the path.
    return f"$.{key} {'>=' if op == 'min' else '<='} {orjson.dumps(value).decode()}"


def to_sql(column: SQLCoreOperations[Any], filters: Sequence[CustomFilter]
           ) -> list[sa.ColumnElement[bool]]:
    """Conditions on the JSONB `custom` column, to AND into the list's WHERE."""
    out: list[sa.ColumnElement[bool]] = []
    for f in filters:
        if f.op == "eq":
            out.append(column.contains({f.key: f.value}))
        elif f.op == "has":
            out.append(column.contains({f.key: [f.value]}))
        elif f.op == "unchecked":  # unset counts as unchecked
            out.append(sa.not_(column.contains({f.key: True})))
        else:
            out.append(column.op("@@", return_type=sa.Boolean)(
                sa.cast(sa.literal(_jsonpath(f.key, f.op, f.value)), JSONPATH)))
    return out

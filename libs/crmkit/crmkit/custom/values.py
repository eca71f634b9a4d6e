"""Checking and merging the custom values of one record against the tenant's definitions.

Pure functions (no I/O): the owning service loads the definitions and stores the result.
Every problem is reported at once, each naming `body.custom.<key>`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic_core import PydanticCustomError

from ..errors import FieldError, NotFound, Unprocessable
from ..text import check_text as clean_text
from .schemas import MAX_LIST_ITEMS, MAX_TEXT_VALUE

MAX_NUMBER = 1e15  # beyond it a JSON number stops being exact in most clients
DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
LAST_CE_YEAR = 2400  # a larger year is a Buddhist Era year sent by mistake (THAI.md)


@dataclass(frozen=True, slots=True)
class Definition:
    """What values of one custom field must look like."""

    key: str
    type: str
    options: tuple[str, ...] = ()
    required: bool = False


class BadValue(ValueError):
    """A value a definition refuses; the message says what to send instead, `code` what
    kind of problem it is (crmkit.errors.FieldError.code)."""

    def __init__(self, message: str, *, code: str = "invalid_value") -> None:
        super().__init__(message)
        self.code = code

    def field_error(self, field: str) -> FieldError:
        return FieldError(field=field, message=str(self), code=self.code)


def check_date(value: object) -> str:
    if not isinstance(value, str) or not DATE_PATTERN.match(value):
        raise BadValue("must be a date written YYYY-MM-DD, e.g. 2025-03-07", code="invalid_date")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise BadValue(f"{value} is not a day of the calendar", code="invalid_date") from None
    if parsed.year > LAST_CE_YEAR:
        raise BadValue(f"year {parsed.year} looks like a Buddhist Era year; send the "
                       f"Gregorian year ({parsed.year - 543})", code="buddhist_era_year")
    return value


def check_number(value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue("must be a number", code="not_a_number")
    if isinstance(value, float) and not math.isfinite(value):
        raise BadValue("must be a finite number", code="not_a_number")
    if abs(value) > MAX_NUMBER:
        raise BadValue(f"is too large: at most {MAX_NUMBER:.0e} either way", code="too_large")
    return value


def _option(value: object, defn: Definition) -> str:
    if not isinstance(value, str):
        raise BadValue("must be one of the field's option values (a string)", code="invalid_option")
    text = unicodedata.normalize("NFC", value).strip()
    if text not in defn.options:
        raise BadValue(f"{text!r} is not an option; choose one of: "
                       f"{', '.join(defn.options[:20])}", code="invalid_option")
    return text


def check_value(defn: Definition, value: object) -> Any:
    """The value as stored, or BadValue. `None` is never passed here (it means removal)."""
    match defn.type:
        case "text":
            if not isinstance(value, str):
                raise BadValue("must be text (a string)", code="not_text")
            try:
                return clean_text(value, MAX_TEXT_VALUE)
            except PydanticCustomError as exc:
                raise BadValue(exc.message(), code="invalid_text") from None
        case "number":
            return check_number(value)
        case "date":
            return check_date(value)
        case "select":
            return _option(value, defn)
        case "multi_select":
            if not isinstance(value, list):
                raise BadValue("must be a list of option values", code="not_a_list")
            if len(value) > MAX_LIST_ITEMS:
                raise BadValue(f"has too many items: at most {MAX_LIST_ITEMS}", code="too_long")
            chosen = {_option(v, defn) for v in value}
            # Stored in the field's option order: equal sets compare equal as JSON.
            return [o for o in defn.options if o in chosen]
        case "checkbox":
            if not isinstance(value, bool):
                raise BadValue("must be true or false", code="not_a_boolean")
            return value
    raise BadValue(f"has an unknown type {defn.type!r}", code="unknown_type")


def _empty(value: object) -> bool:
    return value is None or value == []


def merge(definitions: dict[str, Definition], current: dict[str, Any] | None,
          given: dict[str, Any] | None, *, creating: bool, field: str = "body.custom"
          ) -> dict[str, Any]:
    """`current` with `given` applied: each key sent is checked and set; `null` (or an empty
    multi_select list) removes it. On create every required field must end up set; on
    update a required value cannot be removed. A key the tenant has not defined is 404
    (like any reference to what does not exist), naming every such key; then one 422
    naming every bad value."""
    unknown = [FieldError(field=f"{field}.{key}", message=(
        "is not a custom field of this tenant (GET /api/v1/custom-fields lists them)"),
        code="unknown_custom_field")
        for key in (given or {}) if key not in definitions]
    if unknown:
        raise NotFound("; ".join(f"{e.field}: {e.message}" for e in unknown[:5]),
                       fields=unknown)
    out = dict(current or {})
    errors: list[FieldError] = []
    for key, value in (given or {}).items():
        defn = definitions[key]
        where = f"{field}.{key}"
        if _empty(value):
            if defn.required:
                errors.append(FieldError(field=where, message="is required; it cannot be "
                                                              "removed", code="missing"))
            out.pop(key, None)
            continue
        try:
            out[key] = check_value(defn, value)
        except BadValue as exc:
            errors.append(exc.field_error(where))
    if creating:
        errors += [FieldError(field=f"{field}.{d.key}", message="is required", code="missing")
                   for d in definitions.values()
                   if d.required and d.key not in out and d.key not in (given or {})]
    if errors:
        raise Unprocessable("; ".join(f"{e.field}: {e.message}" for e in errors[:5]),
                            fields=errors)
    return out

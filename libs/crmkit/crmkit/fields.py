"""Field types whose OpenAPI schema says exactly what the server accepts."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import email_validator
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    StrictBool,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError, core_schema

MAX_EMAIL = 254


def _email(value: str) -> str:
    if len(value) > MAX_EMAIL:  # as sent, like the schema's maxLength
        raise PydanticCustomError("email", "is too long: at most {max_length} characters",
                                  {"max_length": MAX_EMAIL})
    value = unicodedata.normalize("NFC", value).strip()
    local, at, domain = value.rpartition("@")
    if at and len(local) <= 64 and _PLAIN_LOCAL.fullmatch(local):
        # An ASCII dot-atom before the @ is its own normal form: only the domain needs the
        # library's checks, once per domain (a bulk import's hot path; same result).
        normal = _domain(domain)
        if normal is not None and len(local) + 1 + len(normal) <= MAX_EMAIL:
            return f"{local}@{normal}"
    try:
        # Syntax only, as `format: email` promises: no DNS lookups, and the special-use
        # `.test` domain (RFC 6761) is an address like any other here.
        parts = email_validator.validate_email(value, check_deliverability=False,
                                               test_environment=True)
    except email_validator.EmailNotValidError as exc:
        raise PydanticCustomError("email", "is not a valid email address: {reason}",
                                  {"reason": str(exc)}) from None
    return parts.normalized


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")


@functools.lru_cache(maxsize=4096)
def _domain(domain: str) -> str | None:
    """The domain as validate_email normalises it, or None when it refuses it (the whole
    address then goes through validate_email for its message)."""
    try:
        return email_validator.validate_email(f"x@{domain}", check_deliverability=False,
                                              test_environment=True).domain
    except email_validator.EmailNotValidError:
        return None


Email = Annotated[str, AfterValidator(_email),
                  WithJsonSchema({"type": "string", "format": "email",
                                  "maxLength": MAX_EMAIL})]


# JSON types as the schema states them. Pydantic's lax mode would take `true` for an
# integer, `0` for a boolean, "1.5" for a number and a number of seconds for a date: inputs
# the schema refuses, so the server must refuse them too. JSON Schema's integer is any
# number without a fraction, so 3.0 is one.
JsonBool = StrictBool


def _json_int(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _json_number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("float_type", "must be a number")
    return value


def _iso_date(value: object) -> object:
    # Text only as YYYY-MM-DD: pydantic would read "0" (a query string's every value is
    # text) as a Unix time, a day the schema's pattern refuses.
    if isinstance(value, date) or (isinstance(value, str) and _DAY_TEXT.fullmatch(value)):
        return value
    raise PydanticCustomError("date_type", "must be a date written YYYY-MM-DD")


_DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True, slots=True)
class JsonIntRange:
    """`Annotated[int, JsonIntRange(ge=0, le=3650)]`: an integer as JSON has them, within
    bounds; the schema says `minimum`/`maximum`."""

    ge: int | None = None
    le: int | None = None

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(
            _json_int, core_schema.int_schema(ge=self.ge, le=self.le, strict=True))


def _iso_instant(value: object) -> object:
    # Pydantic would also take a number (or a numeric string, as query parameters are) as
    # seconds since 1970: the schema says a date-time string, so only text that starts
    # like one is read as a moment.
    if isinstance(value, datetime) or (isinstance(value, str) and _INSTANT.match(value)):
        return value
    raise PydanticCustomError(
        "datetime_type", "must be a date and time written YYYY-MM-DDTHH:MM:SS with a time "
                         "zone, e.g. 2026-12-07T09:00:00+07:00")


_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")

JsonInt = Annotated[int, JsonIntRange()]
JsonFloat = Annotated[float, BeforeValidator(_json_number)]
JsonDate = Annotated[date, BeforeValidator(_iso_date)]
# A calendar day from 1900 to 2999 (far-off years overflow time-zone arithmetic), its years
# stated in the schema too, so a schema-driven client never sends one the check refuses.
DAY_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
Day = Annotated[date, BeforeValidator(_iso_date),
                Field(ge=date(1900, 1, 1), le=date(2999, 12, 31)),
                WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN,
                                "description": "A day, 1900-01-01 to 2999-12-31"})]
# A moment with its time zone, as ISO 8601 text (never a number of seconds).
Instant = Annotated[AwareDatetime, BeforeValidator(_iso_instant)]


@dataclass(frozen=True, slots=True)
class _LeaveOutNotNull:
    """The `T | None` of an `Omittable[T]` field validates as `T`: None only when the field
    is left out (defaults are not validated), a JSON null is refused like any other wrong
    type, and the schema says `T`, not nullable."""

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        if schema["type"] == "nullable":
            inner: core_schema.CoreSchema = schema["schema"]
            return inner
        raise TypeError(f"Omittable[...] needs an `X | None` type, not {source!r}")


T = TypeVar("T")
# A field of a PATCH body (or one the service fills in) that may be left out but not sent as
# null: `name: Omittable[str] = None`. The type checker sees `str | None`, which is what the
# code gets.
Omittable = Annotated[T | None, _LeaveOutNotNull()]

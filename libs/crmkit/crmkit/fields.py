"""Field types whose OpenAPI schema says exactly what the server accepts."""

from __future__ import annotations

import unicodedata
from typing import Annotated

import email_validator
from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

MAX_EMAIL = 254


def _email(value: str) -> str:
    if len(value) > MAX_EMAIL:  # as sent, like the schema's maxLength
        raise PydanticCustomError("email", "is too long: at most {max_length} characters",
                                  {"max_length": MAX_EMAIL})
    value = unicodedata.normalize("NFC", value).strip()
    try:
        # Syntax only, as `format: email` promises: no DNS lookups, and the special-use
        # `.test` domain (RFC 6761) is an address like any other here.
        parts = email_validator.validate_email(value, check_deliverability=False,
                                               test_environment=True)
    except email_validator.EmailNotValidError as exc:
        raise PydanticCustomError("email", "is not a valid email address: {reason}",
                                  {"reason": str(exc)}) from None
    return parts.normalized


Email = Annotated[str, AfterValidator(_email),
                  WithJsonSchema({"type": "string", "format": "email",
                                  "maxLength": MAX_EMAIL})]

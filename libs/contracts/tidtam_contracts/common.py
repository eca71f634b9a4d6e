"""Types several domains' contracts share."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

CUSTOM_VALUE_SCHEMA: dict[str, Any] = {"anyOf": [
    {"type": "string"}, {"type": "number"}, {"type": "boolean"},
    {"type": "array", "items": {"type": "string"}},
]}

CustomValues = Annotated[dict[str, Any], Field(), WithJsonSchema({
    "type": "object", "additionalProperties": CUSTOM_VALUE_SCHEMA,
    "description": "Values of the tenant's custom fields, by key (unset ones are absent)",
})]

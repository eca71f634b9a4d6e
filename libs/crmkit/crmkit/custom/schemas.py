"""The API models of custom fields and segments, shared by every service that has them.

They are the same classes in every service, so the operations they describe are the same,
byte for byte, in each service's OpenAPI document (the gateway merges them into one).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from tidtam_contracts.common import CustomValues

from ..fields import JsonBool, JsonIntRange, Omittable
from ..text import Text

Entity = Literal["lead", "account"]
FieldType = Literal["text", "number", "date", "select", "multi_select", "checkbox"]
CHOICE_TYPES = ("select", "multi_select")  # the types that have options
KEY_PATTERN = r"^[a-z][a-z0-9_]{0,39}$"
MAX_FIELDS = 50  # per tenant and entity
MAX_OPTIONS = 100
MAX_TEXT_VALUE = 1000  # characters (code points) of a `text` value
MAX_OPTION_TEXT = 100
MAX_LIST_ITEMS = MAX_OPTIONS  # a multi_select value


Key = Annotated[str, Field(pattern=KEY_PATTERN, description=(
    "Slug: a lower-case letter, then up to 39 lower-case letters, digits or `_`; unique "
    "per entity; cannot change"))]
Label = Annotated[str, Text(100)]
Position = Annotated[int, JsonIntRange(ge=0, le=10_000)]
OptionText = Annotated[str, Text(MAX_OPTION_TEXT)]


class CustomFieldOption(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: OptionText = Field(description="What records store and `cf.<key>=` filters on")
    label_th: Label | None = Field(None, description="Defaults to `value`")
    label_en: Label | None = Field(None, description="Defaults to `label_th`")


Option = Annotated[CustomFieldOption | OptionText, Field(description=(
    "An option object, or a plain string standing for `{\"value\": s}`"))]


# What the service checks of `options` (service._options), as the schema states it: one
# of two shapes, told apart by `type`. Values must also be unique once trimmed; JSON Schema
# can state that only for identical items (`uniqueItems`).
OPTIONS_BY_TYPE: dict[str, Any] = {"oneOf": [
    {"title": "A select or multi_select field: at least one option",
     "properties": {"type": {"enum": list(CHOICE_TYPES)},
                    "options": {"minItems": 1, "uniqueItems": True}},
     "required": ["type", "options"]},
    {"title": "Any other type: no options",
     "properties": {"type": {"enum": [t for t in get_args(FieldType)
                                      if t not in CHOICE_TYPES]},
                    "options": {"maxItems": 0}},
     "required": ["type"]},
]}


class CustomFieldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=OPTIONS_BY_TYPE)

    key: Key
    label_th: Label
    label_en: Label | None = None
    type: FieldType
    options: list[Option] = Field(default_factory=list, max_length=MAX_OPTIONS, description=(
        "Required (at least one) for `select` and `multi_select`; not allowed for the "
        "other types. Values must be unique"))
    required: JsonBool = Field(False, description="Records created without a value are 422; "
                                              "a value cannot be cleared")
    position: Position | None = Field(None, description="Display order; "
                                 "defaults to after the last field")


class CustomFieldPatch(BaseModel):
    """Only the fields sent change. `type` may change only while no record holds a value;
    an option may be removed only while no record holds it (both 409 otherwise)."""

    model_config = ConfigDict(extra="forbid")

    label_th: Omittable[Label] = None
    label_en: Label | None = None
    type: Omittable[FieldType] = None
    options: Omittable[list[Option]] = Field(None, max_length=MAX_OPTIONS)
    required: Omittable[JsonBool] = None
    position: Omittable[Position] = None


class CustomFieldOptionOut(BaseModel):
    value: str
    label_th: str
    label_en: str


class CustomFieldOut(BaseModel):
    entity: Entity
    key: str
    label_th: str
    label_en: str | None
    type: FieldType
    options: list[CustomFieldOptionOut]
    required: bool
    position: int
    created_at: datetime
    updated_at: datetime


# A segment's filters: the list's query parameters, each a string (a number or true/false
# may be sent as such), or a list of them for a parameter given more than once.
FilterScalar = Annotated[str | int | float | bool, Field()]
FilterValue = Annotated[FilterScalar | list[FilterScalar], Field()]
FILTERS_DESCRIPTION = (
    "The list's query parameters as an object, e.g. `{\"box\": \"inbox\", \"cf.grade\": "
    "\"A\"}` (a list for a parameter given more than once). Checked by the same rules as "
    "the list; an unknown parameter is 422 naming `filters.<name>`")
Filters = Annotated[dict[str, FilterValue], Field(max_length=30,
                                                  description=FILTERS_DESCRIPTION)]


class SegmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Label
    entity: Entity | None = Field(None, description="If sent, must equal the `entity` "
                                                    "query parameter")
    filters: Filters
    shared: JsonBool = Field(False, description="Shared: the whole tenant sees it. Personal: "
                                            "only its creator")


class SegmentPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Omittable[Label] = None
    filters: Omittable[Filters] = None
    shared: Omittable[JsonBool] = None


class SegmentOut(BaseModel):
    id: uuid.UUID
    entity: Entity
    name: str
    filters: dict[str, str | list[str]]
    shared: bool
    created_by: uuid.UUID
    editable: bool = Field(description="The caller may change or delete it (its creator, "
                                       "or an admin for a shared one)")
    created_at: datetime
    updated_at: datetime


# --- values on records ------------------------------------------------------------------

_VALUE_SCHEMA: dict[str, Any] = {"anyOf": [
    {"type": "string", "maxLength": MAX_TEXT_VALUE},
    {"type": "number"},
    {"type": "boolean"},
    {"type": "array", "items": {"type": "string"}, "maxItems": MAX_LIST_ITEMS},
]}
CUSTOM_DESCRIPTION = (
    "Values of the tenant's custom fields (GET /api/v1/custom-fields), by key: text → "
    "string, number → number, date → `YYYY-MM-DD`, select → one option value, "
    "multi_select → list of option values, checkbox → true/false. A key the tenant has not "
    "defined is 404 and a wrong value 422, each naming `body.custom.<key>`")

CustomValuesIn = Annotated[dict[str, Any], WithJsonSchema({
    "type": "object", "maxProperties": MAX_FIELDS,
    "propertyNames": {"pattern": KEY_PATTERN},
    "additionalProperties": _VALUE_SCHEMA, "description": CUSTOM_DESCRIPTION,
})]
CustomValuesPatch = Annotated[dict[str, Any], WithJsonSchema({
    "type": "object", "maxProperties": MAX_FIELDS,
    "propertyNames": {"pattern": KEY_PATTERN},
    "additionalProperties": {"anyOf": [*_VALUE_SCHEMA["anyOf"], {"type": "null"}]},
    "description": "Only the keys sent change; `null` removes a value (422 for a required "
                   "field). " + CUSTOM_DESCRIPTION,
})]
# Values on a record as the API and the events show them: one definition, the contracts'.
CustomValuesOut = CustomValues

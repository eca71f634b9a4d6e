"""The kit's annotation markers: a field's type stays what the checker sees, the marker adds
the rule, and the schema says it."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import BaseModel, ValidationError

from crmkit.db import row_as, rows_as
from crmkit.fields import Omittable
from crmkit.text import Text

pytestmark = pytest.mark.unit


class Patch(BaseModel):
    name: Omittable[Annotated[str, Text(5)]] = None


def test_omittable_left_out_is_none():
    assert Patch.model_validate({}).name is None
    assert Patch.model_validate({}).model_fields_set == set()


def test_omittable_refuses_an_explicit_null():
    with pytest.raises(ValidationError) as err:
        Patch.model_validate({"name": None})
    assert err.value.errors()[0]["type"] == "string_type"


def test_omittable_schema_is_not_nullable():
    prop = Patch.model_json_schema()["properties"]["name"]
    assert "anyOf" not in prop
    assert (prop["type"], prop["maxLength"]) == ("string", 5)


def test_text_marker_normalises_and_limits():
    # Counted as sent (4 code points), then NFC-composed and trimmed.
    assert Patch.model_validate({"name": " e\u0301 "}).name == "\u00e9"
    with pytest.raises(ValidationError) as err:
        Patch.model_validate({"name": "abcdef"})
    assert err.value.errors()[0]["type"] == "string_too_long"


def test_omittable_needs_an_optional_type():
    with pytest.raises(TypeError, match="X | None"):
        class Wrong(BaseModel):
            name: Annotated[str, Omittable.__metadata__[0]]


def test_row_as_names_missing_columns():
    from typing import TypedDict

    class Row(TypedDict):
        id: int
        name: str

    assert row_as(Row, {"id": 1, "name": "a", "extra": 2}) == {"id": 1, "name": "a", "extra": 2}
    with pytest.raises(TypeError, match="Row row lacks name"):
        row_as(Row, {"id": 1})
    assert rows_as(Row, []) == []
    with pytest.raises(TypeError, match="Row row lacks name"):
        rows_as(Row, [{"id": 1}, {"id": 2}])

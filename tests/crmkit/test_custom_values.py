"""crmkit.custom: checking one record's custom values against the definitions (unit)."""

from __future__ import annotations

import unicodedata

import pytest
from pydantic import ValidationError

from crmkit.custom.schemas import CustomFieldCreate, SegmentCreate
from crmkit.custom.values import Definition, merge
from crmkit.errors import NotFound, Unprocessable

pytestmark = pytest.mark.unit

DEFS = {d.key: d for d in [
    Definition("note", "text"),
    Definition("budget", "number"),
    Definition("visit", "date"),
    Definition("grade", "select", ("A", "B", "C")),
    Definition("tags", "multi_select", ("ร้านอาหาร", "โรงแรม", "สปา")),
    Definition("vip", "checkbox"),
    Definition("province", "text", required=True),
]}


def fields_of(exc: pytest.ExceptionInfo) -> dict[str, str]:
    return {f.field: f.message for f in exc.value.fields}


def test_every_type_accepts_its_values_and_stores_them_normalised():
    decomposed = unicodedata.normalize("NFD", "  เชียงใหม่ ")
    out = merge(DEFS, None, {
        "province": decomposed, "note": "ลูกค้าประจำ", "budget": 15000.5, "visit": "2025-03-07",
        "grade": "B", "tags": ["สปา", "ร้านอาหาร", "สปา"], "vip": True,
    }, creating=True)
    assert out == {"province": "เชียงใหม่", "note": "ลูกค้าประจำ", "budget": 15000.5,
                   "visit": "2025-03-07", "grade": "B",
                   "tags": ["ร้านอาหาร", "สปา"],  # option order, no repeats
                   "vip": True}
    assert unicodedata.is_normalized("NFC", out["province"])


@pytest.mark.parametrize("key, value, says", [
    ("note", 12, "text"),
    ("note", "   ", "blank"),
    ("note", "ก" * 1001, "too long"),
    ("note", "a\x00b", "NUL"),
    ("budget", "15000", "number"),
    ("budget", True, "number"),
    ("budget", float("inf"), "finite"),
    ("budget", 1e16, "too large"),
    ("visit", "07/03/2025", "YYYY-MM-DD"),
    ("visit", "2025-02-30", "not a day"),
    ("visit", "2568-03-07", "Buddhist Era"),
    ("grade", "D", "not an option"),
    ("grade", ["A"], "option"),
    ("tags", "สปา", "list"),
    ("tags", ["สปา", "ผับ"], "not an option"),
    ("vip", "true", "true or false"),
    ("vip", 1, "true or false"),
])
def test_a_wrong_value_is_422_naming_its_key(key, value, says):
    with pytest.raises(Unprocessable) as exc:
        merge(DEFS, {"province": "ลำปาง"}, {key: value}, creating=False)
    assert list(fields_of(exc)) == [f"body.custom.{key}"]
    assert says in fields_of(exc)[f"body.custom.{key}"]


def test_unknown_keys_are_404_naming_each():
    with pytest.raises(NotFound) as exc:
        merge(DEFS, None, {"colour": "red", "size": 3, "budget": 1}, creating=True)
    assert set(fields_of(exc)) == {"body.custom.colour", "body.custom.size"}
    assert "not a custom field" in fields_of(exc)["body.custom.colour"]


def test_bad_values_and_a_missing_required_field_are_all_named_at_once():
    with pytest.raises(Unprocessable) as exc:
        merge(DEFS, None, {"grade": "Z", "budget": "lots"}, creating=True)
    assert set(fields_of(exc)) == {"body.custom.grade", "body.custom.budget",
                                   "body.custom.province"}
    assert fields_of(exc)["body.custom.province"] == "is required"


def test_patch_merges_keys_and_null_removes_a_value_but_not_a_required_one():
    current = {"province": "ลำปาง", "grade": "A", "tags": ["สปา"]}
    out = merge(DEFS, current, {"grade": None, "budget": 3, "tags": []}, creating=False)
    assert out == {"province": "ลำปาง", "budget": 3}
    assert current == {"province": "ลำปาง", "grade": "A", "tags": ["สปา"]}  # not mutated
    with pytest.raises(Unprocessable) as exc:
        merge(DEFS, current, {"province": None}, creating=False)
    assert "cannot be removed" in fields_of(exc)["body.custom.province"]


def test_a_required_field_added_later_does_not_block_editing_older_records():
    assert merge(DEFS, {}, {"grade": "C"}, creating=False) == {"grade": "C"}


@pytest.mark.parametrize("body, loc", [
    ({"key": "Grade", "label_th": "เกรด", "type": "text"}, "key"),
    ({"key": "1grade", "label_th": "เกรด", "type": "text"}, "key"),
    ({"key": "g" * 41, "label_th": "เกรด", "type": "text"}, "key"),
    ({"key": "grade", "label_th": " ", "type": "text"}, "label_th"),
    ({"key": "grade", "label_th": "เกรด", "type": "colour"}, "type"),
    ({"key": "grade", "label_th": "เกรด", "type": "text", "extra": 1}, "extra"),
    ({"key": "grade", "label_th": "เกรด", "type": "select", "options": [{"label_th": "x"}]},
     "options"),
])
def test_definition_bodies_are_checked_by_their_schema(body, loc):
    with pytest.raises(ValidationError) as exc:
        CustomFieldCreate.model_validate(body)
    assert loc in {str(p) for e in exc.value.errors() for p in e["loc"]}


def test_options_may_be_plain_strings_or_objects():
    body = CustomFieldCreate.model_validate({
        "key": "grade", "label_th": "เกรด", "type": "select",
        "options": ["A", {"value": "B", "label_th": "บี", "label_en": "Bee"}]})
    assert body.options[0] == "A"
    assert body.options[1].label_en == "Bee"


def test_segment_filters_take_strings_numbers_booleans_and_lists():
    seg = SegmentCreate.model_validate({"name": "VIP เชียงใหม่", "filters": {
        "box": "inbox", "cf.vip": True, "cf.budget.min": 1000, "cf.tags": ["สปา", "โรงแรม"]}})
    assert seg.filters["cf.vip"] is True
    with pytest.raises(ValidationError):
        SegmentCreate.model_validate({"name": "x", "filters": {"box": {"nested": 1}}})

"""crmkit.custom: `cf.*` list filters, parsed against the definitions (unit) and run as SQL on
a real PostgreSQL JSONB column (integration), and segment filters checked with a list
route's own parameters (unit)."""

from __future__ import annotations

import uuid
from typing import Literal

import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Query
from sqlalchemy.dialects.postgresql import JSONB

from crmkit.custom import filters as cf
from crmkit.custom.listing import as_pairs, check_filters, list_params, stored_filters
from crmkit.custom.values import Definition
from crmkit.db import create_engine
from crmkit.errors import Unprocessable

DEFS = {d.key: d for d in [
    Definition("note", "text"),
    Definition("budget", "number"),
    Definition("visit", "date"),
    Definition("grade", "select", ("A", "B")),
    Definition("tags", "multi_select", ("ร้านอาหาร", "โรงแรม", "สปา")),
    Definition("vip", "checkbox"),
]}


@pytest.mark.unit
@pytest.mark.parametrize("name, raw, want", [
    ("cf.note", " ลูกค้าเก่า ", cf.CustomFilter("note", "eq", "ลูกค้าเก่า")),
    ("cf.budget", "๑๕๐๐", cf.CustomFilter("budget", "eq", 1500)),
    ("cf.budget.min", "-2.5", cf.CustomFilter("budget", "min", -2.5)),
    ("cf.visit.max", "2025-12-31", cf.CustomFilter("visit", "max", "2025-12-31")),
    ("cf.grade", "A", cf.CustomFilter("grade", "eq", "A")),
    ("cf.tags", "สปา", cf.CustomFilter("tags", "has", "สปา")),
    ("cf.vip", "true", cf.CustomFilter("vip", "eq", True)),
    ("cf.vip", "0", cf.CustomFilter("vip", "unchecked", None)),
])
def test_parse(name, raw, want):
    assert cf.parse(DEFS, [(name, raw), ("box", "inbox")]) == [want]


@pytest.mark.unit
@pytest.mark.parametrize("name, raw, says", [
    ("cf.colour", "red", "not a custom field"),
    ("cf.Grade", "A", "cf.<key>"),
    ("cf.grade.min", "A", "number and date"),
    ("cf.budget", "lots", "number"),
    ("cf.budget.max", "1e999", "number"),
    ("cf.visit", "2568-01-01", "Buddhist Era"),
    ("cf.grade", "Z", "not an option"),
    ("cf.tags", "ผับ", "not an option"),
    ("cf.vip", "maybe", "true or false"),
])
def test_a_bad_filter_is_422_naming_the_parameter(name, raw, says):
    with pytest.raises(Unprocessable) as exc:
        cf.parse(DEFS, [(name, raw)])
    [err] = exc.value.fields
    assert err.field == f"query.{name}"
    assert says in err.message


ROWS = {
    "a": {"budget": 5, "grade": "A", "tags": ["สปา", "โรงแรม"], "vip": True,
          "visit": "2025-01-15", "note": "ลูกค้าเก่า"},
    "b": {"budget": 5.0, "grade": "B", "tags": ["ร้านอาหาร"], "vip": False,
          "visit": "2025-06-01"},
    "c": {"budget": 120.75, "note": "ใหม่"},
    "d": {},
}


@pytest.fixture(scope="module")
async def scratch(test_servers):
    engine = create_engine(test_servers.db_url, pool_size=1, max_overflow=0)
    table = sa.Table(f"cf_rows_{uuid.uuid4().hex[:8]}", sa.MetaData(),
                     sa.Column("name", sa.Text), sa.Column("custom", JSONB))
    async with engine.begin() as conn:
        await conn.run_sync(table.create)
        await conn.execute(table.insert(), [{"name": k, "custom": v} for k, v in ROWS.items()])
    yield engine, table
    async with engine.begin() as conn:
        await conn.run_sync(table.drop)
    await engine.dispose()


@pytest.mark.integration
@pytest.mark.parametrize("params, want", [
    ([("cf.budget", "5")], {"a", "b"}),  # 5 and 5.0 are one number in JSONB
    ([("cf.budget.min", "5"), ("cf.budget.max", "100")], {"a", "b"}),
    ([("cf.budget.min", "100")], {"c"}),
    ([("cf.grade", "A")], {"a"}),
    ([("cf.tags", "สปา")], {"a"}),
    ([("cf.tags", "สปา"), ("cf.tags", "โรงแรม")], {"a"}),  # repeated: both
    ([("cf.tags", "สปา"), ("cf.grade", "B")], set()),
    ([("cf.vip", "true")], {"a"}),
    ([("cf.vip", "false")], {"b", "c", "d"}),  # unset counts as unchecked
    ([("cf.visit.min", "2025-02-01")], {"b"}),
    ([("cf.visit", "2025-01-15")], {"a"}),
    ([("cf.note", "ใหม่")], {"c"}),  # equality, not a substring search
])
async def test_filters_select_the_right_rows(scratch, params, want):
    engine, table = scratch
    conds = cf.to_sql(table.c.custom, cf.parse(DEFS, params))
    async with engine.connect() as conn:
        got = (await conn.execute(sa.select(table.c.name).where(*conds))).scalars().all()
    assert set(got) == want


@pytest.mark.integration
async def test_a_range_on_a_value_of_another_type_matches_nothing_and_raises_nothing(scratch):
    engine, table = scratch
    conds = cf.to_sql(table.c.custom, [cf.CustomFilter("note", "min", 1)])
    async with engine.connect() as conn:
        assert (await conn.execute(sa.select(table.c.name).where(*conds))).all() == []


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/things")
    async def things(box: Literal["inbox", "lost"] = "inbox", owner_id: uuid.UUID | None = None,
                     q: str | None = Query(None, max_length=5), limit: int = 50,
                     segment: uuid.UUID | None = None):
        return []

    return app


@pytest.mark.unit
def test_segment_filters_are_checked_with_the_list_routes_own_parameters():
    params = list_params(_app(), "/things")
    assert set(params) == {"box", "owner_id", "q"}  # paging and `segment` are no filters
    owner = uuid.uuid4()
    values, custom = check_filters(params, DEFS, as_pairs(
        {"box": "lost", "owner_id": str(owner), "cf.vip": True}), prefix="filters")
    assert values == {"box": "lost", "owner_id": owner}
    assert custom == [cf.CustomFilter("vip", "eq", True)]
    with pytest.raises(Unprocessable) as exc:
        check_filters(params, DEFS, as_pairs({"box": "junk", "province": "ลำปาง",
                                              "q": "toolong", "limit": 5,
                                              "cf.grade": "Z"}), prefix="filters")
    assert {f.field for f in exc.value.fields} == {
        "filters.box", "filters.province", "filters.q", "filters.limit", "filters.cf.grade"}


@pytest.mark.unit
def test_filters_are_stored_as_the_query_string_they_stand_for():
    pairs = as_pairs({"cf.vip": False, "cf.budget.min": 10, "cf.tags": ["สปา", "โรงแรม"]})
    assert pairs == [("cf.vip", "false"), ("cf.budget.min", "10"), ("cf.tags", "สปา"),
                     ("cf.tags", "โรงแรม")]
    assert stored_filters(pairs) == {"cf.vip": "false", "cf.budget.min": "10",
                                     "cf.tags": ["สปา", "โรงแรม"]}

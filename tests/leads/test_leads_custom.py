"""Custom fields of leads: definitions (admin only), values on create/PATCH, `cf.*` list
filters, and what a definition change may not break."""

from __future__ import annotations

import asyncpg
import pytest
from leads_support import pg_dsn

pytestmark = pytest.mark.integration

FIELDS = "/api/v1/custom-fields"
LEAD = {"entity": "lead"}


@pytest.fixture
def define(api, tenant):
    """`await define(key, type, **more)` → the created definition (as the admin)."""

    async def make(key: str, type_: str, **more):
        r = await api.post(FIELDS, params=LEAD, headers=tenant.headers(tenant.admin),
                           json={"key": key, "label_th": f"ช่อง {key}", "type": type_, **more})
        assert r.status_code == 201, r.text
        return r.json()

    return make


@pytest.fixture
async def grade_and_tags(define):
    await define("grade", "select", options=["A", "B", {"value": "C", "label_th": "ซี",
                                                          "label_en": "See"}])
    await define("tags", "multi_select", options=["ร้านอาหาร", "โรงแรม", "สปา"])
    await define("budget", "number")
    await define("visit", "date")
    await define("vip", "checkbox")


async def test_admin_defines_fields_everyone_reads_them_in_order(api, tenant, define):
    made = await define("grade", "select", options=["A", {"value": "B", "label_th": "บี"}])
    assert made["options"] == [{"value": "A", "label_th": "A", "label_en": "A"},
                               {"value": "B", "label_th": "บี", "label_en": "บี"}]
    assert (made["entity"], made["position"], made["required"]) == ("lead", 0, False)
    await define("province", "text", label_en="Province", required=True)
    r = await api.get(FIELDS, params=LEAD, headers=tenant.headers(tenant.sales3))
    assert r.status_code == 200, r.text
    assert [(f["key"], f["position"]) for f in r.json()] == [("grade", 0), ("province", 1)]


async def test_only_admins_change_definitions(api, tenant, define):
    await define("grade", "select", options=["A"])
    h = tenant.headers(tenant.manager)
    body = {"key": "x", "label_th": "เอ็กซ์", "type": "text"}
    assert (await api.post(FIELDS, params=LEAD, headers=h, json=body)).status_code == 403
    r = await api.patch(f"{FIELDS}/grade", params=LEAD, headers=h, json={"label_th": "ระดับ"})
    assert r.status_code == 403, r.text
    assert (await api.delete(f"{FIELDS}/grade", params=LEAD, headers=h)).status_code == 403


async def test_duplicate_key_and_the_51st_field_are_409(api, tenant, define):
    h = tenant.headers(tenant.admin)
    await define("f0", "text")
    r = await api.post(FIELDS, params=LEAD, headers=h,
                       json={"key": "f0", "label_th": "ซ้ำ", "type": "number"})
    assert r.status_code == 409 and r.json()["fields"][0]["field"] == "body.key"
    for i in range(1, 50):
        await define(f"f{i}", "text")
    r = await api.post(FIELDS, params=LEAD, headers=h,
                       json={"key": "f50", "label_th": "เกิน", "type": "text"})
    assert r.status_code == 409 and "at most 50" in r.json()["message"]


@pytest.mark.parametrize("body, field", [
    ({"key": "g", "label_th": "ก", "type": "select"}, "body.options"),
    ({"key": "g", "label_th": "ก", "type": "text", "options": ["A"]}, "body.options"),
    ({"key": "g", "label_th": "ก", "type": "select", "options": ["A", "A"]}, "body.options"),
    ({"key": "G-1", "label_th": "ก", "type": "text"}, "body.key"),
])
async def test_bad_definitions_are_422(api, tenant, body, field):
    r = await api.post(FIELDS, params=LEAD, headers=tenant.headers(tenant.admin), json=body)
    assert r.status_code == 422, r.text
    assert field in [f["field"] for f in r.json()["fields"]]


async def test_the_other_entity_and_a_missing_entity_are_refused(api, tenant):
    h = tenant.headers(tenant.admin)
    r = await api.get(FIELDS, params={"entity": "account"}, headers=h)
    assert r.status_code == 404 and "accounts service" in r.json()["message"]
    r = await api.get("/api/v1/segments", params={"entity": "account"}, headers=h)
    assert r.status_code == 404
    r = await api.get(FIELDS, headers=h)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "query.entity"


async def test_values_are_checked_stored_and_shown(api, tenant, create_lead, grade_and_tags,
                                                  lead_events):
    lead = await create_lead(tenant.sales1, custom={
        "grade": "C", "tags": ["สปา", "ร้านอาหาร"], "budget": 250000, "visit": "2025-03-07",
        "vip": True})
    assert lead["custom"] == {"grade": "C", "tags": ["ร้านอาหาร", "สปา"], "budget": 250000,
                              "visit": "2025-03-07", "vip": True}
    h = tenant.headers(tenant.sales1)
    got = (await api.get(f"/api/v1/leads/{lead['id']}", headers=h)).json()
    assert got["custom"] == lead["custom"]
    event = await lead_events.assert_published("lead.created",
                                               lambda e: e["subject"] == lead["id"])
    assert event["data"]["custom"] == lead["custom"]


async def test_patch_merges_and_null_removes(api, tenant, create_lead, grade_and_tags,
                                             lead_events):
    lead = await create_lead(tenant.sales1, custom={"grade": "A", "vip": True})
    h = tenant.headers(tenant.sales1)
    r = await api.patch(f"/api/v1/leads/{lead['id']}", headers=h,
                        json={"custom": {"grade": "B", "vip": None, "budget": 99.5}})
    assert r.status_code == 200, r.text
    assert r.json()["custom"] == {"grade": "B", "budget": 99.5}
    assert r.json()["version"] == lead["version"] + 1
    event = await lead_events.assert_published("lead.updated",
                                               lambda e: e["subject"] == lead["id"])
    assert event["data"]["changed"] == ["custom"]
    assert event["data"]["custom"] == {"grade": "B", "budget": 99.5}
    r = await api.patch(f"/api/v1/leads/{lead['id']}", headers=h,
                        json={"custom": {"grade": "B"}})
    assert r.json()["version"] == lead["version"] + 1  # nothing changed, nothing bumped


async def test_an_unknown_custom_key_is_404_naming_it(api, tenant, grade_and_tags):
    from leads_support import lead_body
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1),
                       json=lead_body(custom={"colour": "red"}))
    assert r.status_code == 404, r.text
    assert [f["field"] for f in r.json()["fields"]] == ["body.custom.colour"]


@pytest.mark.parametrize("custom, field", [
    ({"grade": "Z"}, "body.custom.grade"),
    ({"tags": "สปา"}, "body.custom.tags"),
    ({"budget": "1,000"}, "body.custom.budget"),
    ({"visit": "2568-03-07"}, "body.custom.visit"),
    ({"vip": "yes"}, "body.custom.vip"),
])
async def test_a_wrong_value_is_422_naming_custom_key(api, tenant, grade_and_tags, custom,
                                                      field):
    from leads_support import lead_body
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1),
                       json=lead_body(custom=custom))
    assert r.status_code == 422, r.text
    assert [f["field"] for f in r.json()["fields"]] == [field]


async def test_a_required_field_is_needed_on_create_and_cannot_be_cleared(api, tenant, define,
                                                                          create_lead):
    from leads_support import lead_body
    old = await create_lead(tenant.sales1)  # before the field existed: stays valid
    await define("province", "text", required=True)
    h = tenant.headers(tenant.sales1)
    r = await api.post("/api/v1/leads", headers=h, json=lead_body())
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.custom.province"
    lead = await create_lead(tenant.sales1, custom={"province": "เชียงใหม่"})
    r = await api.patch(f"/api/v1/leads/{lead['id']}", headers=h,
                        json={"custom": {"province": None}})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.custom.province"
    r = await api.patch(f"/api/v1/leads/{old['id']}", headers=h, json={"company": "ร้านใหม่"})
    assert r.status_code == 200, r.text


async def test_list_filters_on_custom_values(api, tenant, create_lead, grade_and_tags):
    a = await create_lead(tenant.sales1, custom={"grade": "A", "tags": ["สปา"], "budget": 10,
                                                 "visit": "2025-01-10", "vip": True})
    b = await create_lead(tenant.sales1, custom={"grade": "B", "tags": ["สปา", "โรงแรม"],
                                                 "budget": 500, "visit": "2025-06-01"})
    c = await create_lead(tenant.sales1)
    h = tenant.headers(tenant.sales1)

    async def ids(*params):
        r = await api.get("/api/v1/leads", headers=h, params=list(params))
        assert r.status_code == 200, r.text
        return {i["id"] for i in r.json()["items"]}

    assert await ids(("cf.grade", "A")) == {a["id"]}
    assert await ids(("cf.tags", "สปา")) == {a["id"], b["id"]}
    assert await ids(("cf.tags", "สปา"), ("cf.tags", "โรงแรม")) == {b["id"]}
    assert await ids(("cf.budget.min", "100")) == {b["id"]}
    assert await ids(("cf.visit.max", "2025-02-01")) == {a["id"]}
    assert await ids(("cf.vip", "false")) == {b["id"], c["id"]}
    assert await ids(("cf.grade", "A"), ("box", "lost")) == set()
    r = await api.get("/api/v1/leads", headers=h, params={"cf.colour": "red"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "query.cf.colour"


async def test_visibility_still_applies_to_custom_filters(api, tenant, create_lead,
                                                          grade_and_tags):
    mine = await create_lead(tenant.sales1, custom={"grade": "A"})
    await create_lead(tenant.sales3, custom={"grade": "A"})
    r = await api.get("/api/v1/leads", headers=tenant.headers(tenant.sales1, "own"),
                      params={"cf.grade": "A"})
    assert [i["id"] for i in r.json()["items"]] == [mine["id"]]


async def test_type_and_options_change_only_while_unused(api, tenant, create_lead,
                                                         grade_and_tags):
    h = tenant.headers(tenant.admin)
    r = await api.patch(f"{FIELDS}/budget", params=LEAD, headers=h, json={"type": "text"})
    assert r.status_code == 200 and r.json()["type"] == "text"  # nobody used it yet
    await create_lead(tenant.sales1, custom={"grade": "B", "budget": "ห้าพัน"})
    r = await api.patch(f"{FIELDS}/budget", params=LEAD, headers=h, json={"type": "number"})
    assert r.status_code == 409 and r.json()["fields"][0]["field"] == "body.type"
    r = await api.patch(f"{FIELDS}/grade", params=LEAD, headers=h, json={"options": ["A"]})
    assert r.status_code == 409 and "'B'" in r.json()["message"]
    r = await api.patch(f"{FIELDS}/grade", params=LEAD, headers=h,
                        json={"options": ["A", "B", "D"], "label_en": "Grade",
                              "required": True, "position": 7})
    assert r.status_code == 200, r.text
    assert [o["value"] for o in r.json()["options"]] == ["A", "B", "D"]
    assert (r.json()["label_en"], r.json()["required"], r.json()["position"]) == \
        ("Grade", True, 7)
    r = await api.patch(f"{FIELDS}/nope", params=LEAD, headers=h, json={"label_th": "ไม่มี"})
    assert r.status_code == 404


async def test_deleting_a_field_removes_its_values(api, tenant, create_lead, grade_and_tags,
                                                   leads_db):
    lead = await create_lead(tenant.sales1, custom={"grade": "A", "vip": True})
    h = tenant.headers(tenant.admin)
    r = await api.delete(f"{FIELDS}/grade", params=LEAD, headers=h)
    assert r.status_code == 204, r.text
    got = await api.get(f"/api/v1/leads/{lead['id']}", headers=h)
    assert got.json()["custom"] == {"vip": True}
    assert (await api.delete(f"{FIELDS}/grade", params=LEAD, headers=h)).status_code == 404
    r = await api.get("/api/v1/leads", headers=h, params={"cf.grade": "A"})
    assert r.status_code == 422
    # A new field under the same key starts empty, whatever the old one held.
    await api.post(FIELDS, params=LEAD, headers=h,
                   json={"key": "grade", "label_th": "เกรด", "type": "number"})
    got = await api.get(f"/api/v1/leads/{lead['id']}", headers=h)
    assert "grade" not in got.json()["custom"]


async def test_definitions_and_values_are_per_tenant(api, tenant, leads_db, define,
                                                     gateway_events):
    from leads_support import make_tenant
    await define("grade", "select", options=["A"])
    other = await make_tenant(gateway_events, leads_db.owner_url)
    r = await api.get(FIELDS, params=LEAD, headers=other.headers(other.admin))
    assert r.json() == []
    conn = await asyncpg.connect(pg_dsn(leads_db.owner_url))
    try:  # RLS on the new tables: the app role sees no row without a tenant set
        forced = await conn.fetchval(
            "SELECT bool_and(relforcerowsecurity) FROM pg_class "
            "WHERE relname IN ('custom_fields', 'segments')")
    finally:
        await conn.close()
    assert forced

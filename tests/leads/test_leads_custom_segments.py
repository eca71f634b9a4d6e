"""Segments of leads: saved list filters, personal or shared, checked by the list's own rules,
and applied with `GET /api/v1/leads?segment=<id>` (ANDed with the request; visibility on top)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration

SEGMENTS = "/api/v1/segments"
LEAD = {"entity": "lead"}


@pytest.fixture
async def grade(api, tenant):
    r = await api.post("/api/v1/custom-fields", params=LEAD, headers=tenant.headers(tenant.admin),
                       json={"key": "grade", "label_th": "เกรด", "type": "select",
                             "options": ["A", "B"]})
    assert r.status_code == 201, r.text


@pytest.fixture
def save(api, tenant):
    async def make(person, filters, *, shared=False, name="กลุ่มของฉัน"):
        r = await api.post(SEGMENTS, params=LEAD, headers=tenant.headers(person),
                           json={"name": name, "filters": filters, "shared": shared})
        assert r.status_code == 201, r.text
        return r.json()

    return make


async def _ids(api, headers, **params) -> list[str]:
    r = await api.get("/api/v1/leads", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return [i["id"] for i in r.json()["items"]]


async def test_a_segment_applies_its_filters_and_anded_request_ones(api, tenant, grade, save,
                                                                   create_lead):
    a = await create_lead(tenant.sales1, company="ร้านกาแฟ ดอยช้าง", custom={"grade": "A"})
    b = await create_lead(tenant.sales1, company="โรงแรม ริมปิง", custom={"grade": "A"})
    await create_lead(tenant.sales1, company="ร้านกาแฟ อื่น", custom={"grade": "B"})
    seg = await save(tenant.sales1, {"cf.grade": "A", "box": "inbox"})
    assert seg["filters"] == {"cf.grade": "A", "box": "inbox"}
    assert (seg["entity"], seg["shared"], seg["editable"]) == ("lead", False, True)
    h = tenant.headers(tenant.sales1)
    assert set(await _ids(api, h, segment=seg["id"])) == {a["id"], b["id"]}
    assert await _ids(api, h, segment=seg["id"], q="กาแฟ") == [a["id"]]
    # The same parameter both ways: both must hold.
    assert await _ids(api, h, segment=seg["id"], box="lost") == []
    assert await _ids(api, h, segment=seg["id"], **{"cf.grade": "B"}) == []


async def test_a_search_in_the_segment_and_in_the_request_must_both_match(api, tenant, save,
                                                                         create_lead):
    tag = uuid.uuid4().hex[:6]
    a = await create_lead(tenant.sales1, name=f"สมชาย {tag}", company="ร้านกาแฟ")
    await create_lead(tenant.sales1, name=f"สมหญิง {tag}", company="ร้านกาแฟ")
    seg = await save(tenant.sales1, {"q": "กาแฟ"})
    h = tenant.headers(tenant.sales1)
    assert await _ids(api, h, segment=seg["id"], q=f"สมชาย {tag}") == [a["id"]]


async def test_a_segment_never_widens_what_the_caller_sees(api, tenant, save, create_lead):
    mine = await create_lead(tenant.sales1, company="บริษัท เดียวกัน")
    theirs = await create_lead(tenant.sales3, company="บริษัท เดียวกัน")
    seg = await save(tenant.admin, {"q": "เดียวกัน"}, shared=True)
    assert set(await _ids(api, tenant.headers(tenant.admin), segment=seg["id"])) \
        >= {mine["id"], theirs["id"]}
    assert await _ids(api, tenant.headers(tenant.sales1, "own"), segment=seg["id"]) \
        == [mine["id"]]
    seg = await save(tenant.admin, {"owner_id": str(tenant.sales3.id)}, shared=True)
    assert await _ids(api, tenant.headers(tenant.sales1, "own"), segment=seg["id"]) == []


async def test_personal_segments_are_their_creators_shared_ones_everyones(api, tenant, save):
    personal = await save(tenant.sales1, {"box": "lost"}, name="ของฉันเอง")
    shared = await save(tenant.sales1, {"box": "junk"}, shared=True, name="ขยะทั้งหมด")
    for person, want in [(tenant.sales1, {personal["id"], shared["id"]}),
                         (tenant.sales2, {shared["id"]}), (tenant.admin, {shared["id"]})]:
        r = await api.get(SEGMENTS, params=LEAD, headers=tenant.headers(person))
        assert {s["id"] for s in r.json()} == want
    h2 = tenant.headers(tenant.sales2)
    assert (await api.get(f"{SEGMENTS}/{personal['id']}", params=LEAD, headers=h2)
            ).status_code == 404
    r = await api.get("/api/v1/leads", headers=h2, params={"segment": personal["id"]})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "query.segment"
    r = await api.get("/api/v1/leads", headers=h2, params={"segment": str(uuid.uuid4())})
    assert r.status_code == 404
    # Shared: everyone sees it; its creator and admins change it, others may not.
    r = await api.get(f"{SEGMENTS}/{shared['id']}", params=LEAD, headers=h2)
    assert r.status_code == 200 and r.json()["editable"] is False
    r = await api.patch(f"{SEGMENTS}/{shared['id']}", params=LEAD, headers=h2,
                        json={"name": "ของผม"})
    assert r.status_code == 403
    assert (await api.delete(f"{SEGMENTS}/{shared['id']}", params=LEAD, headers=h2)
            ).status_code == 403
    r = await api.patch(f"{SEGMENTS}/{shared['id']}", params=LEAD,
                        headers=tenant.headers(tenant.admin),
                        json={"name": "ขยะ (แอดมิน)", "filters": {"box": "lost"}})
    assert r.status_code == 200 and r.json()["filters"] == {"box": "lost"}
    assert r.json()["name"] == "ขยะ (แอดมิน)"
    r = await api.delete(f"{SEGMENTS}/{personal['id']}", params=LEAD,
                         headers=tenant.headers(tenant.sales1))
    assert r.status_code == 204
    r = await api.get(SEGMENTS, params=LEAD, headers=tenant.headers(tenant.sales1))
    assert [s["id"] for s in r.json()] == [shared["id"]]


@pytest.mark.parametrize("filters, field", [
    ({"province": "เชียงใหม่"}, "filters.province"),
    ({"status": "inbox"}, "filters.status"),  # leads filter by `box`
    ({"box": "trash"}, "filters.box"),
    ({"owner_id": "not-a-uuid"}, "filters.owner_id"),
    ({"limit": 5}, "filters.limit"),
    ({"segment": str(uuid.uuid4())}, "filters.segment"),
    ({"cf.grade": "Z"}, "filters.cf.grade"),
    ({"cf.colour": "red"}, "filters.cf.colour"),
])
async def test_filters_are_checked_by_the_lists_rules_when_saved(api, tenant, grade, filters,
                                                                 field):
    r = await api.post(SEGMENTS, params=LEAD, headers=tenant.headers(tenant.sales1),
                       json={"name": "ผิด", "filters": filters})
    assert r.status_code == 422, r.text
    assert field in [f["field"] for f in r.json()["fields"]]


async def test_entity_in_the_body_must_match_the_query(api, tenant):
    r = await api.post(SEGMENTS, params=LEAD, headers=tenant.headers(tenant.sales1),
                       json={"name": "x", "entity": "account", "filters": {}})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.entity"


async def test_a_segment_on_a_deleted_field_says_so_when_used(api, tenant, grade, save):
    seg = await save(tenant.sales1, {"cf.grade": "A"})
    r = await api.delete("/api/v1/custom-fields/grade", params=LEAD,
                         headers=tenant.headers(tenant.admin))
    assert r.status_code == 204
    r = await api.get("/api/v1/leads", headers=tenant.headers(tenant.sales1),
                      params={"segment": seg["id"]})
    assert r.status_code == 422, r.text
    assert r.json()["fields"][0]["field"] == "query.segment"
    assert "cf.grade" in r.json()["message"]

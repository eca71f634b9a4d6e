"""Assignment queues matching on a lead's product interest (`product_ids`, the documents
catalogue as this service knows it) and on a saved segment (issue 16), on the real leads
service: the first fitting queue takes the new lead, a lead no queue fits stays with its
maker, a deleted segment takes nothing."""

from __future__ import annotations

import uuid

import pytest
from leads_support import given_product, lead_body

pytestmark = pytest.mark.integration
QUEUES = "/api/v1/queues"
LEAD = {"entity": "lead"}


async def _queue(api, tenant, member, match):
    r = await api.post(QUEUES, headers=tenant.headers(tenant.admin), json={
        "name": f"คิว {uuid.uuid4().hex[:6]}", "members": [str(member.id)], "match": match})
    assert r.status_code == 201, r.text
    return r.json()


async def _owner(api, tenant, **fields) -> str:
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.manager),
                       json=lead_body(**fields))
    assert r.status_code == 201, r.text
    return r.json()["owner_id"]


async def test_product_interest_and_segments_choose_the_queue(api, tenant, gateway_events,
                                                             leads_db, lead_events):
    admin = tenant.headers(tenant.admin)
    cam, nvr, other = [await given_product(gateway_events, tenant, leads_db)
                       for _ in range(3)]
    r = await api.post("/api/v1/custom-fields", params=LEAD, headers=admin, json={
        "key": "grade", "label_th": "เกรด", "type": "select", "options": ["A", "B"]})
    assert r.status_code == 201, r.text
    r = await api.post("/api/v1/segments", params=LEAD, headers=admin, json={
        "name": "ร้านกาแฟเกรด A", "shared": True,
        "filters": {"cf.grade": "A", "q": "กาแฟ", "box": "inbox", "qualified": False}})
    assert r.status_code == 201, r.text
    segment = r.json()
    by_product = await _queue(api, tenant, tenant.sales1,
                              {"product_ids": [cam["id"], nvr["id"]]})
    assert by_product["match"]["product_ids"] == [cam["id"], nvr["id"]]
    by_segment = await _queue(api, tenant, tenant.sales2, {"segment_id": segment["id"]})
    assert by_segment["match"]["segment_id"] == segment["id"]

    assert await _owner(api, tenant, product_ids=[other["id"], nvr["id"]]) == \
        str(tenant.sales1.id)
    assert await _owner(api, tenant, company="ร้านกาแฟ ดอยช้าง", custom={"grade": "A"}) == \
        str(tenant.sales2.id)
    # Not the segment's: another grade, or not a coffee shop; no product of the queue.
    for fields in ({"company": "ร้านกาแฟ ริมปิง", "custom": {"grade": "B"}},
                   {"company": "โรงแรม ริมปิง", "custom": {"grade": "A"}},
                   {"product_ids": [other["id"]]}):
        assert await _owner(api, tenant, **fields) == str(tenant.manager.id), fields

    r = await api.delete(f"/api/v1/segments/{segment['id']}", params=LEAD, headers=admin)
    assert r.status_code == 204, r.text
    assert await _owner(api, tenant, company="ร้านกาแฟ ดอยช้าง", custom={"grade": "A"}) == \
        str(tenant.manager.id)


async def test_a_lead_s_product_interest(api, tenant, gateway_events, leads_db, lead_events):
    cam = await given_product(gateway_events, tenant, leads_db)
    h = tenant.headers(tenant.sales1)
    r = await api.post("/api/v1/leads", headers=h,
                       json=lead_body(product_ids=[str(uuid.uuid4())]))
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.product_ids.0"
    r = await api.post("/api/v1/leads", headers=h, json=lead_body(product_ids=[cam["id"]]))
    assert r.status_code == 201 and r.json()["product_ids"] == [cam["id"]], r.text
    lead = r.json()
    created = await lead_events.assert_published("lead.created",
                                                 lambda e: e["subject"] == lead["id"])
    assert created["data"]["product_ids"] == [cam["id"]]
    r = await api.patch(f"/api/v1/leads/{lead['id']}", headers=h, json={"product_ids": []})
    assert r.status_code == 200 and r.json()["product_ids"] == []
    updated = await lead_events.assert_published("lead.updated",
                                                 lambda e: e["subject"] == lead["id"])
    assert updated["data"]["changed"] == ["product_ids"]

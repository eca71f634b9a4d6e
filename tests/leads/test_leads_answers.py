"""The hot routes (create, list) write their answers once with orjson (crmkit.responses):
byte for byte what pydantic writes for the same data through the routes' response models,
for every kind of value a lead holds (Thai text, amounts, custom values of each type, a
lead sent on, duplicate hints, labels, a cursor)."""

from __future__ import annotations

import pytest
from leads_support import lead_body

from tidtam_leads.leads.schemas import LeadCreated, LeadPage

pytestmark = pytest.mark.integration

FIELDS = "/api/v1/custom-fields"


def _as_pydantic_writes(model, content: bytes) -> bytes:
    return model.model_validate_json(content).model_dump_json().encode()


async def test_create_and_list_answer_what_the_models_would(api, tenant):
    admin = tenant.headers(tenant.admin)
    for key, type_, more in (("grade", "select", {"options": ["A", "B"]}),
                             ("tags", "multi_select", {"options": ["ร้านอาหาร", "สปา"]}),
                             ("budget", "number", {}), ("visit", "date", {}),
                             ("vip", "checkbox", {}), ("memo", "text", {})):
        r = await api.post(FIELDS, params={"entity": "lead"}, headers=admin,
                           json={"key": key, "label_th": key, "type": type_, **more})
        assert r.status_code == 201, r.text
    r = await api.post("/api/v1/labels", headers=admin, json={"name": "ด่วน", "scope": "system"})
    assert r.status_code == 201, r.text
    label = r.json()["id"]

    h = tenant.headers(tenant.sales1)
    first = lead_body(phone="02-123-4567 ต่อ 12", potential="15000.5", company=None,
                      custom={"grade": "A", "tags": ["ร้านอาหาร", "สปา"], "budget": 12.75,
                              "visit": "2026-12-31", "vip": True, "memo": "โทร \"ด่วน\""})
    r = await api.post("/api/v1/leads", headers=h, json={**first, "label_ids": [label]})
    assert r.status_code == 201, r.text
    assert r.content == _as_pydantic_writes(LeadCreated, r.content)
    r = await api.post("/api/v1/leads", headers=h, json=lead_body(
        phone=first["phone"], potential=1000000, note="ซ้ำ"))
    assert r.status_code == 201 and r.json()["possible_duplicates"], r.text
    assert r.content == _as_pydantic_writes(LeadCreated, r.content)
    r = await api.post(f"/api/v1/leads/{r.json()['id']}/send", headers=h,
                       json={"to_user_id": str(tenant.sales2.id)})
    assert r.status_code == 200, r.text

    for who, params in ((h, {"limit": 1}), (h, {"box": "sent"}),
                        (tenant.headers(tenant.sales2), {})):
        r = await api.get("/api/v1/leads", headers=who, params=params)
        assert r.status_code == 200 and r.json()["items"], r.text
        assert r.content == _as_pydantic_writes(LeadPage, r.content)
    assert r.json()["items"][0]["sent_by"] == [str(tenant.sales1.id)]

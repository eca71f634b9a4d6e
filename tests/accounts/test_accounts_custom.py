"""Custom fields and segments of accounts (crmkit.custom, mounted by the accounts service)."""

from __future__ import annotations

import pytest
from accounts_support import thai_company

pytestmark = pytest.mark.integration

ACCOUNT = {"entity": "account"}


@pytest.fixture
async def industry(api, tenant):
    r = await api.post("/api/v1/custom-fields", params=ACCOUNT,
                       headers=tenant.headers(tenant.admin),
                       json={"key": "industry", "label_th": "อุตสาหกรรม", "label_en": "Industry",
                             "type": "select", "options": ["ค้าปลีก", "โรงแรม"],
                             "required": True})
    assert r.status_code == 201, r.text
    r = await api.post("/api/v1/custom-fields", params=ACCOUNT,
                       headers=tenant.headers(tenant.admin),
                       json={"key": "employees", "label_th": "พนักงาน", "type": "number"})
    assert r.status_code == 201, r.text


async def test_values_are_checked_and_filtered(api, tenant, industry):
    h = tenant.headers(tenant.admin)
    r = await api.post("/api/v1/accounts", json=thai_company(300), headers=h)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.custom.industry"
    r = await api.post("/api/v1/accounts", json=thai_company(
        300, custom={"industry": "เหมืองแร่"}), headers=h)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.custom.industry"
    hotel = (await api.post("/api/v1/accounts", json=thai_company(
        301, custom={"industry": "โรงแรม", "employees": 120}), headers=h)).json()
    shop = (await api.post("/api/v1/accounts", json=thai_company(
        302, custom={"industry": "ค้าปลีก", "employees": 8}), headers=h)).json()
    assert hotel["custom"] == {"industry": "โรงแรม", "employees": 120}
    r = await api.post("/api/v1/accounts", json=thai_company(
        303, custom={"industry": "โรงแรม", "colour": "red"}), headers=h)
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.custom.colour"
    listed = await api.get("/api/v1/accounts", params={"cf.industry": "โรงแรม"}, headers=h)
    assert [a["id"] for a in listed.json()["items"]] == [hotel["id"]]
    listed = await api.get("/api/v1/accounts", params={"cf.employees.max": "10"}, headers=h)
    assert [a["id"] for a in listed.json()["items"]] == [shop["id"]]
    r = await api.get("/api/v1/accounts", params={"cf.nope": "1"}, headers=h)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "query.cf.nope"
    r = await api.patch(f"/api/v1/accounts/{shop['id']}", json={"custom": {"employees": 9}},
                        headers=h)
    assert r.json()["custom"] == {"industry": "ค้าปลีก", "employees": 9}
    # The accounts service answers only for accounts.
    r = await api.get("/api/v1/custom-fields", params={"entity": "lead"}, headers=h)
    assert r.status_code == 404


async def test_segment_province_and_label(api, tenant):
    h = tenant.headers(tenant.sales1)
    vip_cm = (await api.post("/api/v1/accounts", json=thai_company(310, labels=["VIP"]),
                             headers=h)).json()
    await api.post("/api/v1/accounts", json=thai_company(311), headers=h)
    await api.post("/api/v1/accounts", json={**thai_company(312, labels=["VIP"]),
                                             "address": {"province": "ภูเก็ต"}}, headers=h)
    r = await api.post("/api/v1/segments", params=ACCOUNT, headers=h,
                       json={"name": "VIP เชียงใหม่", "shared": True,
                             "filters": {"province": "เชียงใหม่", "label": "VIP"}})
    assert r.status_code == 201, r.text
    seg = r.json()
    for who in (tenant.sales1, tenant.sales2):  # shared: usable by a team mate
        got = await api.get("/api/v1/accounts", params={"segment": seg["id"]},
                            headers=tenant.headers(who))
        assert got.status_code == 200
        ids = [a["id"] for a in got.json()["items"]]
        assert ids == [vip_cm["id"]] if who is tenant.sales1 else vip_cm["id"] in ids
    r = await api.post("/api/v1/segments", params=ACCOUNT, headers=h,
                       json={"name": "ผิด", "filters": {"province": 5, "colour": "red"}})
    assert r.status_code == 422

"""The product catalogue: admins keep it, everyone reads it; SKU unique per tenant in any
case (409), Thai text NFC, money exact, keyset pages and search; events staged."""

from __future__ import annotations

import json
import uuid

import pytest
from doc_support import make_tenant

from crmkit.testing.tenants import fetchval

pytestmark = pytest.mark.integration


def product(**over):
    return {"sku": f"SV-{uuid.uuid4().hex[:6]}", "name": "ค่าบริการติดตั้งระบบ",
            "name_en": "Installation service", "unit": "ชั่วโมง", "unit_price": "1500.50",
            "vat_type": "vat7", **over}


async def test_admin_creates_everyone_reads(api, tenant, doc_db):
    r = await api.post("/api/v1/products", headers=tenant.headers(tenant.admin),
                       json=product(sku="SV-001"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["sku"], body["unit_price"], body["vat_type"], body["active"],
            body["version"]) == ("SV-001", "1500.50", "vat7", True, 1)
    got = await api.get(f"/api/v1/products/{body['id']}", headers=tenant.headers(tenant.sales1))
    assert got.status_code == 200 and got.json() == body
    staged = await fetchval(doc_db.owner_url, "SELECT count(*) FROM outbox WHERE event_type = "
                            "'product.created' AND payload->>'subject' = $1", body["id"])
    assert staged == 1


async def test_sales_may_not_change_the_catalogue(api, tenant):
    r = await api.post("/api/v1/products", headers=tenant.headers(tenant.sales1), json=product())
    assert r.status_code == 403
    made = (await api.post("/api/v1/products", headers=tenant.headers(tenant.admin),
                           json=product())).json()
    r = await api.patch(f"/api/v1/products/{made['id']}", headers=tenant.headers(tenant.manager),
                        json={"unit_price": 1})
    assert r.status_code == 403


async def test_sku_unique_per_tenant_in_any_case(api, tenant, gateway_events, doc_db):
    admin = tenant.headers(tenant.admin)
    assert (await api.post("/api/v1/products", headers=admin,
                           json=product(sku="AB-1"))).status_code == 201
    r = await api.post("/api/v1/products", headers=admin, json=product(sku="ab-1"))
    assert r.status_code == 409
    assert r.json()["code"] == "sku_taken"
    assert r.json()["fields"][0]["field"] == "body.sku"
    other = await api.post("/api/v1/products", headers=admin, json=product(sku="XY-9"))
    r = await api.patch(f"/api/v1/products/{other.json()['id']}", headers=admin,
                        json={"sku": "Ab-1"})
    assert r.status_code == 409 and r.json()["fields"][0]["field"] == "body.sku"
    # Another tenant may have the same SKU (and is not told this one exists).
    t2 = await make_tenant(gateway_events, doc_db.owner_url)
    assert (await api.post("/api/v1/products", headers=t2.headers(t2.admin),
                           json=product(sku="AB-1"))).status_code == 201


async def test_another_tenants_product_is_404(api, tenant, gateway_events, doc_db):
    made = (await api.post("/api/v1/products", headers=tenant.headers(tenant.admin),
                           json=product())).json()
    t2 = await make_tenant(gateway_events, doc_db.owner_url)
    assert (await api.get(f"/api/v1/products/{made['id']}",
                          headers=t2.headers(t2.admin))).status_code == 404
    assert (await api.patch(f"/api/v1/products/{made['id']}", headers=t2.headers(t2.admin),
                            json={"name": "x"})).status_code == 404


async def test_patch_changes_only_what_is_sent_and_stages_the_change(api, tenant, doc_db):
    admin = tenant.headers(tenant.admin)
    made = (await api.post("/api/v1/products", headers=admin, json=product())).json()
    r = await api.patch(f"/api/v1/products/{made['id']}", headers=admin,
                        json={"unit_price": 1600, "active": False, "name_en": None})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["unit_price"], body["active"], body["name_en"], body["version"],
            body["name"]) == ("1600.00", False, None, 2, made["name"])
    changed = await fetchval(doc_db.owner_url, "SELECT payload->'data'->'changed' FROM outbox "
                             "WHERE event_type = 'product.updated' "
                             "AND payload->>'subject' = $1", made["id"])
    assert changed is not None and sorted(json.loads(changed)) == [
        "active", "name_en", "unit_price"]


@pytest.mark.parametrize(("body", "field"), [
    ({"unit_price": -1}, "body.unit_price"),
    ({"unit_price": "12.345"}, "body.unit_price"),
    ({"vat_type": "vat10"}, "body.vat_type"),
    ({"name": "   "}, "body.name"),
    ({"sku": ""}, "body.sku"),
    ({"unit": None}, "body.unit"),
])
async def test_bad_input_is_422_naming_the_field(api, tenant, body, field):
    r = await api.post("/api/v1/products", headers=tenant.headers(tenant.admin),
                       json=product(**body))
    assert r.status_code == 422, r.text
    assert field in [f["field"] for f in r.json()["fields"]]


async def test_text_is_nfc_never_nfkc(api, tenant):
    r = await api.post("/api/v1/products", headers=tenant.headers(tenant.admin),
                       json=product(name="ค่าน\u0e33 Cafe\u0301"))
    # Composed (NFC), and SARA AM kept whole (NFKC would split it into two code points).
    assert r.json()["name"] == "ค่าน\u0e33 Caf\u00e9"


async def test_list_searches_and_pages(api, tenant):
    admin = tenant.headers(tenant.admin)
    made = []
    for i in range(5):
        made.append((await api.post("/api/v1/products", headers=admin, json=product(
            sku=f"CAM-{i}", name=f"กล้องวงจรปิด รุ่น {i}", name_en=f"CCTV camera {i}",
            active=i != 4))).json())
    await api.post("/api/v1/products", headers=admin, json=product(sku="CABLE-1",
                                                                   name="สายแลน"))
    sales = tenant.headers(tenant.sales3)
    found = (await api.get("/api/v1/products", headers=sales, params={"q": "กล้อง"})).json()
    assert [p["sku"] for p in found["items"]] == ["CAM-4", "CAM-3", "CAM-2", "CAM-1", "CAM-0"]
    assert [p["sku"] for p in (await api.get("/api/v1/products", headers=sales, params={
        "q": "cctv camera 2"})).json()["items"]] == ["CAM-2"]
    assert [p["sku"] for p in (await api.get("/api/v1/products", headers=sales, params={
        "q": "cable"})).json()["items"]] == ["CABLE-1"]
    assert len((await api.get("/api/v1/products", headers=sales, params={
        "q": "cam", "active": "true"})).json()["items"]) == 4
    # "%" is a character to find, not a wildcard.
    assert (await api.get("/api/v1/products", headers=sales,
                          params={"q": "%"})).json()["items"] == []
    seen, cursor = [], None
    while True:
        params = {"q": "cam", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await api.get("/api/v1/products", headers=sales, params=params)).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [p["id"] for p in reversed(made)]

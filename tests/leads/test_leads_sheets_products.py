"""An import's products column (issue 16): catalogue products named by code or name
(Thai or English, any case, separated by `,` `;` or new lines) become the lead's
`product_ids`, so a queue on products takes the imported lead; an unknown or ambiguous
name, or more than 20, is the row's error in Thai and English."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from leads_support import given_product

from crmkit.testing.sheets import xlsx

pytestmark = pytest.mark.integration
IMPORTS = "/api/v1/imports"
Q = {"entity": "lead"}
HEADER = ["ชื่อ", "เบอร์โทร", "อีเมล", "สินค้าที่สนใจ"]


async def _wait(api, headers, job_id):
    for _ in range(600):
        r = await api.get(f"{IMPORTS}/{job_id}", params=Q, headers=headers)
        if r.json()["status"] in ("done", "failed", "cancelled"):
            return r.json()
        await asyncio.sleep(0.1)
    raise AssertionError("the import did not finish")


async def _import(api, h, path, **start):
    with path.open("rb") as f:
        r = await api.post(IMPORTS, params=Q, headers=h, files={"file": (path.name, f)})
    assert r.status_code == 201, r.text
    job = r.json()
    r = await api.post(f"{IMPORTS}/{job['id']}/start", params=Q, headers=h,
                       json={"mapping": job["mapping"], "duplicates": "skip", **start})
    assert r.status_code == 200, r.text
    return job, await _wait(api, h, job["id"])


async def _leads(api, h, tag) -> dict[str, dict]:
    items = (await api.get("/api/v1/leads", headers=h,
                           params={"q": tag, "limit": 50})).json()["items"]
    return {x["name"]: x for x in items}


async def test_products_column_by_code_or_name_and_the_queue(api, tenant, gateway_events,
                                                              leads_db, tmp_path):
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    cam = await given_product(gateway_events, tenant, leads_db, sku=f"CAM-{tag}",
                              name=f"กล้อง {tag}", name_en=f"Camera {tag}")
    nvr = await given_product(gateway_events, tenant, leads_db, sku=f"NVR-{tag}",
                              name=f"เครื่องบันทึก {tag}", name_en=None)
    for _ in range(2):  # two products of one name: a name that says neither
        await given_product(gateway_events, tenant, leads_db, name=f"ติดตั้ง {tag}")
    r = await api.post("/api/v1/queues", headers=h, json={
        "name": f"กล้อง {tag}", "members": [str(tenant.sales2.id)],
        "match": {"product_ids": [cam["id"]]}})
    assert r.status_code == 201, r.text

    rows = [[f"ก {tag}", "0810000001", f"a.{tag}@example.co.th", f"cam-{tag}"],
            [f"ข {tag}", "0810000002", f"b.{tag}@example.co.th",
             f"เครื่องบันทึก {tag}; CAMERA {tag}\nNVR-{tag}"],
            [f"ค {tag}", "0810000003", f"c.{tag}@example.co.th", ""],
            [f"ง {tag}", "0810000004", f"d.{tag}@example.co.th", f"ไม่มีสินค้านี้ {tag}"],
            [f"จ {tag}", "0810000005", f"e.{tag}@example.co.th", f"ติดตั้ง {tag}"]]
    job, done = await _import(api, h, xlsx(tmp_path / "p.xlsx", [HEADER, *rows]))
    assert job["mapping"]["สินค้าที่สนใจ"] == "products"
    assert [p["status"] for p in job["preview"]] == ["ok", "ok", "ok", "failed", "failed"]
    unknown, ambiguous = job["preview"][3]["errors"][0], job["preview"][4]["errors"][0]
    assert (unknown["field"], unknown["code"]) == ("products", "unknown_product")
    assert f"ไม่มีสินค้านี้ {tag}" in unknown["message"]
    assert unknown["message_th"].startswith("ไม่พบสินค้านี้ในแคตตาล็อก")
    assert ambiguous["code"] == "ambiguous_product"
    assert ambiguous["message_th"].startswith("มีสินค้าชื่อนี้มากกว่าหนึ่งรายการ")
    assert (done["created"], done["failed"]) == (3, 2), done

    made = await _leads(api, h, tag)
    assert set(made) == {f"ก {tag}", f"ข {tag}", f"ค {tag}"}
    assert made[f"ก {tag}"]["product_ids"] == [cam["id"]]
    assert made[f"ก {tag}"]["owner_id"] == str(tenant.sales2.id)  # the products queue
    assert made[f"ข {tag}"]["product_ids"] == [nvr["id"], cam["id"]]  # in order, once
    assert made[f"ข {tag}"]["owner_id"] == str(tenant.sales2.id)
    assert made[f"ค {tag}"]["product_ids"] == []
    assert made[f"ค {tag}"]["owner_id"] == str(tenant.admin.id)  # no queue fits

    # `update`: the duplicate's products change through the API's PATCH.
    again = [[f"ค {tag}", "0810000003", f"c.{tag}@example.co.th", f"NVR-{tag}"]]
    _, upd = await _import(api, h, xlsx(tmp_path / "u.xlsx", [HEADER, *again]),
                           duplicates="update")
    assert upd["updated"] == 1, upd
    assert (await _leads(api, h, tag))[f"ค {tag}"]["product_ids"] == [nvr["id"]]


async def test_more_than_20_products_is_the_row_s_error(api, tenant, gateway_events,
                                                        leads_db, tmp_path):
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    skus = [f"P{i}-{tag}" for i in range(21)]
    for sku in skus:
        await given_product(gateway_events, tenant, leads_db, sku=sku, name=f"{sku} ชื่อ")
    row = [f"ก {tag}", "0810000001", f"a.{tag}@example.co.th", ", ".join(skus)]
    job, done = await _import(api, h, xlsx(tmp_path / "p.xlsx", [HEADER, row]))
    assert job["preview"][0]["errors"][0]["code"] == "too_many_products"
    assert (done["created"], done["failed"]) == (0, 1)

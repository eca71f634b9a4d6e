"""Labels (system and personal), lead sources and lost/junk reasons: renamed and retired.
Retired ones stay on (and are shown with) old leads, are left out of the pickers' lists,
and are refused for new use with 409 and a stable code."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration


async def _label(api, h, **body):
    r = await api.post("/api/v1/labels", headers=h, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def test_labels_renamed_and_retired(api, tenant, create_lead, lead_events):
    ha, h1, h2 = (tenant.headers(p) for p in (tenant.admin, tenant.sales1, tenant.sales2))
    vip = await _label(api, ha, name="VIP", scope="system", color="#ff8800")
    mine = await _label(api, h1, name="โทรกลับ")
    other = await _label(api, h2, name="ของปิติ")
    lead = await create_lead(tenant.sales1, label_ids=[vip["id"], mine["id"]])
    created = await lead_events.assert_published("label.created",
                                                 lambda e: e["subject"] == vip["id"])
    assert created["data"]["scope"] == "system" and created["data"]["retired"] is False

    # Who may change what: system labels admins; personal ones their maker only.
    r = await api.patch(f"/api/v1/labels/{vip['id']}", headers=h1, json={"name": "x"})
    assert r.status_code == 403
    r = await api.patch(f"/api/v1/labels/{other['id']}", headers=h1, json={"name": "x"})
    assert r.status_code == 404
    r = await api.patch(f"/api/v1/labels/{other['id']}", headers=ha, json={"retired": True})
    assert r.status_code == 404  # another user's personal label, admins included
    r = await api.patch(f"/api/v1/labels/{mine['id']}", headers=h1, json={"name": "โทรกลับด่วน"})
    assert r.status_code == 200 and r.json()["name"] == "โทรกลับด่วน"
    await _label(api, h1, name="ซ้ำ")
    r = await api.patch(f"/api/v1/labels/{mine['id']}", headers=h1, json={"name": "ซ้ำ"})
    assert r.status_code == 409 and r.json()["code"] == "already_exists"
    # sales2 may have a personal label of the same name as sales1's
    r = await api.patch(f"/api/v1/labels/{other['id']}", headers=h2, json={"name": "โทรกลับด่วน"})
    assert r.status_code == 200

    r = await api.patch(f"/api/v1/labels/{vip['id']}", headers=ha,
                        json={"name": "ลูกค้า VIP", "retired": True})
    assert r.status_code == 200 and r.json()["retired"] is True
    updated = await lead_events.assert_published("label.updated",
                                                 lambda e: e["subject"] == vip["id"])
    assert updated["data"]["changed"] == ["name", "retired"] and updated["sequence"] == 2

    # Not offered…
    names = [la["name"] for la in (await api.get("/api/v1/labels", headers=h1)).json()]
    assert "ลูกค้า VIP" not in names and "โทรกลับด่วน" in names and "ของปิติ" not in names
    every = (await api.get("/api/v1/labels", headers=h1,
                           params={"include_retired": "true"})).json()
    assert {la["name"]: la["retired"] for la in every}["ลูกค้า VIP"] is True
    # … still on the old lead …
    got = (await api.get(f"/api/v1/leads/{lead['id']}", headers=h1)).json()
    assert set(got["label_ids"]) == {vip["id"], mine["id"]}
    # … and refused for new ones, on create and on an existing lead.
    r = await api.post("/api/v1/leads", headers=h1, json={
        "name": "ใหม่", "phone": "0812345678", "email": "n@example.co.th", "source": "website",
        "label_ids": [vip["id"]]})
    assert r.status_code == 409 and r.json()["code"] == "label_retired"
    assert r.json()["fields"][0]["field"] == "body.label_ids"
    other_lead = await create_lead(tenant.sales1)
    r = await api.put(f"/api/v1/leads/{other_lead['id']}/labels/{vip['id']}", headers=ha)
    assert r.status_code == 409 and r.json()["code"] == "label_retired"
    # Taking it off is allowed (the admin never sees sales1's personal label).
    r = await api.delete(f"/api/v1/leads/{lead['id']}/labels/{vip['id']}", headers=ha)
    assert r.status_code == 200 and r.json()["label_ids"] == []
    r = await api.get(f"/api/v1/leads/{lead['id']}", headers=h1)
    assert r.status_code == 200 and r.json()["label_ids"] == [mine["id"]]
    # Brought back, it may be used again.
    r = await api.patch(f"/api/v1/labels/{vip['id']}", headers=ha, json={"retired": False})
    assert r.status_code == 200 and r.json()["retired"] is False
    r = await api.put(f"/api/v1/leads/{other_lead['id']}/labels/{vip['id']}", headers=ha)
    assert r.status_code == 200

    for body in ({"name": ""}, {"name": None}, {"color": "red"}, {"retired": "maybe"},
                 {"scope": "system"}):
        r = await api.patch(f"/api/v1/labels/{mine['id']}", headers=h1, json=body)
        assert r.status_code == 422 and r.json()["fields"], body
    r = await api.patch(f"/api/v1/labels/{uuid.uuid4()}", headers=h1, json={"name": "x"})
    assert r.status_code == 404


async def test_sources_renamed_and_retired(api, tenant, create_lead, lead_events):
    ha, h1 = tenant.headers(tenant.admin), tenant.headers(tenant.sales1)
    r = await api.post("/api/v1/lead-sources", headers=ha, json={"key": "tiktok",
                                                                 "name": "TikTok"})
    assert r.status_code == 201
    await lead_events.assert_published("lead_source.created",
                                       lambda e: e["data"]["source"] == "tiktok")
    lead = await create_lead(tenant.sales1, source="tiktok")  # (caches the source)
    r = await api.patch("/api/v1/lead-sources/tiktok", headers=h1, json={"retired": True})
    assert r.status_code == 403
    r = await api.patch("/api/v1/lead-sources/tiktok", headers=ha,
                        json={"name": "ติ๊กต็อก", "retired": True})
    assert r.status_code == 200, r.text
    assert r.json() == {"key": "tiktok", "name": "ติ๊กต็อก", "position": 8, "retired": True}
    event = await lead_events.assert_published("lead_source.updated",
                                               lambda e: e["data"]["source"] == "tiktok")
    assert event["data"]["changed"] == ["name", "retired"]

    keys = [s["key"] for s in (await api.get("/api/v1/lead-sources", headers=h1)).json()]
    assert "tiktok" not in keys
    every = (await api.get("/api/v1/lead-sources", headers=h1,
                           params={"include_retired": True})).json()
    assert [s for s in every if s["key"] == "tiktok"][0]["retired"] is True
    r = await api.post("/api/v1/leads", headers=h1, json={
        "name": "ใหม่", "phone": "0812345678", "email": "n@example.co.th",
        "source": "tiktok"})
    assert r.status_code == 409 and r.json()["code"] == "source_retired", r.text
    assert r.json()["fields"][0]["field"] == "body.source"
    # The old lead keeps it, and may be edited without choosing another.
    r = await api.patch(f"/api/v1/leads/{lead['id']}", headers=h1, json={"note": "ยังอยู่"})
    assert r.status_code == 200 and r.json()["source"] == "tiktok"
    r = await api.patch(f"/api/v1/leads/{lead['id']}", headers=h1, json={"source": "line"})
    assert r.status_code == 200
    r = await api.patch(f"/api/v1/leads/{lead['id']}", headers=h1, json={"source": "tiktok"})
    assert r.status_code == 409 and r.json()["code"] == "source_retired"
    r = await api.patch("/api/v1/lead-sources/tiktok", headers=ha, json={"retired": False})
    assert r.status_code == 200
    assert (await create_lead(tenant.sales1, source="tiktok"))["source"] == "tiktok"

    r = await api.patch("/api/v1/lead-sources/nosuch", headers=ha, json={"name": "x"})
    assert r.status_code == 404
    for key, body in (("tiktok", {"key": "x"}), ("tiktok", {"name": ""}),
                      ("Bad-Key", {"name": "x"}), ("tiktok", {"retired": None}),
                      ("tiktok", {"retired": 0}), ("tiktok", {"retired": "false"})):
        r = await api.patch(f"/api/v1/lead-sources/{key}", headers=ha, json=body)
        assert r.status_code == 422, (key, body, r.text)


async def test_reasons_renamed_and_retired(api, tenant, create_lead, lead_events):
    ha, h1 = tenant.headers(tenant.admin), tenant.headers(tenant.sales1)
    r = await api.post("/api/v1/lead-reasons", headers=ha, json={"kind": "lost",
                                                                 "text": "ไปซื้อเจ้าอื่น"})
    assert r.status_code == 201
    reason = r.json()
    lead = await create_lead(tenant.sales1)
    r = await api.post(f"/api/v1/leads/{lead['id']}/lost", headers=h1,
                       json={"reason": "ไปซื้อเจ้าอื่น"})
    assert r.status_code == 200
    r = await api.patch(f"/api/v1/lead-reasons/{reason['id']}", headers=ha,
                        json={"text": "ซื้อกับคู่แข่ง"})
    assert r.status_code == 200 and r.json()["text"] == "ซื้อกับคู่แข่ง"
    # A new reason may take the old text (the renamed one keeps its id).
    r = await api.post("/api/v1/lead-reasons", headers=ha, json={"kind": "lost",
                                                                 "text": "ไปซื้อเจ้าอื่น"})
    assert r.status_code == 201 and r.json()["id"] != reason["id"]
    r = await api.patch(f"/api/v1/lead-reasons/{reason['id']}", headers=ha,
                        json={"text": "ไปซื้อเจ้าอื่น"})
    assert r.status_code == 409 and r.json()["code"] == "already_exists"
    r = await api.patch(f"/api/v1/lead-reasons/{reason['id']}", headers=h1,
                        json={"retired": True})
    assert r.status_code == 403
    r = await api.patch(f"/api/v1/lead-reasons/{reason['id']}", headers=ha,
                        json={"retired": True})
    assert r.status_code == 200 and r.json()["retired"] is True
    events = sorted((e for e in lead_events.of_type("lead_reason.updated")
                     if e["subject"] == reason["id"]), key=lambda e: e["sequence"])
    if len(events) < 2:
        await lead_events.assert_published(
            "lead_reason.updated", lambda e: e["subject"] == reason["id"] and
            e["sequence"] == 3)
        events = sorted((e for e in lead_events.of_type("lead_reason.updated")
                         if e["subject"] == reason["id"]), key=lambda e: e["sequence"])
    assert [e["data"]["changed"] for e in events] == [["text"], ["retired"]]

    texts = [x["text"] for x in (await api.get("/api/v1/lead-reasons", headers=h1,
                                               params={"kind": "lost"})).json()]
    assert "ซื้อกับคู่แข่ง" not in texts
    other = await create_lead(tenant.sales1)
    r = await api.post(f"/api/v1/leads/{other['id']}/lost", headers=h1,
                       json={"reason": "ซื้อกับคู่แข่ง"})
    assert r.status_code == 409 and r.json()["code"] == "reason_retired"
    assert r.json()["fields"][0]["field"] == "body.reason"
    r = await api.post(f"/api/v1/leads/{other['id']}/junk", headers=h1,
                       json={"reason": "ซื้อกับคู่แข่ง"})  # a lost reason's text: free text here
    assert r.status_code == 200
    # The lost lead keeps its reason as written then.
    got = (await api.get(f"/api/v1/leads/{lead['id']}", headers=h1)).json()
    assert got["reason"] == "ไปซื้อเจ้าอื่น"
    for body in ({"text": ""}, {"kind": "junk"}, {"retired": 1.5}):
        r = await api.patch(f"/api/v1/lead-reasons/{reason['id']}", headers=ha, json=body)
        assert r.status_code == 422, body

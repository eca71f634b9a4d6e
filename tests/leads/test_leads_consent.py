"""Consent revocation (PDPA, issue 17): withdrawn and given again on a lead, when, how and by
whom; the history, the event, the list's and the export's marking; visibility."""

from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.integration


async def _export(api, h, lead_name: str) -> str:
    r = await api.post("/api/v1/exports", params={"entity": "lead"}, headers=h, json={
        "format": "csv", "filters": {"q": lead_name},
        "columns": ["name", "marketing", "consent_change"]})
    assert r.status_code == 202, r.text
    for _ in range(300):
        job = (await api.get(f"/api/v1/exports/{r.json()['id']}", params={"entity": "lead"},
                             headers=h)).json()
        if job["status"] != "running":
            break
        await asyncio.sleep(0.1)
    assert job["status"] == "done", job
    r = await api.get(f"/api/v1/exports/{job['id']}/download", params={"entity": "lead"},
                      headers=h)
    assert r.status_code == 200, r.text
    return r.content.decode("utf-8-sig")


async def test_revoke_and_grant_are_recorded(api, tenant, create_lead, lead_events):
    import uuid

    name = f"คุณถอนความยินยอม {uuid.uuid4().hex[:6]}"
    h = tenant.headers(tenant.sales1, "own")
    lead = await create_lead(tenant.sales1, name=name)
    assert lead["marketing"] is None and lead["consent_change"] is None
    base = f"/api/v1/leads/{lead['id']}/consent"

    r = await api.post(f"{base}/revoke", headers=h, json={
        "channel": "phone", "note": "โทรมาขอไม่รับโปรโมชัน"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["marketing"] is False
    change = body["consent_change"]
    assert change["action"] == "revoked" and change["scope"] == "marketing"
    assert change["channel"] == "phone" and change["note"] == "โทรมาขอไม่รับโปรโมชัน"
    assert change["by_user_id"] == str(tenant.sales1.id) and change["at"]
    event = await lead_events.assert_published(
        "lead.consent_changed", lambda e: e["subject"] == lead["id"])
    assert event["data"]["action"] == "revoked" and event["data"]["marketing"] is False
    assert event["data"]["by_user_id"] == str(tenant.sales1.id)

    # The same again is 409; a wider scope (all) is taken.
    r = await api.post(f"{base}/revoke", headers=h, json={"channel": "email"})
    assert r.status_code == 409 and r.json()["code"] == "already_revoked", r.text
    r = await api.post(f"{base}/revoke", headers=h, json={"channel": "email", "scope": "all"})
    assert r.status_code == 200 and r.json()["consent_change"]["scope"] == "all"
    r = await api.post(f"{base}/revoke", headers=h, json={"channel": "email"})
    assert r.status_code == 409, r.text

    # The list marks it; the export says no and when.
    listed = (await api.get("/api/v1/leads", headers=h, params={"q": name})).json()["items"]
    assert [(x["id"], x["marketing"]) for x in listed] == [(lead["id"], False)]
    csv = await _export(api, h, name)
    assert ",no,revoked all " in csv and "(email)" in csv, csv

    r = await api.post(f"{base}/grant", headers=h, json={
        "channel": "line", "marketing": True, "note": "ขอรับข่าวสารอีกครั้งทาง LINE"})
    assert r.status_code == 200, r.text
    assert r.json()["marketing"] is True and r.json()["consent_change"]["action"] == "granted"
    csv = await _export(api, h, name)
    assert ",yes,granted all " in csv, csv

    history = (await api.get(f"/api/v1/leads/{lead['id']}/history", headers=h)).json()
    changes = [(e["kind"], e["detail"]["channel"], e["author"]["id"]) for e in history
               if e["kind"].startswith("consent_")]
    assert changes == [("consent_revoked", "phone", str(tenant.sales1.id)),
                       ("consent_revoked", "email", str(tenant.sales1.id)),
                       ("consent_granted", "line", str(tenant.sales1.id))]
    first = next(e for e in history if e["kind"] == "consent_revoked")
    assert first["note"] == "โทรมาขอไม่รับโปรโมชัน" and first["detail"]["before"] is None


@pytest.mark.parametrize("body", [
    {}, {"channel": "pigeon"}, {"channel": "phone", "scope": "some"},
    {"channel": "phone", "extra": 1}, {"channel": "phone", "note": "x" * 501}])
async def test_revoke_refuses_bad_input(api, tenant, create_lead, body):
    lead = await create_lead(tenant.sales1)
    r = await api.post(f"/api/v1/leads/{lead['id']}/consent/revoke",
                       headers=tenant.headers(tenant.sales1), json=body)
    assert r.status_code == 422, r.text
    assert r.json()["fields"]


@pytest.mark.parametrize("who, visibility, revoke, grant", [
    ("sales1", "own", 200, 200), ("sales2", "own", 404, 404), ("manager", "team", 200, 200),
    ("sales3", "team", 404, 404), ("admin", "all", 200, 200)])
async def test_consent_visibility_as_leads(api, tenant, create_lead, who, visibility, revoke,
                                           grant):
    lead = await create_lead(tenant.sales1)
    h = tenant.headers(getattr(tenant, who), visibility)
    r = await api.post(f"/api/v1/leads/{lead['id']}/consent/revoke", headers=h,
                       json={"channel": "in_person"})
    assert r.status_code == revoke, r.text
    r = await api.post(f"/api/v1/leads/{lead['id']}/consent/grant", headers=h,
                       json={"channel": "in_person", "marketing": False})
    assert r.status_code == grant, r.text

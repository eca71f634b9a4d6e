"""Qualify and disqualify a lead (issue 16): the answers in its history, its events, the
list's `qualified=` filter, visibility as for every lead action."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


async def _ids(api, h, **params):
    r = await api.get("/api/v1/leads", headers=h, params=params)
    assert r.status_code == 200, r.text
    return {item["id"] for item in r.json()["items"]}


async def test_qualify_history_events_and_filter(api, tenant, create_lead, lead_events):
    h = tenant.headers(tenant.sales1, "own")
    lead = await create_lead(tenant.sales1)
    other = await create_lead(tenant.sales1)
    assert lead["qualification"] is None
    base = f"/api/v1/leads/{lead['id']}"

    answers = {"need": "ระบบ CRM สำหรับทีมขาย 12 คน", "budget": "150000.50",
               "timeframe": "ภายใน 3 เดือน", "score": 80}
    r = await api.post(f"{base}/qualify", headers=h, json=answers)
    assert r.status_code == 200, r.text
    assert r.json()["qualification"] == "qualified" and r.json()["box"] == "inbox"
    event = await lead_events.assert_published(
        "lead.qualified", lambda e: e["subject"] == lead["id"])
    assert event["dataversion"] == "1"
    assert event["data"]["need"] == answers["need"] and event["data"]["score"] == 80
    assert event["data"]["budget"] == "150000.50"
    assert event["data"]["qualification"] == "qualified"
    assert event["data"]["by_user_id"] == str(tenant.sales1.id)

    assert lead["id"] in await _ids(api, h, qualified="true")
    assert other["id"] not in await _ids(api, h, qualified="true")
    assert other["id"] in await _ids(api, h, qualified="false")

    r = await api.post(f"{base}/disqualify", headers=h, json={"reason": "ไม่มีงบประมาณจริง"})
    assert r.status_code == 200 and r.json()["qualification"] == "disqualified"
    assert r.json()["box"] == "inbox"  # the lost/junk boxes stay as they are
    r = await api.post(f"{base}/disqualify", headers=h, json={"reason": "อีกครั้ง"})
    assert r.status_code == 409 and r.json()["code"] == "already_disqualified"
    event = await lead_events.assert_published(
        "lead.disqualified", lambda e: e["subject"] == lead["id"])
    assert event["data"]["disqualify_reason"] == "ไม่มีงบประมาณจริง"
    assert lead["id"] in await _ids(api, h, qualified="false")

    # Qualified again: the new answers beside the old ones, nothing rewritten.
    r = await api.post(f"{base}/qualify", headers=h, json={"need": "ขอเดโมก่อน"})
    assert r.status_code == 200 and r.json()["qualification"] == "qualified"
    history = (await api.get(f"{base}/history", headers=h)).json()
    judged = [(e["kind"], e["note"], e["detail"]) for e in history
              if e["kind"] in ("qualified", "disqualified")]
    assert [k for k, _, _ in judged] == ["qualified", "disqualified", "qualified"]
    first = judged[0][2]
    assert first["need"] == answers["need"] and first["budget"] == "150000.50"
    assert first["timeframe"] == "ภายใน 3 เดือน" and first["score"] == 80
    assert first["from"] is None
    assert judged[1][1] == "ไม่มีงบประมาณจริง" and judged[1][2]["from"] == "qualified"
    assert judged[2][2]["from"] == "disqualified" and judged[2][2]["budget"] is None
    assert all(e["author"]["id"] == str(tenant.sales1.id) for e in history
               if e["kind"] in ("qualified", "disqualified"))


@pytest.mark.parametrize("body", [
    {}, {"need": ""}, {"need": "   "}, {"need": "x", "score": 101}, {"need": "x", "score": -1},
    {"need": "x", "budget": "-5"}, {"need": "x", "budget": "abc"}, {"need": "x", "extra": 1},
    {"need": "x" * 2001},
])
async def test_qualify_refuses_bad_answers(api, tenant, create_lead, body):
    lead = await create_lead(tenant.sales1)
    r = await api.post(f"/api/v1/leads/{lead['id']}/qualify",
                       headers=tenant.headers(tenant.sales1), json=body)
    assert r.status_code == 422, r.text
    assert r.json()["fields"]


async def test_disqualify_needs_a_reason(api, tenant, create_lead):
    lead = await create_lead(tenant.sales1)
    h = tenant.headers(tenant.sales1)
    for body in ({}, {"reason": " "}):
        r = await api.post(f"/api/v1/leads/{lead['id']}/disqualify", headers=h, json=body)
        assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.reason"


@pytest.mark.parametrize("who, visibility, expected", [
    ("sales1", "own", 200), ("sales2", "own", 404), ("manager", "team", 200),
    ("sales3", "team", 404), ("admin", "all", 200)])
async def test_qualify_visibility_as_leads(api, tenant, create_lead, who, visibility,
                                           expected):
    lead = await create_lead(tenant.sales1)
    h = tenant.headers(getattr(tenant, who), visibility)
    r = await api.post(f"/api/v1/leads/{lead['id']}/qualify", headers=h, json={"need": "x"})
    assert r.status_code == expected, r.text
    r = await api.post(f"/api/v1/leads/{lead['id']}/disqualify", headers=h,
                       json={"reason": "ไม่ใช่กลุ่มเป้าหมาย"})
    assert r.status_code == expected, r.text


async def test_a_segment_of_qualified_leads_lists_and_exports_them(api, tenant, create_lead):
    """`qualified` is one of the list's filters, so a saved segment may store it; the list
    and an export through that segment both apply it."""
    import asyncio
    import uuid

    tag = uuid.uuid4().hex[:6]
    h = tenant.headers(tenant.sales1, "own")
    good = await create_lead(tenant.sales1, name=f"ผ่าน {tag}")
    await create_lead(tenant.sales1, name=f"ยังไม่คัด {tag}")
    r = await api.post(f"/api/v1/leads/{good['id']}/qualify", headers=h, json={"need": "x"})
    assert r.status_code == 200, r.text
    r = await api.post("/api/v1/segments", params={"entity": "lead"}, headers=h, json={
        "name": f"ผ่านการคัดกรอง {tag}", "filters": {"qualified": "true", "q": tag}})
    assert r.status_code == 201, r.text
    segment = r.json()["id"]
    assert await _ids(api, h, segment=segment) == {good["id"]}
    r = await api.post("/api/v1/exports", params={"entity": "lead"}, headers=h, json={
        "format": "csv", "filters": {"segment": segment}, "columns": ["name"]})
    assert r.status_code == 202, r.text
    for _ in range(300):
        job = (await api.get(f"/api/v1/exports/{r.json()['id']}", params={"entity": "lead"},
                             headers=h)).json()
        if job["status"] != "running":
            break
        await asyncio.sleep(0.1)
    assert job["status"] == "done" and job["rows"] == 1, job

"""Actions (send, lost, junk, restore, stage), the lead's history and their events."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


async def _pipelines(api, h):
    return (await api.get("/api/v1/pipelines", headers=h)).json()


async def test_actions_history_and_events(api, tenant, create_lead, lead_events):
    h = tenant.headers(tenant.sales1)
    lead = await create_lead(tenant.sales1)
    base = f"/api/v1/leads/{lead['id']}"
    stages = (await _pipelines(api, h))[0]["stages"]

    r = await api.post(f"{base}/lost", headers=h, json={})
    assert r.status_code == 422 and "reason" in r.text          # reason-less lost
    r = await api.post(f"{base}/lost", headers=h, json={"reason": "   "})
    assert r.status_code == 422
    r = await api.post(f"{base}/lost", headers=h, json={"reason": "ราคาสูงเกินไป"})
    assert r.status_code == 200 and r.json()["box"] == "lost"
    assert r.json()["reason"] == "ราคาสูงเกินไป"
    assert (await api.post(f"{base}/lost", headers=h, json={"reason": "x"})).status_code == 409
    r = await api.post(f"{base}/restore", headers=h)
    assert r.status_code == 200 and r.json()["box"] == "inbox" and r.json()["reason"] is None
    assert (await api.post(f"{base}/restore", headers=h)).status_code == 409
    r = await api.post(f"{base}/junk", headers=h, json={"reason": "ลูกค้าทดสอบระบบ"})  # free text
    assert r.status_code == 200 and r.json()["box"] == "junk"
    r = await api.post(f"{base}/stage", headers=h, json={"stage_id": stages[2]["id"]})
    assert r.status_code == 200 and r.json()["stage_id"] == stages[2]["id"]
    r = await api.post(f"{base}/followups", headers=h,
                       json={"channel": "line", "note": "ส่งใบเสนอราคาทางไลน์",
                             "next_contact_at": "2026-12-01T10:00:00+07:00"})
    assert r.status_code == 201, r.text
    assert r.json()["author"] == {"id": str(tenant.sales1.id), "name": tenant.sales1.name}
    r = await api.post(f"{base}/send", headers=h,
                       json={"to_user_id": str(tenant.sales2.id), "note": "ฝากดูแลต่อ"})
    assert r.status_code == 200, r.text
    sent = r.json()
    assert sent["owner_id"] == str(tenant.sales2.id) and sent["box"] == "inbox"
    assert sent["sent_by"] == [str(tenant.sales1.id)] and sent["version"] == 7

    history = (await api.get(f"{base}/history", headers=h)).json()
    assert [e["kind"] for e in history] == ["created", "lost", "restored", "junked",
                                           "stage_changed", "followup", "sent"]
    assert history[1]["note"] == "ราคาสูงเกินไป"
    assert history[4]["detail"]["to_stage_id"] == stages[2]["id"]
    assert history[6]["detail"]["to_user_id"] == str(tenant.sales2.id)
    assert (await api.get(f"{base}/followups", headers=h)).json() == history
    follow = (await api.get(f"{base}/followups", headers=h, params={"kind": "followup"})).json()
    assert [(f["channel"], f["note"]) for f in follow] == [("line", "ส่งใบเสนอราคาทางไลน์")]
    assert follow[0]["next_contact_at"].startswith("2026-12-01T03:00:00")

    def mine(e):
        return e["subject"] == lead["id"]

    types = ["lead.created", "lead.lost", "lead.restored", "lead.junked",
             "lead.stage_changed", "lead.followup_logged", "lead.sent"]
    got = [await lead_events.assert_published(t, mine) for t in types]
    assert [e["sequence"] for e in got] == list(range(1, 8))
    assert got[1]["data"]["box"] == "lost" and got[1]["data"]["reason"] == "ราคาสูงเกินไป"
    assert got[4]["data"]["from_stage_id"] == stages[0]["id"]
    assert got[4]["data"]["to_stage_id"] == stages[2]["id"]
    assert got[5]["data"]["followup"]["channel"] == "line"
    assert got[6]["data"]["from_user_id"] == str(tenant.sales1.id)
    assert got[6]["data"]["to_user_id"] == str(tenant.sales2.id)
    assert got[6]["data"]["owner_id"] == str(tenant.sales2.id)


async def test_patch_updates_and_refuses_status(api, tenant, create_lead, lead_events):
    h = tenant.headers(tenant.sales1)
    lead = await create_lead(tenant.sales1)
    base = f"/api/v1/leads/{lead['id']}"
    r = await api.patch(base, headers=h, json={"phone": "๐๒-๑๒๓-๔๕๖๗", "company": "ร้านใหม่",
                                               "potential": 9999.99})
    assert r.status_code == 200, r.text
    assert r.json()["phone"] == "+6621234567" and r.json()["potential"] == "9999.99"
    event = await lead_events.assert_published("lead.updated",
                                               lambda e: e["subject"] == lead["id"])
    assert event["data"]["changed"] == ["company", "phone", "potential"]
    for body in ({"box": "lost"}, {"status": "lost"}, {"stage_id": lead["stage_id"]},
                 {"name": None}, {"phone": "abc"}):
        assert (await api.patch(base, headers=h, json=body)).status_code == 422, body
    r = await api.patch(base, headers=h, json={"owner_id": str(tenant.sales2.id)})
    assert r.status_code == 200 and r.json()["owner_id"] == str(tenant.sales2.id)


async def test_send_needs_an_active_recipient(api, tenant, create_lead, gateway_events,
                                              leads_db):
    from leads_support import wait_for_users

    h = tenant.headers(tenant.sales1)
    lead = await create_lead(tenant.sales1)
    base = f"/api/v1/leads/{lead['id']}"
    r = await api.post(f"{base}/send", headers=h, json={"to_user_id": str(tenant.sales1.id)})
    assert r.status_code == 409
    await gateway_events.user(tenant, tenant.sales3, "user.deactivated", active=False)
    await wait_for_users(leads_db.owner_url, tenant.id, [tenant.sales3.id], active=False)
    r = await api.post(f"{base}/send", headers=h, json={"to_user_id": str(tenant.sales3.id)})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.to_user_id"
    # a stale event (older sequence) does not bring the user back
    await gateway_events.user(tenant, tenant.sales3, "user.updated", sequence=1)
    await gateway_events.user(tenant, tenant.sales2, "user.updated")
    await wait_for_users(leads_db.owner_url, tenant.id, [tenant.sales3.id], active=False)


@pytest.mark.parametrize("role, allow, expected", [
    ("sales1", False, 409), ("sales1", True, 200), ("admin", False, 200)])
async def test_stage_back_rule(api, tenant, create_lead, role, allow, expected):
    person = getattr(tenant, role)
    lead = await create_lead(person)
    h = tenant.headers(person, allow_stage_back=allow)
    stages = (await _pipelines(api, h))[0]["stages"]
    base = f"/api/v1/leads/{lead['id']}/stage"
    assert (await api.post(base, headers=h, json={"stage_id": stages[3]["id"]})).status_code == 200
    r = await api.post(base, headers=h, json={"stage_id": stages[1]["id"]})
    assert r.status_code == expected, r.text
    if expected == 409:
        assert "allow_stage_back" in r.json()["message"]


async def _other_pipeline(api, tenant):
    r = await api.post("/api/v1/pipelines", headers=tenant.headers(tenant.admin), json={
        "name": "งานโครงการ", "name_en": "Projects",
        "stages": [{"name": "สำรวจ"}, {"name": "ออกแบบ"}, {"name": "ติดตั้ง"}]})
    assert r.status_code == 201, r.text
    return r.json()


@pytest.mark.parametrize("role, allow, expected", [
    ("sales1", False, 409), ("sales1", True, 200), ("admin", False, 200)])
async def test_stage_back_rule_holds_across_a_detour_through_another_pipeline(
        api, tenant, create_lead, role, allow, expected):
    """Stage 3 of P → another pipeline → stage 1 of P is a move back like P3 → P1."""
    other = await _other_pipeline(api, tenant)
    person = getattr(tenant, role)
    h = tenant.headers(person, allow_stage_back=allow)
    std = (await _pipelines(api, h))[0]
    lead = await create_lead(person)
    base = f"/api/v1/leads/{lead['id']}/stage"
    for stage in (std["stages"][3], other["stages"][0]):
        r = await api.post(base, headers=h, json={"stage_id": stage["id"]})
        assert r.status_code == 200, r.text
    r = await api.post(base, headers=h, json={"stage_id": std["stages"][1]["id"]})
    assert r.status_code == expected, r.text
    if expected == 409:
        assert "allow_stage_back" in r.json()["message"]
        assert std["stages"][3]["name"] in r.json()["message"]
        lead_now = (await api.get(f"/api/v1/leads/{lead['id']}", headers=h)).json()
        assert lead_now["stage_id"] == other["stages"][0]["id"]
        # where it left off, or further on, is a move forward
        for stage in (std["stages"][3], other["stages"][1], std["stages"][4]):
            r = await api.post(base, headers=h, json={"stage_id": stage["id"]})
            assert r.status_code == 200, r.text


async def test_an_admins_move_back_lets_sales_go_on_from_there(api, tenant, create_lead):
    other = await _other_pipeline(api, tenant)
    hs, ha = tenant.headers(tenant.sales1), tenant.headers(tenant.admin)
    std = (await _pipelines(api, hs))[0]
    lead = await create_lead(tenant.sales1)
    base = f"/api/v1/leads/{lead['id']}/stage"
    moves = [(hs, std["stages"][4], 200), (hs, other["stages"][0], 200),
             (ha, std["stages"][1], 200),            # the admin sets it back in P
             (hs, other["stages"][0], 200),          # it leaves P from stage 1 now
             (hs, std["stages"][2], 200),            # so stage 2 is forward
             (hs, std["stages"][1], 409)]
    for h, stage, expected in moves:
        r = await api.post(base, headers=h, json={"stage_id": stage["id"]})
        assert r.status_code == expected, (stage["name"], r.text)


async def test_stage_of_another_pipeline_moves_the_lead(api, tenant, create_lead):
    ha = tenant.headers(tenant.admin)
    r = await api.post("/api/v1/pipelines", headers=ha, json={
        "name": "งานโครงการ", "name_en": "Projects",
        "stages": [{"name": "สำรวจ"}, {"name": "ออกแบบ"}, {"name": "ติดตั้ง"}]})
    assert r.status_code == 201, r.text
    other = r.json()
    lead = await create_lead(tenant.sales1)
    h = tenant.headers(tenant.sales1)
    std = (await _pipelines(api, h))[0]
    await api.post(f"/api/v1/leads/{lead['id']}/stage", headers=h,
                   json={"stage_id": std["stages"][4]["id"]})
    # the other pipeline's first stage is "earlier" by position, yet allowed: it is a move
    r = await api.post(f"/api/v1/leads/{lead['id']}/stage", headers=h,
                       json={"stage_id": other["stages"][0]["id"]})
    assert r.status_code == 200
    assert r.json()["pipeline_id"] == other["id"]


async def test_followups_have_no_update_or_delete_route(api, tenant, create_lead):
    h = tenant.headers(tenant.sales1)
    lead = await create_lead(tenant.sales1)
    base = f"/api/v1/leads/{lead['id']}/followups"
    r = await api.post(base, headers=h, json={"channel": "phone", "note": "โทรครั้งแรก"})
    fid = r.json()["id"]
    for method in ("PUT", "PATCH", "DELETE"):
        r = await api.request(method, base, headers=h)
        assert r.status_code == 405 and r.headers["allow"] == "GET, POST", r.text
        assert r.json()["message"] == f"{method} is not allowed here; use GET, POST"
        r = await api.request(method, f"{base}/{fid}", headers=h, json={"note": "แก้"})
        assert r.status_code == 405 and r.headers["allow"] == "GET", r.text
        assert r.json() == {"code": "method_not_allowed", "fields": [],
                            "message": f"{method} is not allowed here; use GET"}
    r = await api.get(f"{base}/{fid}", headers=h)
    assert r.status_code == 200 and r.json()["note"] == "โทรครั้งแรก"
    assert r.json()["kind"] == "followup" and r.json()["id"] == fid
    assert r.json()["author"] == {"id": str(tenant.sales1.id), "name": tenant.sales1.name}
    # another lead's entry, an unknown one, and a lead the caller may not see: 404
    other = await create_lead(tenant.sales1)
    r = await api.get(f"/api/v1/leads/{other['id']}/followups/{fid}", headers=h)
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert (await api.get(f"{base}/{2**63 - 1}", headers=h)).status_code == 404
    assert (await api.get(f"{base}/{2**63}", headers=h)).status_code == 422
    r = await api.get(f"{base}/{fid}", headers=tenant.headers(tenant.sales2, "own"))
    assert r.status_code == 404
    r = await api.post(base, headers=h, json={"channel": "fax", "note": "x"})
    assert r.status_code == 422


@pytest.mark.parametrize("moment", [1796083200, 1796083200.5, "1796083200", "0.5",
                                    "2026-12-01T10:00:00", "2026-12-01", "พรุ่งนี้"])
async def test_next_contact_is_iso_8601_with_a_zone(api, tenant, create_lead, moment):
    """crmkit.fields.Instant, as activities: a number (of seconds since 1970) or a time
    without its zone is 422 naming the field, never taken as a moment."""
    lead = await create_lead(tenant.sales1)
    r = await api.post(f"/api/v1/leads/{lead['id']}/followups",
                       headers=tenant.headers(tenant.sales1),
                       json={"channel": "phone", "note": "โทรแล้ว", "next_contact_at": moment})
    assert r.status_code == 422, r.text
    assert r.json()["fields"][0]["field"] == "body.next_contact_at"

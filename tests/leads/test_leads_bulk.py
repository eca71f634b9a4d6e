"""Bulk actions: one request, a result per lead; visibility as for the single actions (a
colleague's lead under `own` is reported, not changed); the same history and events; all
that match the list's filter; safe to retry with Idempotency-Key; bad input 4xx."""

from __future__ import annotations

import asyncio
import uuid

import pytest

pytestmark = pytest.mark.integration
BULK = "/api/v1/leads/bulk"


def _by_id(answer):
    return {r["lead_id"]: r for r in answer["results"]}


async def test_bulk_send_history_and_events(api, tenant, create_lead, lead_events):
    h1 = tenant.headers(tenant.sales1)
    leads = [await create_lead(tenant.sales1) for _ in range(3)]
    ids = [lead["id"] for lead in leads]
    r = await api.post(BULK, headers=h1, json={
        "action": "send", "lead_ids": ids, "to_user_id": str(tenant.sales2.id),
        "note": "ฝากดูแลต่อ"})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["done"], answer["not_found"], answer["refused"]) == (3, 0, 0)
    assert [x["lead_id"] for x in answer["results"]] == ids  # the order asked
    for lead in leads:
        got = (await api.get(f"/api/v1/leads/{lead['id']}",
                             headers=tenant.headers(tenant.sales2))).json()
        assert got["owner_id"] == str(tenant.sales2.id)
        assert got["sent_by"] == [str(tenant.sales1.id)]
        history = (await api.get(f"/api/v1/leads/{lead['id']}/history", headers=h1)).json()
        assert history[-1]["kind"] == "sent" and history[-1]["note"] == "ฝากดูแลต่อ"
        event = await lead_events.assert_published(
            "lead.sent", lambda e, i=lead["id"]: e["subject"] == i)
        assert event["data"]["to_user_id"] == str(tenant.sales2.id)
        assert event["data"]["send_note"] == "ฝากดูแลต่อ"


async def test_own_visibility_reports_what_may_not_be_changed(api, tenant, create_lead):
    """sales1 under `own`: a colleague's lead is not_found (as a single action would be:
    404), one sales1 only sent on is refused (403 read_only), the rest done."""
    h1 = tenant.headers(tenant.sales1, "own")
    mine = [await create_lead(tenant.sales1) for _ in range(2)]
    colleagues = await create_lead(tenant.sales2)
    passed_on = await create_lead(tenant.sales1)
    r = await api.post(f"/api/v1/leads/{passed_on['id']}/send", headers=h1,
                       json={"to_user_id": str(tenant.sales3.id)})
    assert r.status_code == 200
    missing = str(uuid.uuid4())
    ids = [mine[0]["id"], colleagues["id"], passed_on["id"], missing, mine[1]["id"]]
    r = await api.post(BULK, headers=h1, json={"action": "lost", "lead_ids": ids,
                                               "reason": "ราคาสูงเกินไป"})
    assert r.status_code == 200, r.text
    answer = r.json()
    got = _by_id(answer)
    assert (answer["done"], answer["not_found"], answer["refused"]) == (2, 2, 1)
    assert got[mine[0]["id"]]["status"] == got[mine[1]["id"]]["status"] == "done"
    assert got[colleagues["id"]]["status"] == "not_found"
    assert got[colleagues["id"]]["code"] == "not_found"
    assert got[missing]["status"] == "not_found"
    assert got[passed_on["id"]]["status"] == "refused"
    assert got[passed_on["id"]]["code"] == "forbidden"
    ha = tenant.headers(tenant.admin)
    for lead, box in ((mine[0], "lost"), (mine[1], "lost"), (colleagues, "inbox"),
                      (passed_on, "inbox")):
        now = (await api.get(f"/api/v1/leads/{lead['id']}", headers=ha)).json()
        assert now["box"] == box, lead
    # Nothing half-written on the refused or invisible ones.
    history = (await api.get(f"/api/v1/leads/{colleagues['id']}/history", headers=ha)).json()
    assert [e["kind"] for e in history] == ["created"]
    # Again: the lost ones are refused now (already in lost), by the single action's rule.
    r = await api.post(BULK, headers=h1, json={"action": "lost", "lead_ids": ids[:1],
                                               "reason": "ราคาสูงเกินไป"})
    assert r.json()["results"][0]["code"] == "already_in_box"


async def test_labels_and_stages_in_bulk(api, tenant, create_lead, lead_events):
    ha, h1 = tenant.headers(tenant.admin), tenant.headers(tenant.sales1)
    vip = (await api.post("/api/v1/labels", headers=ha,
                          json={"name": "VIP", "scope": "system"})).json()
    stages = (await api.get("/api/v1/pipelines", headers=h1)).json()[0]["stages"]
    leads = [await create_lead(tenant.sales1) for _ in range(3)]
    ids = [lead["id"] for lead in leads]
    r = await api.post(BULK, headers=h1, json={"action": "add_label", "lead_ids": ids,
                                               "label_id": vip["id"]})
    assert r.status_code == 200 and r.json()["done"] == 3
    r = await api.get("/api/v1/leads", headers=h1, params={"label_id": vip["id"]})
    assert sorted(x["id"] for x in r.json()["items"]) == sorted(ids)
    r = await api.post(BULK, headers=h1, json={"action": "remove_label", "lead_ids": ids[:1],
                                               "label_id": vip["id"]})
    assert r.json()["done"] == 1
    r = await api.get(f"/api/v1/leads/{ids[0]}", headers=h1)
    assert r.json()["label_ids"] == []

    # Forward for all; then back: refused for a sales user (stage back not allowed).
    r = await api.post(BULK, headers=h1, json={"action": "move_stage", "lead_ids": ids[1:],
                                               "stage_id": stages[2]["id"]})
    assert r.json()["done"] == 2
    r = await api.post(BULK, headers=h1, json={"action": "move_stage", "lead_ids": ids,
                                               "stage_id": stages[1]["id"]})
    answer = _by_id(r.json())
    assert answer[ids[0]]["status"] == "done"
    for i in ids[1:]:
        assert answer[i]["status"] == "refused"
        assert answer[i]["code"] == "stage_back_not_allowed"
        assert "allow_stage_back" in answer[i]["message"]
    for i in ids[1:]:
        await lead_events.assert_published(
            "lead.stage_changed", lambda e, i=i: e["subject"] == i and
            e["data"]["to_stage_id"] == stages[2]["id"])


async def test_all_matching_the_filter(api, tenant, create_lead):
    h1 = tenant.headers(tenant.sales1, "own")
    tag = uuid.uuid4().hex[:8]
    matching = [await create_lead(tenant.sales1, company=f"ร้าน {tag}") for _ in range(3)]
    await create_lead(tenant.sales1, company="ร้านอื่น")
    await create_lead(tenant.sales2, company=f"ร้าน {tag}")  # not visible to sales1 (own)
    r = await api.post(BULK, headers=h1, params={"q": tag},
                       json={"action": "junk", "all_matching": True, "reason": "สแปม"})
    assert r.status_code == 200, r.text
    assert sorted(x["lead_id"] for x in r.json()["results"]) == sorted(
        lead["id"] for lead in matching)
    assert r.json()["done"] == 3
    r = await api.get("/api/v1/leads", headers=h1, params={"q": tag, "box": "junk"})
    assert len(r.json()["items"]) == 3
    # Filters with lead_ids, or neither/both, say what to send.
    r = await api.post(BULK, headers=h1, params={"q": tag},
                       json={"action": "junk", "lead_ids": [matching[0]["id"]],
                             "reason": "x"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "query.q"
    for body in ({"action": "junk", "reason": "x"},
                 {"action": "junk", "reason": "x", "all_matching": True,
                  "lead_ids": [matching[0]["id"]]}):
        r = await api.post(BULK, headers=h1, json=body)
        assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.lead_ids"


async def test_more_than_500_matching_is_refused_whole(api, tenant, create_lead):
    h = tenant.headers(tenant.sales3)
    tag = uuid.uuid4().hex[:8]

    async def make(n):
        for _ in range(n):
            await create_lead(tenant.sales3, company=f"ร้าน {tag}")
    await asyncio.gather(*(make(501 // 16 + 1) for _ in range(16)))  # 512
    r = await api.post(BULK, headers=h, params={"q": tag},
                       json={"action": "junk", "all_matching": True, "reason": "สแปม"})
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "too_many_leads" and "more than 500" in r.json()["message"]
    r = await api.get("/api/v1/leads/counts", headers=h)
    assert r.json()["junk"] == 0  # nothing done
    r = await api.post(BULK, headers=h, json={
        "action": "junk", "reason": "x", "lead_ids": [str(uuid.uuid4()) for _ in range(501)]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.lead_ids"


async def test_retry_with_idempotency_key_changes_nothing_twice(api, tenant, create_lead,
                                                                 leads_db):
    h1 = {**tenant.headers(tenant.sales1), "Idempotency-Key": str(uuid.uuid4())}
    leads = [await create_lead(tenant.sales1) for _ in range(2)]
    body = {"action": "send", "lead_ids": [x["id"] for x in leads],
            "to_user_id": str(tenant.sales2.id)}
    first = await api.post(BULK, headers=h1, json=body)
    again = await api.post(BULK, headers=h1, json=body)
    assert first.status_code == again.status_code == 200
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()
    for lead in leads:
        history = (await api.get(f"/api/v1/leads/{lead['id']}/history",
                                 headers=tenant.headers(tenant.admin))).json()
        assert [e["kind"] for e in history] == ["created", "sent"]
    # Without the key, a repeat is a new request: now each lead is refused (already theirs).
    r = await api.post(BULK, headers=tenant.headers(tenant.admin), json=body)
    assert r.json()["refused"] == 2
    assert {x["code"] for x in r.json()["results"]} == {"already_owner"}


async def test_bad_input_is_4xx_naming_the_field(api, tenant, create_lead):
    ha = tenant.headers(tenant.admin)
    lead = await create_lead(tenant.sales1)
    ids = [lead["id"]]
    retired = (await api.post("/api/v1/labels", headers=ha,
                              json={"name": "เก่า", "scope": "system"})).json()
    await api.patch(f"/api/v1/labels/{retired['id']}", headers=ha, json={"retired": True})
    cases = [
        ({"lead_ids": ids}, 422, "body.action"),
        ({"action": "delete", "lead_ids": ids}, 422, "body.action"),
        ({"action": "send", "lead_ids": []}, 422, "body.lead_ids"),
        ({"action": "send", "lead_ids": ["x"], "to_user_id": str(tenant.sales2.id)}, 422,
         "body.lead_ids.0"),
        ({"action": "send", "lead_ids": ids}, 422, "body.to_user_id"),
        ({"action": "send", "lead_ids": ids, "to_user_id": str(uuid.uuid4())}, 404,
         "body.to_user_id"),
        ({"action": "lost", "lead_ids": ids}, 422, "body.reason"),
        ({"action": "lost", "lead_ids": ids, "reason": "  "}, 422, "body.reason"),
        ({"action": "lost", "lead_ids": ids, "reason": "x", "label_id": retired["id"]}, 422,
         "body.label_id"),
        ({"action": "add_label", "lead_ids": ids, "label_id": str(uuid.uuid4())}, 404,
         "body.label_id"),
        ({"action": "add_label", "lead_ids": ids, "label_id": retired["id"]}, 409,
         "body.label_id"),
        ({"action": "move_stage", "lead_ids": ids, "stage_id": str(uuid.uuid4())}, 404,
         "body.stage_id"),
        ({"action": "junk", "lead_ids": ids, "reason": "x", "extra": 1}, 422, "body.extra"),
    ]
    for body, status, field in cases:
        r = await api.post(BULK, headers=ha, json=body)
        assert r.status_code == status, (body, r.text)
        assert field in [f["field"] for f in r.json()["fields"]], (body, r.text)
    r = await api.post(BULK, headers=ha, content=b"{not json",
                       params={"box": "nope"})
    assert r.status_code == 422
    # Removing a retired label is fine.
    r = await api.post(BULK, headers=ha, json={"action": "remove_label", "lead_ids": ids,
                                               "label_id": retired["id"]})
    assert r.status_code == 200 and r.json()["done"] == 1
    got = (await api.get(f"/api/v1/leads/{lead['id']}", headers=ha)).json()
    assert got["box"] == "inbox" and got["version"] == lead["version"]

"""Deals (issue 16) on the real leads service: open on an account, change, stage moves
with the stage-back rule (detours included), won/lost/reopen, the history complete and
append-only in the database itself, visibility as leads, `deal.*` events."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from crmkit.testing.tenants import pg_dsn

pytestmark = pytest.mark.integration
DEALS = "/api/v1/deals"


async def _deal(api, h, **over):
    body = {"name": "ระบบ CRM 12 ที่นั่ง", "account_id": str(uuid.uuid4()), **over}
    r = await api.post(DEALS, headers=h, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_deal_through_its_life_with_history_and_events(api, tenant, lead_events):
    h = tenant.headers(tenant.sales1, "own")
    stages = (await api.get("/api/v1/pipelines", headers=h)).json()[0]["stages"]
    deal = await _deal(api, h, amount="120000.50", probability=20,
                       expected_close="2027-01-31")
    assert deal["status"] == "open" and deal["stage_id"] == stages[0]["id"]
    assert deal["owner_id"] == str(tenant.sales1.id) and deal["read_only"] is False
    base = f"{DEALS}/{deal['id']}"
    r = await api.patch(base, headers=h, json={"amount": "150000", "expected_close": None})
    assert r.status_code == 200 and r.json()["amount"] == "150000.00"
    r = await api.post(f"{base}/stage", headers=h, json={"stage_id": stages[2]["id"]})
    assert r.status_code == 200 and r.json()["stage_id"] == stages[2]["id"]
    r = await api.post(f"{base}/stage", headers=h, json={"stage_id": stages[1]["id"]})
    assert r.status_code == 409 and r.json()["code"] == "stage_back_not_allowed"
    r = await api.post(f"{base}/won", headers=h, json={"amount": "149999.99",
                                                      "closed_on": "2026-12-31"})
    assert r.status_code == 200 and r.json()["status"] == "won"
    assert r.json()["closed_on"] == "2026-12-31" and r.json()["amount"] == "149999.99"
    r = await api.post(f"{base}/lost", headers=h, json={"reason": "ราคา"})
    assert r.status_code == 409 and r.json()["code"] == "already_won"
    assert (await api.post(f"{base}/reopen", headers=h)).status_code == 403
    admin = tenant.headers(tenant.admin)
    r = await api.post(f"{base}/reopen", headers=admin)
    assert r.status_code == 200 and r.json()["status"] == "open"
    assert r.json()["closed_on"] is None
    r = await api.post(f"{base}/lost", headers=h, json={"reason": "เลือกคู่แข่ง"})
    assert r.status_code == 200 and r.json()["lost_reason"] == "เลือกคู่แข่ง"
    assert r.json()["closed_on"] is not None

    history = (await api.get(f"{base}/history", headers=h)).json()
    assert [e["kind"] for e in history] == ["created", "updated", "stage_changed", "won",
                                            "reopened", "lost"]
    assert all(e["author_id"] == str(tenant.sales1.id)
               for e in history if e["kind"] != "reopened")
    assert history[0]["changes"]["amount"] == [None, "120000.50"]
    assert history[1]["changes"] == {"amount": ["120000.50", "150000"],
                                     "expected_close": ["2027-01-31", None]}
    assert history[2]["changes"]["stage_id"] == [stages[0]["id"], stages[2]["id"]]
    assert history[3]["changes"]["status"] == ["open", "won"]
    assert history[3]["changes"]["amount"] == ["150000.00", "149999.99"]
    assert history[4]["changes"]["status"] == ["won", "open"]
    assert history[4]["author_id"] == str(tenant.admin.id)
    assert history[5]["changes"]["lost_reason"] == [None, "เลือกคู่แข่ง"]

    for type_ in ("deal.created", "deal.updated", "deal.stage_changed", "deal.won",
                  "deal.reopened", "deal.lost"):
        event = await lead_events.assert_published(type_, lambda e: e["subject"] == deal["id"])
        assert event["dataversion"] == "1"
    won = lead_events.of_type("deal.won")[-1]
    assert won["data"]["amount"] == "149999.99" and won["sequence"] == 4
    assert won["data"]["changes"]["status"] == ["open", "won"]


async def test_the_history_is_append_only_in_the_database(api, tenant, leads_db):
    deal = await _deal(api, tenant.headers(tenant.sales1))
    conn = await asyncpg.connect(pg_dsn(leads_db.owner_url))
    try:
        for sql in ("UPDATE deal_history SET kind = 'won' WHERE deal_id = $1",
                    "DELETE FROM deal_history WHERE deal_id = $1"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(sql, uuid.UUID(deal["id"]))
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await conn.execute("TRUNCATE deal_history")
    finally:
        await conn.close()


async def test_stage_back_by_way_of_another_pipeline(api, tenant):
    admin = tenant.headers(tenant.admin)
    h = tenant.headers(tenant.sales1)
    pipelines = (await api.get("/api/v1/pipelines", headers=h)).json()
    first = pipelines[0]["stages"]
    r = await api.post("/api/v1/pipelines", headers=admin,
                       json={"name": f"อื่น {uuid.uuid4().hex[:4]}",
                             "stages": [{"name": "หนึ่ง"}, {"name": "สอง"}]})
    assert r.status_code == 201, r.text
    other = r.json()["stages"]
    deal = await _deal(api, h, stage_id=first[2]["id"])
    base = f"{DEALS}/{deal['id']}"
    assert (await api.post(f"{base}/stage", headers=h,
                           json={"stage_id": other[0]["id"]})).status_code == 200
    r = await api.post(f"{base}/stage", headers=h, json={"stage_id": first[1]["id"]})
    assert r.status_code == 409 and r.json()["code"] == "stage_back_not_allowed"
    r = await api.post(f"{base}/stage", headers=h, json={"stage_id": first[2]["id"]})
    assert r.status_code == 200  # back where it was: not earlier
    allowed = tenant.headers(tenant.sales1, allow_stage_back=True)
    r = await api.post(f"{base}/stage", headers=allowed, json={"stage_id": first[0]["id"]})
    assert r.status_code == 200
    # Forward again, a detour through the other pipeline's later stage, then back to its
    # first: refused to the owner, allowed to an admin (who may move any stage back).
    for stage in (first[2], other[1]):
        assert (await api.post(f"{base}/stage", headers=h,
                               json={"stage_id": stage["id"]})).status_code == 200
    r = await api.post(f"{base}/stage", headers=h, json={"stage_id": first[1]["id"]})
    assert r.status_code == 409 and r.json()["code"] == "stage_back_not_allowed"
    r = await api.post(f"{base}/stage", headers=h, json={"stage_id": other[0]["id"]})
    assert r.status_code == 409 and r.json()["code"] == "stage_back_not_allowed"
    r = await api.post(f"{base}/stage", headers=admin, json={"stage_id": first[1]["id"]})
    assert r.status_code == 200 and r.json()["stage_id"] == first[1]["id"]
    kinds = [e["kind"] for e in (await api.get(f"{base}/history", headers=h)).json()]
    assert kinds.count("stage_changed") == 6  # the refused moves left no trace


@pytest.mark.parametrize("who, visibility, sees", [
    ("sales1", "own", True), ("sales2", "own", False), ("manager", "team", True),
    ("sales3", "team", False), ("sales2", "team", True), ("admin", "all", True)])
async def test_visibility_as_leads(api, tenant, who, visibility, sees):
    deal = await _deal(api, tenant.headers(tenant.sales1))
    h = tenant.headers(getattr(tenant, who), visibility)
    r = await api.get(f"{DEALS}/{deal['id']}", headers=h)
    assert r.status_code == (200 if sees else 404)
    listed = {d["id"] for d in (await api.get(DEALS, headers=h,
                                              params={"limit": 200})).json()["items"]}
    assert (deal["id"] in listed) is sees
    for path, body in (("won", {}), ("lost", {"reason": "x"}), ("stage", {
            "stage_id": deal["stage_id"]})):
        r = await api.post(f"{DEALS}/{deal['id']}/{path}", headers=h, json=body)
        if not sees:
            assert r.status_code == 404, (path, r.text)
    r = await api.get(f"{DEALS}/{deal['id']}/history", headers=h)
    assert r.status_code == (200 if sees else 404)


@pytest.mark.parametrize("body, status, field", [
    ({"name": "x"}, 422, "body.account_id"),
    ({"name": " ", "account_id": str(uuid.uuid4())}, 422, "body.name"),
    ({"name": "x", "account_id": str(uuid.uuid4()), "amount": "-1"}, 422, "body.amount"),
    ({"name": "x", "account_id": str(uuid.uuid4()), "probability": 101}, 422,
     "body.probability"),
    ({"name": "x", "account_id": str(uuid.uuid4()), "expected_close": "0001-01-01"}, 422,
     "body.expected_close"),
    ({"name": "x", "account_id": str(uuid.uuid4()), "stage_id": str(uuid.uuid4())}, 404,
     "body.stage_id"),
    ({"name": "x", "account_id": str(uuid.uuid4()), "owner_id": str(uuid.uuid4())}, 404,
     "body.owner_id"),
])
async def test_bad_deals_are_refused_clearly(api, tenant, body, status, field):
    r = await api.post(DEALS, headers=tenant.headers(tenant.admin), json=body)
    assert r.status_code == status, r.text
    assert field in {f["field"] for f in r.json()["fields"]}, r.text

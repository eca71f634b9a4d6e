"""The visibility matrix of activities: linked to a lead, they follow the lead's rule (the
tenant's lead visibility; a lead one sent on is read-only); linked to an account, the
account's; unlinked, their owner's, their team's managers' and the admins'. What a caller
may not see is 404 and never listed. Owners come from lead.* and account.* events."""

from __future__ import annotations

import uuid

import pytest
from act_support import known_account, known_lead, make_tenant, publish, until_row

from tidtam_contracts.leads import LeadTransferredV2

pytestmark = pytest.mark.integration

PEOPLE = ("admin", "manager", "sales1", "sales2", "sales3")


async def _new(api, tenant, who, **body):
    r = await api.post("/api/v1/activities", headers=tenant.headers(getattr(tenant, who)),
                       json={"kind": "email", "subject": "ทดสอบการมองเห็น", **body})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def _who_sees(api, tenant, activity_id, visibility="all", account_visibility="all"):
    seen = set()
    for who in PEOPLE:
        h = tenant.headers(getattr(tenant, who), visibility,
                           account_visibility=account_visibility)
        r = await api.get(f"/api/v1/activities/{activity_id}", headers=h)
        assert r.status_code in (200, 404), r.text
        listed = activity_id in [a["id"] for a in (await api.get(
            "/api/v1/activities", headers=h, params={"limit": 200})).json()["items"]]
        assert listed == (r.status_code == 200), (who, visibility)
        if r.status_code == 200:
            seen.add(who)
    return seen


async def test_lead_linked_follow_the_lead_rule(api, tenant, gateway_events, act_db):
    lead = await known_lead(gateway_events, tenant, act_db, tenant.sales1)
    aid = await _new(api, tenant, "sales1", lead_id=lead["id"])
    assert await _who_sees(api, tenant, aid, "all") == set(PEOPLE)
    assert await _who_sees(api, tenant, aid, "team") == {"admin", "manager", "sales1",
                                                           "sales2"}
    assert await _who_sees(api, tenant, aid, "own") == {"admin", "manager", "sales1"}

    # The lead moves to team b: its activities go with it.
    moved = {**lead, "owner_id": str(tenant.sales3.id), "version": 2,
             "from_user_id": str(tenant.sales1.id), "to_user_id": str(tenant.sales3.id)}
    await publish(gateway_events, tenant, LeadTransferredV2, moved, "/services/leads")
    await until_row(act_db, "SELECT 1 FROM lead_records WHERE id = $1 AND owner_id = $2",
                    uuid.UUID(lead["id"]), tenant.sales3.id)
    assert await _who_sees(api, tenant, aid, "own") == {"admin", "sales3"}


async def test_a_lead_one_sent_on_is_read_only(api, tenant, gateway_events, act_db):
    lead = await known_lead(gateway_events, tenant, act_db, tenant.sales1,
                            sent_by=[str(tenant.sales2.id)])
    aid = await _new(api, tenant, "sales1", lead_id=lead["id"])
    h = tenant.headers(tenant.sales2, "own")
    assert (await api.get(f"/api/v1/activities/{aid}", headers=h)).status_code == 200
    r = await api.patch(f"/api/v1/activities/{aid}", headers=h, json={"subject": "แก้"})
    assert r.status_code == 403 and r.json()["code"] == "read_only"
    r = await api.post(f"/api/v1/activities/{aid}/complete", headers=h, json={"result": "x"})
    assert r.status_code == 403
    r = await api.post("/api/v1/activities", headers=h, json={
        "kind": "email", "subject": "x", "lead_id": lead["id"]})
    assert r.status_code == 403 and r.json()["fields"][0]["field"] == "body.lead_id"
    # sales3 never saw it: 404 for the lead, not 403
    r = await api.post("/api/v1/activities", headers=tenant.headers(tenant.sales3, "own"),
                       json={"kind": "email", "subject": "x", "lead_id": lead["id"]})
    assert r.status_code == 404 and r.json()["fields"][0]["code"] == "unknown_lead"


async def test_account_linked_follow_the_account_rule(api, tenant, gateway_events, act_db):
    acc = await known_account(gateway_events, tenant, act_db, tenant.sales3)
    aid = await _new(api, tenant, "sales3", account_id=acc["id"])
    assert await _who_sees(api, tenant, aid, account_visibility="all") == set(PEOPLE)
    assert await _who_sees(api, tenant, aid, account_visibility="own") == {"admin", "sales3"}
    # linked to both: the caller must see both
    lead = await known_lead(gateway_events, tenant, act_db, tenant.sales1)
    both = await _new(api, tenant, "admin", account_id=acc["id"], lead_id=lead["id"])
    assert await _who_sees(api, tenant, both, "team", "team") == {"admin"}
    assert await _who_sees(api, tenant, both, "all", "all") == set(PEOPLE)


async def test_unlinked_are_the_owners_their_managers_and_admins(api, tenant):
    aid = await _new(api, tenant, "sales1")
    for visibility in ("all", "team", "own"):
        assert await _who_sees(api, tenant, aid, visibility, visibility) == {
            "admin", "manager", "sales1"}
    theirs = await _new(api, tenant, "sales3")
    assert await _who_sees(api, tenant, theirs) == {"admin", "sales3"}


async def test_other_tenants_see_nothing(api, tenant, gateway_events, act_db):
    other = await make_tenant(gateway_events, act_db.owner_url)
    aid = await _new(api, tenant, "admin")
    r = await api.get(f"/api/v1/activities/{aid}", headers=other.headers(other.admin))
    assert r.status_code == 404
    r = await api.post(f"/api/v1/activities/{aid}/cancel", headers=other.headers(other.admin))
    assert r.status_code == 404

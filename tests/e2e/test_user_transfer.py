"""Deactivating a user with a transfer (issue 11): the gateway's user.deactivated names the
heir, and the leads service moves every lead of the leaver to them, with history and
events, in the transaction that applies the event."""

from __future__ import annotations

import pytest

from .conftest import until

pytestmark = pytest.mark.e2e


async def test_deactivation_with_transfer_moves_every_lead_to_the_heir(gw, make_tenant,
                                                                       lead_events):
    t = make_tenant()
    t.add_user("leaver", "sales")
    t.add_user("heir", "sales")
    t.add_user("bystander", "sales")
    t.set_visibility("own")
    leads = [t.create_lead("leaver") for _ in range(3)]
    kept = t.create_lead("bystander")
    assert gw.get(f"/api/v1/leads/{leads[0]['id']}", headers=t.h("heir")).status_code == 404

    r = gw.post(f"/api/v1/users/{t.users['leaver']}/deactivate", headers=t.h("admin"),
                json={"transfer_leads_to": t.users["heir"]})
    assert r.status_code == 200 and r.json()["active"] is False, r.text

    for lead in leads:
        moved = until(lambda lead=lead: gw.get(f"/api/v1/leads/{lead['id']}",
                                               headers=t.h("heir")),
                      lambda body: body["owner_id"] == t.users["heir"])
        assert moved["id"] == lead["id"]
        event = await lead_events.assert_published(
            "lead.transferred", lambda e, lead=lead: e["subject"] == lead["id"], timeout=15)
        assert event["data"]["from_user_id"] == t.users["leaver"]
        assert event["data"]["to_user_id"] == t.users["heir"]
        history = gw.get(f"/api/v1/leads/{lead['id']}/followups", headers=t.h("admin")).json()
        entries = history["items"] if isinstance(history, dict) else history
        transferred = [e for e in entries if e.get("kind") == "transferred"]
        assert len(transferred) == 1
    # Nobody else's lead moved, and nothing can be sent to the leaver any more.
    assert gw.get(f"/api/v1/leads/{kept['id']}",
                  headers=t.h("admin")).json()["owner_id"] == t.users["bystander"]
    r = gw.post(f"/api/v1/leads/{kept['id']}/send", headers=t.h("bystander"),
                json={"to_user_id": t.users["leaver"]})
    assert r.status_code == 404, r.text
    assert r.json()["fields"][0]["code"] == "unknown_user"

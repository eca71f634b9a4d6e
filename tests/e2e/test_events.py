"""An external system that binds its own queue with `lead.#` receives every lead event, as
documented: CloudEvents envelope, per-aggregate sequence, data = the lead after the change."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

ENVELOPE = {"specversion", "id", "source", "type", "subject", "time", "tenantid",
            "dataversion", "sequence", "data"}


async def test_every_lead_event_reaches_an_external_subscriber(gw, make_tenant, lead_events):
    t = make_tenant()
    t.add_user("sales", "sales")
    t.add_user("other", "sales")
    lead = t.create_lead("sales", company="บริษัท ลีดทดสอบ จำกัด", potential=25000)
    lead_id = lead["id"]
    pipelines = gw.get("/api/v1/pipelines", headers=t.h("admin")).json()
    items = pipelines["items"] if isinstance(pipelines, dict) else pipelines
    standard = next(p for p in items if p.get("is_standard", True))
    second_stage = standard["stages"][1]["id"]

    steps = [
        ("patch", f"/api/v1/leads/{lead_id}", {"note": "สนใจแพ็กเกจปี"}),
        ("post", f"/api/v1/leads/{lead_id}/followups", {"channel": "line", "note": "ส่งโบรชัวร์"}),
        ("post", f"/api/v1/leads/{lead_id}/stage", {"stage_id": second_stage}),
        ("post", f"/api/v1/leads/{lead_id}/lost", {"reason": "ราคาสูงเกินไป"}),
        ("post", f"/api/v1/leads/{lead_id}/restore", {}),
        ("post", f"/api/v1/leads/{lead_id}/junk", {"reason": "ข้อมูลซ้ำ"}),
        ("post", f"/api/v1/leads/{lead_id}/restore", {}),
        ("post", f"/api/v1/leads/{lead_id}/send", {"to_user_id": t.users["other"],
                                                   "note": "ฝากปิดการขายด้วย"}),
    ]
    for method, path, body in steps:
        r = getattr(gw, method)(path, headers=t.h("admin"), json=body)
        assert r.status_code in (200, 201), (path, r.text)
    r = gw.post("/api/v1/leads/transfer", headers=t.h("admin"),
                json={"from_user_id": t.users["other"], "to_user_id": t.users["sales"]})
    assert r.status_code == 200 and r.json()["moved"] >= 1, r.text

    def mine(e):
        return e["subject"] == lead_id

    expected = ["lead.created", "lead.updated", "lead.followup_logged", "lead.stage_changed",
                "lead.lost", "lead.restored", "lead.junked", "lead.sent", "lead.transferred"]
    got = {}
    for type_ in expected:
        got[type_] = await lead_events.assert_published(type_, mine, timeout=15)
    for type_, event in got.items():
        assert ENVELOPE <= event.keys(), (type_, event.keys())
        assert event["source"] == "/services/leads"
        assert event["tenantid"] == t.id and event["data"]["id"] == lead_id
    assert got["lead.stage_changed"]["data"]["stage_id"] == second_stage
    assert got["lead.lost"]["data"]["box"] == "lost"
    assert got["lead.lost"]["data"]["from_box"] == "inbox"
    assert got["lead.lost"]["dataversion"] == "2"
    assert got["lead.sent"]["data"]["owner_id"] == t.users["other"]
    assert got["lead.sent"]["data"]["send_note"] == "ฝากปิดการขายด้วย"
    assert got["lead.sent"]["data"]["note"] == "สนใจแพ็กเกจปี"  # still the lead's own note
    assert got["lead.transferred"]["data"]["owner_id"] == t.users["sales"]
    # one aggregate's sequence only grows, in the order the changes were made
    sequences = [e["sequence"] for e in sorted(
        (e for e in lead_events.events if mine(e)), key=lambda e: e["sequence"])]
    assert sequences == sorted(set(sequences)) and len(sequences) >= len(expected)
    assert [got[t_]["sequence"] for t_ in expected] == sorted(
        got[t_]["sequence"] for t_ in expected)
    history = gw.get(f"/api/v1/leads/{lead_id}/followups", headers=t.h("admin")).json()
    entries = history["items"] if isinstance(history, dict) else history
    kinds = [e.get("kind") for e in entries]
    for kind in ("followup", "stage_changed", "lost", "restored", "junked", "sent"):
        assert kind in kinds, kinds


async def test_event_catalogue_is_served_and_describes_what_is_published(gw, make_tenant,
                                                                         lead_events):
    import jsonschema

    doc = gw.get("/api/v1/asyncapi.json").json()
    assert doc["asyncapi"].startswith("3.")
    addresses = {c["address"] for c in doc["channels"].values()}
    for type_ in ("lead.created", "lead.updated", "lead.sent", "lead.stage_changed",
                  "lead.lost", "lead.junked", "lead.restored", "lead.followup_logged",
                  "lead.transferred", "tenant.created", "user.created", "user.updated",
                  "user.deactivated", "team.created"):
        assert type_ in addresses, type_
    t = make_tenant()
    t.add_user("sales", "sales")
    lead = t.create_lead("sales", company="บริษัท แคตตาล็อก จำกัด")
    event = await lead_events.assert_published("lead.created",
                                               lambda e: e["subject"] == lead["id"])
    payload = {"$ref": "#/components/messages/lead_created_v2/payload",
               "components": doc["components"]}
    jsonschema.validate(event, payload)  # the envelope and data as the catalogue says
    bad = {**event, "data": {**event["data"], "owner_id": 42}}
    try:
        jsonschema.validate(bad, payload)
    except jsonschema.ValidationError:
        pass
    else:
        raise AssertionError("the catalogue's schema accepted a wrong owner_id")

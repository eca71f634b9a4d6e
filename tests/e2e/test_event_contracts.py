"""Event contracts across the real processes: what each service publishes and consumes is in
the served AsyncAPI; a v1 lead event and v2 ones, published by the real leads relay through
the real broker, are both applied by the accounts service as v2."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import asyncpg
import orjson
import pytest

from crmkit.asyncapi import event_types
from crmkit.testing.tenants import pg_dsn
from tidtam_accounts.consumers import HANDLERS as ACCOUNTS_HANDLERS
from tidtam_accounts.contracts import EVENTS_PUBLISHED as ACCOUNTS_PUBLISHED
from tidtam_activities.consumers import HANDLERS as ACTIVITIES_HANDLERS
from tidtam_activities.contracts import EVENTS_PUBLISHED as ACTIVITIES_PUBLISHED
from tidtam_capture.consumers import HANDLERS as CAPTURE_HANDLERS
from tidtam_capture.contracts import EVENTS_PUBLISHED as CAPTURE_PUBLISHED
from tidtam_contracts.leads import Lead
from tidtam_documents.consumers import HANDLERS as DOCUMENTS_HANDLERS
from tidtam_documents.contracts import EVENTS_PUBLISHED as DOCUMENTS_PUBLISHED
from tidtam_gateway.app import HANDLERS as GATEWAY_HANDLERS
from tidtam_gateway.contracts import EVENTS_PUBLISHED as GATEWAY_PUBLISHED
from tidtam_leads.consumers import HANDLERS as LEADS_HANDLERS
from tidtam_leads.contracts import EVENTS_PUBLISHED as LEADS_PUBLISHED
from tidtam_notifications.consumers import HANDLERS as NOTIFICATIONS_HANDLERS
from tidtam_notifications.contracts import EVENTS_PUBLISHED as NOTIFICATIONS_PUBLISHED

from .conftest import post_until_created, until

pytestmark = pytest.mark.e2e

SERVICES = {
    "gateway": (GATEWAY_PUBLISHED, GATEWAY_HANDLERS),
    "leads": (LEADS_PUBLISHED, LEADS_HANDLERS),
    "accounts": (ACCOUNTS_PUBLISHED, ACCOUNTS_HANDLERS),
    "notifications": (NOTIFICATIONS_PUBLISHED, NOTIFICATIONS_HANDLERS),
    "activities": (ACTIVITIES_PUBLISHED, ACTIVITIES_HANDLERS),
    "documents": (DOCUMENTS_PUBLISHED, DOCUMENTS_HANDLERS),
    "capture": (CAPTURE_PUBLISHED, CAPTURE_HANDLERS),
}


def test_every_published_and_consumed_event_is_in_the_served_asyncapi(gw):
    doc = gw.get("/api/v1/asyncapi.json").json()
    for service, (published, handlers) in SERVICES.items():
        mine = {op_id: op for op_id, op in doc["operations"].items()
                if op_id.startswith(f"{service}_")}
        service_doc = {**doc, "operations": mine}
        sends, receives = event_types(service_doc, "send"), event_types(service_doc, "receive")
        assert {m.TYPE for m in published} == sends, service
        assert {h.model.TYPE for h in handlers} == receives, service
        for model in [*published, *(h.model for h in handlers)]:
            # each version a consumer still reads has its message, with its data schema
            for version in model.versions():
                key = f"{model.TYPE.replace('.', '_')}_v{version.VERSION}"
                assert key in doc["channels"][model.TYPE.replace(".", "_")]["messages"], key
                assert key in doc["components"]["schemas"], key
    # nothing is consumed that no service publishes
    assert event_types(doc, "receive") <= event_types(doc, "send")
    superseded = doc["components"]["messages"]["lead_lost_v1"]
    assert superseded["deprecated"] is True
    assert "status" in doc["components"]["schemas"]["lead_lost_v1"]["properties"]
    assert "box" in doc["components"]["schemas"]["lead_lost_v2"]["properties"]


async def _stage_in_leads_outbox(system, event: dict) -> None:
    """What a leads process still on v1 would have left in the outbox: the real relay of
    the running leads service publishes it (LISTEN/NOTIFY, or its sweep)."""
    conn = await asyncpg.connect(pg_dsn(system.db_url("leads", owner=True)))
    try:
        await conn.execute(
            "INSERT INTO outbox (event_id, event_type, tenant_id, payload) "
            "VALUES ($1, $2, $3, $4::jsonb)", uuid.UUID(event["id"]), event["type"],
            uuid.UUID(event["tenantid"]), orjson.dumps(event).decode())
    finally:
        await conn.close()


async def test_v1_and_v2_lead_events_are_both_applied_as_v2(system, gw, make_tenant,
                                                            lead_events):
    t = make_tenant()
    tag = uuid.uuid4().hex[:6]
    r = post_until_created(gw, "/api/v1/accounts", t.h("admin"),
                           {"kind": "company", "name": f"บริษัท สองรุ่น {tag} จำกัด"})
    assert r.status_code == 201, r.text
    account = r.json()
    lead = t.create_lead("admin", account_id=account["id"])
    # v2, from the leads service itself (lead.created, then lead.lost)
    r = gw.post(f"/api/v1/leads/{lead['id']}/lost", headers=t.h("admin"),
                json={"reason": "ราคาสูง"})
    assert r.status_code == 200, r.text
    lost = r.json()
    created = await lead_events.assert_published("lead.created",
                                                 lambda e: e["subject"] == lead["id"])
    assert created["dataversion"] == "2" and created["data"]["box"] == "inbox"

    # v1, as a leads process not yet rolled over published it: `status`, `from_status`
    fields = {k: lost[k] for k in Lead.model_fields if k != "box"}
    v1 = {"specversion": "1.0", "id": str(uuid.uuid4()), "source": "/services/leads",
          "type": "lead.restored", "subject": lead["id"],
          "time": datetime.now(UTC).isoformat(), "datacontenttype": "application/json",
          "tenantid": t.id, "dataversion": "1", "sequence": lost["version"] + 1,
          "data": {**fields, "status": "inbox", "reason": None,
                   "version": lost["version"] + 1, "from_status": "lost"}}
    await _stage_in_leads_outbox(system, v1)
    on_wire = await lead_events.assert_published("lead.restored",
                                                 lambda e: e["id"] == v1["id"])
    assert on_wire["dataversion"] == "1" and on_wire["data"]["from_status"] == "lost"

    timeline = until(
        lambda: gw.get(f"/api/v1/accounts/{account['id']}/timeline", headers=t.h("admin")),
        lambda page: len(page["items"]) == 3)
    by_kind = {e["kind"]: e["summary"] for e in timeline["items"]}
    assert by_kind["lead_created"]["box"] == "inbox"                      # v2
    assert by_kind["lead_lost"]["box"] == "lost"                          # v2
    assert by_kind["lead_lost"]["from_box"] == "inbox"
    assert by_kind["lead_restored"]["box"] == "inbox"                     # v1, upcast
    assert by_kind["lead_restored"]["from_box"] == "lost"
    for summary in by_kind.values():
        assert "status" not in summary and "from_status" not in summary

"""GET /accounts/{id}/timeline: a projection of the leads service's events (published here
as leads publishes them), idempotent, following links, conversions and merges."""

from __future__ import annotations

import uuid

import anyio
import pytest
from accounts_conversion_support import LeadsPeer, lead_data
from accounts_support import thai_company

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def leads_peer(accounts_amqp):
    peer = LeadsPeer(accounts_amqp)
    await peer.start()
    yield peer
    await peer.stop()


async def _timeline(api, headers, account_id, until, **params):
    with anyio.fail_after(15):
        while True:
            r = await api.get(f"/api/v1/accounts/{account_id}/timeline", headers=headers,
                              params=params)
            assert r.status_code == 200, r.text
            if until(r.json()["items"]):
                return r.json()
            await anyio.sleep(0.05)


async def test_lead_events_of_a_linked_lead(api, tenant, leads_peer):
    h = tenant.headers(tenant.sales1, account_visibility="own")
    acc = (await api.post("/api/v1/accounts", json=thai_company(
        801, owner_id=str(tenant.sales1.id)), headers=tenant.headers(tenant.admin))).json()
    lead = lead_data(tenant, tenant.sales1, account_id=acc["id"])
    created = await leads_peer.lead("lead.created", tenant.id, lead)
    to_stage = str(uuid.uuid4())
    await leads_peer.lead("lead.stage_changed", tenant.id, {
        **lead, "version": 2, "stage_id": to_stage, "from_pipeline_id": lead["pipeline_id"],
        "from_stage_id": lead["stage_id"], "to_pipeline_id": lead["pipeline_id"],
        "to_stage_id": to_stage}, sequence=2)
    await leads_peer.lead("lead.updated", tenant.id, {**lead, "version": 3,
                                                      "changed": ["note"]}, sequence=3)
    await leads_peer.lead("lead.lost", tenant.id, {
        **lead, "version": 4, "box": "lost", "reason": "ราคาสูง", "from_box": "inbox"},
        sequence=4)
    await leads_peer.republish(created)                       # a redelivery: no new entry
    page = await _timeline(api, h, acc["id"], lambda items: len(items) >= 3)
    kinds = [e["kind"] for e in page["items"]]
    assert kinds == ["lead_lost", "lead_stage_changed", "lead_created"]
    assert page["items"][0]["summary"]["reason"] == "ราคาสูง"
    assert page["items"][1]["summary"]["to_stage_id"] == to_stage
    assert {e["lead_id"] for e in page["items"]} == {lead["id"]}
    # keyset pages, newest first
    first = (await api.get(f"/api/v1/accounts/{acc['id']}/timeline", headers=h,
                           params={"limit": 2})).json()
    assert [e["kind"] for e in first["items"]] == kinds[:2] and first["next_cursor"]
    rest = (await api.get(f"/api/v1/accounts/{acc['id']}/timeline", headers=h,
                          params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [e["kind"] for e in rest["items"]] == kinds[2:] and rest["next_cursor"] is None
    # the account's visibility applies: sales3 (own) may not see it; a bad cursor is 422
    r = await api.get(f"/api/v1/accounts/{acc['id']}/timeline",
                      headers=tenant.headers(tenant.sales3, account_visibility="own"))
    assert r.status_code == 404
    r = await api.get(f"/api/v1/accounts/{uuid.uuid4()}/timeline", headers=h)
    assert r.status_code == 404
    r = await api.get(f"/api/v1/accounts/{acc['id']}/timeline", headers=h,
                      params={"cursor": "nope"})
    assert r.status_code == 422


async def test_conversion_adopts_the_leads_past_and_merge_moves_it(api, tenant, leads_peer):
    h = tenant.headers(tenant.admin)
    acc = (await api.post("/api/v1/accounts", json=thai_company(802), headers=h)).json()
    other = (await api.post("/api/v1/accounts", json=thai_company(803), headers=h)).json()
    lead = lead_data(tenant, tenant.sales1)                  # not linked yet
    await leads_peer.lead("lead.created", tenant.id, lead)
    await leads_peer.lead("lead.followup_logged", tenant.id, {
        **lead, "version": 2, "followup": {"id": 1, "channel": "phone", "note": "โทรแล้ว",
                                           "author_id": str(tenant.sales1.id),
                                           "created_at": lead["created_at"]}}, sequence=2)
    await leads_peer.lead("lead.converted", tenant.id, {
        **lead, "version": 4, "account_id": acc["id"], "contact_id": str(uuid.uuid4()),
        "conversion_status": "converted", "conversion_id": str(uuid.uuid4())}, sequence=4)
    page = await _timeline(api, h, acc["id"], lambda items: len(items) == 3)
    assert [e["kind"] for e in page["items"]] == ["lead_converted", "followup",
                                                 "lead_created"]
    assert page["items"][1]["summary"]["followup"]["note"] == "โทรแล้ว"

    r = await api.post(f"/api/v1/accounts/{other['id']}/merge", headers=h,
                       json={"from_id": acc["id"]})
    assert r.status_code == 200, r.text
    moved = await _timeline(api, h, other["id"], lambda items: len(items) == 3)
    assert {e["account_id"] for e in moved["items"]} == {other["id"]}
    # a late event naming the merged-away account lands on the survivor; it is a v1 event
    # (a producer not rolled over yet: `status`, `from_status`), read as v2
    v1 = {**{k: v for k, v in lead.items() if k != "box"}, "status": "inbox"}
    await leads_peer.lead("lead.restored", tenant.id, {
        **v1, "version": 5, "account_id": acc["id"], "from_status": "lost"}, sequence=5,
        dataversion="1")
    late = await _timeline(api, h, other["id"], lambda items: len(items) == 4)
    assert late["items"][0]["kind"] == "lead_restored"
    summary = late["items"][0]["summary"]
    assert summary["from_box"] == "lost" and summary["box"] == "inbox"
    assert "status" not in summary and "from_status" not in summary


def _quote_sent(tenant, *, lead_id=None, account_id=None, number="QT2569-0009") -> dict:
    from datetime import date

    from tidtam_contracts.documents import QuoteSentV1

    by = str(tenant.sales1.id)
    return QuoteSentV1.model_validate({
        "id": str(uuid.uuid4()), "number": number, "revision": 0, "previous_id": None,
        "lead_id": lead_id, "account_id": account_id, "contact_id": None, "status": "sent",
        "issue_date": date.today(), "valid_until": None, "subtotal": "100.00",
        "before_vat": "100.00", "vat": "7.00", "grand_total": "107.00", "wht": "0.00",
        "net_payable": "107.00", "created_by": by, "version": 2, "by_user_id": by,
        "to": "buyer@example.co.th", "cc": [], "message": None, "language": "th",
        "seller_name": "", "sender_name": "มานะ", "sender_email": None,
        "attachment": {"filename": f"{number}.pdf", "content_type": "application/pdf",
                       "content_base64": "JVBERi0=", "sha256": "x"}}).model_dump(mode="json")


async def test_sent_quotes_of_the_account_and_its_leads(api, tenant, leads_peer):
    """quote.sent (documents): a quote of the account, and one of its lead."""
    h = tenant.headers(tenant.sales1, account_visibility="own")
    acc = (await api.post("/api/v1/accounts", json=thai_company(
        805, owner_id=str(tenant.sales1.id)), headers=tenant.headers(tenant.admin))).json()
    lead = lead_data(tenant, tenant.sales1, account_id=acc["id"])
    await leads_peer.lead("lead.created", tenant.id, lead)
    for data in (_quote_sent(tenant, account_id=acc["id"], number="QT2569-0009"),
                 _quote_sent(tenant, lead_id=lead["id"], number="QT2569-0010")):
        event = await leads_peer.publish("quote.sent", tenant.id, data["id"], data, 2,
                                         source="/services/documents")
    await leads_peer.republish(event)  # a redelivery: no new entry
    page = await _timeline(api, h, acc["id"], lambda items: len(
        [e for e in items if e["kind"] == "quote_sent"]) >= 2)
    sent = [e for e in page["items"] if e["kind"] == "quote_sent"]
    assert sorted(e["summary"]["number"] for e in sent) == ["QT2569-0009", "QT2569-0010"]
    assert {e["lead_id"] for e in sent} == {None, lead["id"]}
    assert sent[0]["summary"]["to"] == "buyer@example.co.th"


def _deal(tenant, account_id: str, **over) -> dict:
    now = "2026-12-01T03:00:00+00:00"
    return {"id": str(uuid.uuid4()), "name": "ระบบ CRM 12 ที่นั่ง", "account_id": account_id,
            "contact_id": None, "owner_id": str(tenant.sales1.id),
            "pipeline_id": str(uuid.uuid4()), "stage_id": str(uuid.uuid4()),
            "amount": "120000.00", "expected_close": "2027-01-31", "probability": 20,
            "status": "open", "lost_reason": None, "closed_on": None, "lead_id": None,
            "version": 1, "created_at": now, "updated_at": now,
            "by_user_id": str(tenant.sales1.id), "changes": {}, **over}


async def test_the_account_s_deals_with_what_changed(api, tenant, leads_peer):
    """deal.* (leads service, issue 16): an entry per event under the deal's account,
    with the deal as it is and its changes (before → after); a redelivery adds nothing; a
    change of the product lines alone is not shown."""
    h = tenant.headers(tenant.sales1, account_visibility="own")
    acc = (await api.post("/api/v1/accounts", json=thai_company(
        806, owner_id=str(tenant.sales1.id)), headers=tenant.headers(tenant.admin))).json()
    deal = _deal(tenant, acc["id"])
    later = str(uuid.uuid4())
    steps = [
        ("deal.created", {"changes": {"amount": [None, "120000.00"]}}),
        ("deal.stage_changed", {"stage_id": later,
                                "changes": {"stage_id": [deal["stage_id"], later]}}),
        ("deal.updated", {"changes": {"lines": [[], [{"name": "x"}]]}}),
        ("deal.updated", {"owner_id": str(tenant.sales2.id), "expected_close": "2027-02-28",
                          "changes": {"owner_id": [str(tenant.sales1.id),
                                                   str(tenant.sales2.id)],
                                      "expected_close": ["2027-01-31", "2027-02-28"]}}),
        ("deal.won", {"status": "won", "amount": "119000.00", "closed_on": "2026-12-20",
                      "changes": {"status": ["open", "won"],
                                  "amount": ["120000.00", "119000.00"]}}),
    ]
    for version, (type_, change) in enumerate(steps, start=1):
        event = await leads_peer.publish(type_, tenant.id, deal["id"],
                                         {**deal, **change, "version": version}, version,
                                         source="/services/leads")
    await leads_peer.republish(event)  # a redelivery: no new entry
    page = await _timeline(api, h, acc["id"], lambda items: any(
        e["kind"] == "deal_won" for e in items))
    items = [e for e in page["items"] if e["kind"].startswith("deal_")]
    assert [e["kind"] for e in items] == ["deal_won", "deal_updated", "deal_stage_changed",
                                          "deal_created"]
    won, updated, moved, _ = (e["summary"] for e in items)
    assert won["deal_id"] == deal["id"] and won["status"] == "won"
    assert won["changes"] == {"status": ["open", "won"], "amount": ["120000.00", "119000.00"]}
    assert updated["changes"]["expected_close"] == ["2027-01-31", "2027-02-28"]
    assert moved["stage_id"] == later and moved["by_user_id"] == str(tenant.sales1.id)

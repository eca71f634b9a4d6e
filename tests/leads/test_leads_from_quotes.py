"""`quote.accepted` from the documents service (published here on the real broker, as its
relay publishes it) sets the lead's potential value to the quote's amount before VAT, with a
`lead.updated`; a redelivery changes nothing more."""

from __future__ import annotations

import uuid
from datetime import date

import anyio
import pytest
from leads_conversion_support import wait_lead

from crmkit.events import CloudEvent
from crmkit.testing.tenants import GatewayEvents
from tidtam_contracts.documents import QuoteAcceptedV1, QuoteSentV1

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def documents(leads_amqp):
    events = GatewayEvents(leads_amqp)
    await events.start()
    yield events
    await events.stop()


def _accepted(tenant, lead_id, by, before_vat: str) -> CloudEvent:
    qid = str(uuid.uuid4())
    data = QuoteAcceptedV1.model_validate({
        "id": qid, "number": "QT2569-0007", "revision": 0, "previous_id": None,
        "lead_id": lead_id, "account_id": None, "contact_id": None, "status": "accepted",
        "issue_date": date.today(), "valid_until": None, "subtotal": before_vat,
        "before_vat": before_vat, "vat": "0.00", "grand_total": before_vat, "wht": "0.00",
        "net_payable": before_vat, "created_by": str(by), "version": 3,
        "by_user_id": str(by)})
    return CloudEvent(source="/services/documents", type=QuoteAcceptedV1.TYPE, subject=qid,
                      tenantid=str(tenant.id), sequence=3, dataversion="1",
                      data=data.model_dump(mode="json"))


async def test_an_accepted_quote_sets_the_potential_value(api, tenant, create_lead,
                                                          documents, lead_events):
    lead = await create_lead(tenant.sales1, potential=1000)
    event = _accepted(tenant, lead["id"], tenant.sales1.id, "45000.50")
    await documents.republish(event)
    h = tenant.headers(tenant.sales1)
    after = await wait_lead(api, h, lead["id"], lambda x: x["potential"] != "1000.00")
    assert after["potential"] == "45000.50"
    assert after["version"] == lead["version"] + 1
    updated = await lead_events.assert_published(
        "lead.updated", lambda e: e["subject"] == lead["id"])
    assert updated["data"]["changed"] == ["potential"]
    assert updated["data"]["by_user_id"] == str(tenant.sales1.id)
    # Redelivered: skipped (no second version). A later quote for another lead, published
    # after it on the same queue, shows the redelivery was consumed first.
    await documents.republish(event)
    marker = await create_lead(tenant.sales1)
    await documents.republish(_accepted(tenant, marker["id"], tenant.sales1.id, "1.00"))
    await wait_lead(api, h, marker["id"], lambda x: x["potential"] == "1.00")
    again = (await api.get(f"/api/v1/leads/{lead['id']}", headers=h)).json()
    assert again["version"] == after["version"] and again["potential"] == "45000.50"


async def test_a_quote_of_an_unknown_lead_changes_nothing(api, tenant, create_lead,
                                                          documents):
    await documents.republish(_accepted(tenant, str(uuid.uuid4()), tenant.sales1.id, "9.00"))
    marker = await create_lead(tenant.sales1)
    await documents.republish(_accepted(tenant, marker["id"], tenant.sales1.id, "2.00"))
    await wait_lead(api, tenant.headers(tenant.sales1), marker["id"],
                    lambda x: x["potential"] == "2.00")


def _sent(tenant, lead_id, by, number: str) -> CloudEvent:
    qid = str(uuid.uuid4())
    data = QuoteSentV1.model_validate({
        "id": qid, "number": number, "revision": 0, "previous_id": None,
        "lead_id": lead_id, "account_id": None, "contact_id": None, "status": "sent",
        "issue_date": date.today(), "valid_until": None, "subtotal": "100.00",
        "before_vat": "100.00", "vat": "7.00", "grand_total": "107.00", "wht": "0.00",
        "net_payable": "107.00", "created_by": str(by), "version": 2, "by_user_id": str(by),
        "to": "somsri@example.co.th", "cc": [], "message": None, "language": "th",
        "seller_name": "", "sender_name": "มานะ", "sender_email": None,
        "attachment": {"filename": f"{number}.pdf", "content_type": "application/pdf",
                       "content_base64": "JVBERi0=", "sha256": "x"}})
    return CloudEvent(source="/services/documents", type=QuoteSentV1.TYPE, subject=qid,
                      tenantid=str(tenant.id), sequence=2, dataversion="1",
                      data=data.model_dump(mode="json"))


async def test_a_sent_quote_is_on_the_lead_history(api, tenant, create_lead, documents):
    lead = await create_lead(tenant.sales1)
    event = _sent(tenant, lead["id"], tenant.sales1.id, "QT2569-0042")
    await documents.republish(event)
    await documents.republish(event)  # a redelivery adds nothing
    h = tenant.headers(tenant.sales1)
    url = f"/api/v1/leads/{lead['id']}/history"
    with anyio.fail_after(30):
        while True:
            if [e for e in (await api.get(url, headers=h)).json() if e["kind"] == "quote_sent"]:
                break
            await anyio.sleep(0.1)
    # A later event on the same queue shows the redelivery was consumed first.
    marker = await create_lead(tenant.sales1)
    await documents.republish(_accepted(tenant, marker["id"], tenant.sales1.id, "3.00"))
    await wait_lead(api, h, marker["id"], lambda x: x["potential"] == "3.00")
    [entry] = [e for e in (await api.get(url, headers=h)).json() if e["kind"] == "quote_sent"]
    assert entry["channel"] == "email" and entry["author"]["id"] == str(tenant.sales1.id)
    assert entry["detail"]["number"] == "QT2569-0042"
    assert entry["detail"]["to"] == "somsri@example.co.th"

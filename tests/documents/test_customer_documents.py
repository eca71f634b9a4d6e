"""A customer's documents: GET /api/v1/accounts/{id}/documents (the account's quotes and
those of its leads) and GET /api/v1/leads/{id}/documents, under the same visibility."""

from __future__ import annotations

import pytest
from doc_support import given_account, given_lead

pytestmark = pytest.mark.integration

LINE = [{"description": "งานออกแบบ", "quantity": 1, "unit_price": 5000}]


async def test_an_accounts_documents_include_its_leads(api, tenant, gateway_events, doc_db):
    acc = await given_account(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    lead = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id,
                            account_id=acc["id"])
    other = await given_lead(gateway_events, tenant, doc_db.owner_url, tenant.sales1.id)
    me = tenant.headers(tenant.sales1, "team", account_visibility="team")
    own = (await api.post("/api/v1/quotes", headers=me,
                          json={"account_id": acc["id"], "lines": LINE})).json()
    of_lead = (await api.post("/api/v1/quotes", headers=me,
                              json={"lead_id": lead["id"], "lines": LINE})).json()
    await api.post("/api/v1/quotes", headers=me, json={"lead_id": other["id"], "lines": LINE})
    r = await api.get(f"/api/v1/accounts/{acc['id']}/documents", headers=me)
    assert r.status_code == 200, r.text
    assert [d["id"] for d in r.json()["items"]] == [of_lead["id"], own["id"]]
    r = await api.get(f"/api/v1/leads/{lead['id']}/documents", headers=me)
    assert [d["id"] for d in r.json()["items"]] == [of_lead["id"]]
    # Someone who may not see the account (or lead) gets 404, not an empty list.
    outsider = tenant.headers(tenant.sales3, "team", account_visibility="team")
    assert (await api.get(f"/api/v1/accounts/{acc['id']}/documents",
                          headers=outsider)).status_code == 404
    assert (await api.get(f"/api/v1/leads/{lead['id']}/documents",
                          headers=outsider)).status_code == 404


async def test_every_kind_of_document_newest_first_in_keyset_pages(api, tenant, gateway_events,
                                                                   doc_db):
    """Quotation → invoice → tax invoice → credit note: the account's list carries all four
    (kind, number, status, date, total, the record's and the PDF's paths), newest first,
    and pages through them with the cursor; the lead's list has only its own."""
    from test_invoices import _sent  # the issued quote of a new account
    from test_tax_invoice import PROFILE

    me = tenant.headers(tenant.sales1)
    await api.put("/api/v1/company-profile", headers=tenant.headers(tenant.admin),
                  json=PROFILE)
    q = await _sent(api, tenant, gateway_events, doc_db)
    inv = (await api.post(f"/api/v1/quotes/{q['id']}/invoice", headers=me)).json()
    tx = (await api.post(f"/api/v1/invoices/{inv['id']}/tax-invoice", headers=me)).json()
    cn = (await api.post(f"/api/v1/tax-invoices/{tx['id']}/credit-notes", headers=me, json={
        "reason": "ส่งคืน 1 จุด", "lines": [{"description": "ค่าติดตั้ง", "quantity": 1,
                                              "unit_price": "100"}]})).json()
    draft = (await api.post("/api/v1/quotes", headers=me,
                            json={"account_id": q["account_id"], "lines": LINE})).json()

    r = await api.get(f"/api/v1/accounts/{q['account_id']}/documents", headers=me)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [(d["kind"], d["id"]) for d in items] == [
        ("quote", draft["id"]), ("credit_note", cn["id"]), ("tax_invoice", tx["id"]),
        ("invoice", inv["id"]), ("quote", q["id"])]
    by_kind = {d["kind"]: d for d in items[1:]}
    assert by_kind["invoice"]["status"] == "tax_invoiced"
    assert (by_kind["invoice"]["number"], by_kind["invoice"]["total"]) == (
        inv["number"], inv["grand_total"])
    assert (by_kind["tax_invoice"]["total"], by_kind["credit_note"]["total"]) == (
        tx["grand_total"], cn["total"]) == ("7990.00", "107.00")
    assert by_kind["credit_note"]["issue_date"] == cn["issue_date"]
    assert items[0]["number"] is None and items[0]["status"] == "draft"
    assert by_kind["quote"]["status"] == "sent" and by_kind["quote"]["number"] == q["number"]
    for d in items:
        assert d["quote_id"] == (draft["id"] if d is items[0] else q["id"])
        assert (await api.get(d["url"], headers=me)).json()["id"] == d["id"]
        r = await api.get(d["pdf_url"], headers=me)
        assert r.status_code == 200 and r.content.startswith(b"%PDF"), d

    # Keyset pages of two: the same five, in the same order, each once.
    seen, cursor = [], None
    while True:
        r = await api.get(f"/api/v1/accounts/{q['account_id']}/documents", headers=me,
                          params={"limit": 2, **({"cursor": cursor} if cursor else {})})
        page = r.json()
        assert len(page["items"]) <= 2
        seen += [d["id"] for d in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == [d["id"] for d in items]
    # Someone who may not see the account sees none of them.
    outsider = tenant.headers(tenant.sales3, "team", account_visibility="team")
    assert (await api.get(f"/api/v1/accounts/{q['account_id']}/documents",
                          headers=outsider)).status_code == 404

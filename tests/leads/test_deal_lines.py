"""Deals (issue 16, second part) on the real leads service: product lines from the
documents catalogue (known here from `product.*` events) or named, the amount their sum
unless typed; the per-stage default probability, overridable per deal, and the weighted
amount; a quote accepted for the deal (`quote.accepted` with `deal_id`) sets its amount.
Every change in the append-only history."""

from __future__ import annotations

import uuid
from datetime import date

import anyio
import pytest
from leads_support import given_product

from crmkit.events import CloudEvent
from tidtam_contracts.documents import QuoteAcceptedV1

pytestmark = pytest.mark.integration
DEALS = "/api/v1/deals"


async def _deal(api, h, account, **over):
    r = await api.post(DEALS, headers=h, json={"name": "กล้อง 4 จุด",
                                               "account_id": account["id"], **over})
    assert r.status_code == 201, r.text
    return r.json()


async def test_lines_make_the_amount_unless_it_is_typed(api, tenant, gateway_events,
                                                        leads_db, lead_events, account):
    h = tenant.headers(tenant.sales1)
    cam = await given_product(gateway_events, tenant, leads_db)
    deal = await _deal(api, h, account, lines=[
        {"product_id": cam["id"], "quantity": 4},
        {"name": "ค่าติดตั้ง", "quantity": "1.5", "price": "800.50"}])
    assert [(li["name"], li["price"], li["amount"]) for li in deal["lines"]] == [
        ("กล้องวงจรปิด", "2500.00", "10000.00"), ("ค่าติดตั้ง", "800.50", "1200.75")]
    assert deal["lines"][0]["product_id"] == cam["id"] and deal["lines"][1]["product_id"] is None
    assert (deal["amount"], deal["amount_source"]) == ("11200.75", "lines")
    base = f"{DEALS}/{deal['id']}"
    r = await api.patch(base, headers=h, json={"lines": [{"product_id": cam["id"],
                                                          "quantity": 2, "price": "2400"}]})
    assert (r.json()["amount"], r.json()["amount_source"]) == ("4800.00", "lines")
    r = await api.patch(base, headers=h, json={"amount": "5000"})
    assert (r.json()["amount"], r.json()["amount_source"]) == ("5000.00", "typed")
    r = await api.patch(base, headers=h, json={"lines": [{"name": "x", "price": 1}]})
    assert r.json()["amount"] == "5000.00"  # a typed amount stays
    r = await api.patch(base, headers=h, json={"amount": None})
    assert (r.json()["amount"], r.json()["amount_source"]) == ("1.00", "lines")
    r = await api.patch(base, headers=h, json={"lines": []})
    assert (r.json()["amount"], r.json()["amount_source"], r.json()["lines"]) == (
        None, None, [])

    history = (await api.get(f"{base}/history", headers=h)).json()
    assert [e["kind"] for e in history] == ["created"] + ["updated"] * 5
    assert history[0]["changes"]["amount"] == [None, "11200.75"]
    assert len(history[0]["changes"]["lines"][1]) == 2
    assert history[1]["changes"]["amount"] == ["11200.75", "4800.00"]
    assert history[2]["changes"] == {"amount": ["4800.00", "5000"],
                                     "amount_source": ["lines", "typed"]}
    assert set(history[3]["changes"]) == {"lines"}
    event = await lead_events.assert_published(
        "deal.updated", lambda e: e["subject"] == deal["id"] and e["sequence"] == 3)
    assert event["data"]["amount_source"] == "typed"
    assert event["data"]["lines"][0]["amount"] == "4800.00"


@pytest.mark.parametrize("line, status, field", [
    ({"quantity": 1, "price": 1}, 422, "body.lines.0.name"),
    ({"name": "x"}, 422, "body.lines.0.price"),
    ({"name": "x", "price": 1, "quantity": 0}, 422, "body.lines.0.quantity"),
    ({"name": "x", "price": "-1"}, 422, "body.lines.0.price"),
    ({"product_id": str(uuid.uuid4())}, 404, "body.lines.0.product_id"),
    ({"name": "x", "price": "999999999999.99", "quantity": 2}, 422, "body.lines.0"),
])
async def test_bad_lines_are_refused_clearly(api, tenant, line, status, field, account):
    r = await api.post(DEALS, headers=tenant.headers(tenant.sales1), json={
        "name": "x", "account_id": account["id"], "lines": [line]})
    assert r.status_code == status, r.text
    assert field in {f["field"] for f in r.json()["fields"]}, r.text


async def test_lines_that_add_up_past_an_amount_are_refused(api, tenant, account):
    half = {"name": "x", "price": "600000000000"}
    r = await api.post(DEALS, headers=tenant.headers(tenant.sales1), json={
        "name": "x", "account_id": account["id"], "lines": [half, half]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.lines", r.text


async def test_stage_default_probability_overridable_and_weighted(api, tenant, account):
    admin = tenant.headers(tenant.admin)
    h = tenant.headers(tenant.sales1)
    r = await api.post("/api/v1/pipelines", headers=admin, json={
        "name": f"โครงการ {uuid.uuid4().hex[:4]}",
        "stages": [{"name": "เสนอ", "probability": 20}, {"name": "ต่อรอง"},
                   {"name": "ปิด", "probability": 90}]})
    assert r.status_code == 201, r.text
    pipe = r.json()
    stages = pipe["stages"]
    assert [s["probability"] for s in stages] == [20, None, 90]
    r = await api.patch(f"/api/v1/pipelines/{pipe['id']}/stages/{stages[1]['id']}",
                        headers=admin, json={"probability": 50})
    assert r.status_code == 200 and r.json()["stages"][1]["probability"] == 50
    r = await api.patch(f"/api/v1/pipelines/{pipe['id']}/stages/{stages[1]['id']}",
                        headers=admin, json={"probability": 101})
    assert r.status_code == 422
    deal = await _deal(api, h, account, pipeline_id=pipe["id"], amount="10000.05")
    assert (deal["probability"], deal["probability_typed"]) == (20, False)
    assert deal["weighted_amount"] == "2000.01"  # 2000.01 (half up)
    base = f"{DEALS}/{deal['id']}"
    r = await api.post(f"{base}/stage", headers=h, json={"stage_id": stages[1]["id"]})
    assert (r.json()["probability"], r.json()["weighted_amount"]) == (50, "5000.03")
    r = await api.patch(base, headers=h, json={"probability": 70})
    assert (r.json()["probability"], r.json()["probability_typed"]) == (70, True)
    r = await api.post(f"{base}/stage", headers=h, json={"stage_id": stages[2]["id"]})
    assert r.json()["probability"] == 70  # typed: the stage's default does not apply
    r = await api.patch(base, headers=h, json={"probability": None})
    assert (r.json()["probability"], r.json()["probability_typed"]) == (90, False)
    typed = await _deal(api, h, account, pipeline_id=pipe["id"], probability=5)
    assert (typed["probability"], typed["probability_typed"]) == (5, True)
    none = await _deal(api, h, account)  # the standard pipeline's stages have no default
    assert (none["probability"], none["weighted_amount"]) == (None, None)

    history = (await api.get(f"{base}/history", headers=h)).json()
    assert history[1]["changes"]["probability"] == [20, 50]
    assert "probability" not in history[3]["changes"]
    assert history[4]["changes"] == {"probability": [70, 90],
                                     "probability_typed": [True, False]}


def _accepted(tenant, deal_id, by, before_vat: str, number: str = "QT2569-0042") -> CloudEvent:
    qid = str(uuid.uuid4())
    data = QuoteAcceptedV1.model_validate({
        "id": qid, "number": number, "revision": 0, "previous_id": None,
        "lead_id": None, "account_id": str(uuid.uuid4()), "contact_id": None,
        "status": "accepted", "issue_date": date.today(), "valid_until": None,
        "subtotal": before_vat, "before_vat": before_vat, "vat": "0.00",
        "grand_total": before_vat, "wht": "0.00", "net_payable": before_vat,
        "created_by": str(by), "version": 3, "by_user_id": str(by), "deal_id": deal_id})
    return CloudEvent(source="/services/documents", type=QuoteAcceptedV1.TYPE, subject=qid,
                      tenantid=str(tenant.id), sequence=3, dataversion="1",
                      data=data.model_dump(mode="json"))


async def _wait_deal(api, h, deal_id, until) -> dict:
    with anyio.fail_after(15):
        while True:
            r = await api.get(f"{DEALS}/{deal_id}", headers=h)
            if until(r.json()):
                return r.json()
            await anyio.sleep(0.05)


async def test_an_accepted_quote_sets_the_deal_s_amount(api, tenant, gateway_events,
                                                        lead_events, account):
    h = tenant.headers(tenant.sales1)
    deal = await _deal(api, h, account, amount="1000")
    won = await _deal(api, h, account, amount="7")
    assert (await api.post(f"{DEALS}/{won['id']}/won", headers=h, json={})).status_code == 200
    await gateway_events.republish(_accepted(tenant, won["id"], tenant.sales2.id, "99.00"))
    await gateway_events.republish(_accepted(tenant, deal["id"], tenant.sales2.id,
                                             "45000.50"))
    after = await _wait_deal(api, h, deal["id"], lambda d: d["amount"] != "1000.00")
    assert (after["amount"], after["amount_source"]) == ("45000.50", "quote")
    last = (await api.get(f"{DEALS}/{deal['id']}/history", headers=h)).json()[-1]
    assert (last["kind"], last["author_id"], last["note"]) == (
        "updated", str(tenant.sales2.id), "quote QT2569-0042 accepted")
    assert last["changes"] == {"amount": ["1000.00", "45000.50"],
                               "amount_source": ["typed", "quote"]}
    await lead_events.assert_published(
        "deal.updated", lambda e: e["subject"] == deal["id"]
        and e["data"]["amount_source"] == "quote")
    # The won deal, whose quote came first on the same queue, kept what it was won at.
    assert (await api.get(f"{DEALS}/{won['id']}", headers=h)).json()["amount"] == "7.00"

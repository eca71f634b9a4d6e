"""POST /leads/{id}/convert and the answers from the accounts service (published here by a
peer publisher on the real broker, as the accounts service publishes them)."""

from __future__ import annotations

import uuid

import pytest
from leads_conversion_support import PeerEvents, account_data, wait_lead

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def peer(leads_amqp):
    events = PeerEvents(leads_amqp)
    await events.start()
    yield events
    await events.stop()


def _mine(lead):
    return lambda e: e["subject"] == lead["id"]


async def _convert(api, tenant, lead, body, person=None, **kw):
    person = person or tenant.sales1
    return await api.post(f"/api/v1/leads/{lead['id']}/convert",
                          headers=tenant.headers(person, **kw), json=body)


async def test_new_lead_is_not_linked(create_lead, tenant):
    lead = await create_lead(tenant.sales1)
    assert (lead["account_id"], lead["contact_id"]) == (None, None)
    assert (lead["conversion_status"], lead["conversion_error"]) == (None, None)


@pytest.mark.parametrize("body, fields", [
    ({}, {"body.account_id", "body.account"}),
    ({"account_id": str(uuid.uuid4()), "account": {"name": "x"}},
     {"body.account_id", "body.account"}),
    ({"account_id": None}, {"body.account_id"}),
    ({"account_id": "not-a-uuid"}, {"body.account_id"}),
    ({"account": "บริษัท"}, {"body.account"}),
    ({"account_id": str(uuid.uuid4()), "extra": 1}, {"body.extra"}),
])
async def test_exactly_one_target(api, tenant, create_lead, body, fields):
    lead = await create_lead(tenant.sales1)
    r = await _convert(api, tenant, lead, body)
    assert r.status_code == 422, r.text
    assert {f["field"] for f in r.json()["fields"]} == fields
    got = (await api.get(f"/api/v1/leads/{lead['id']}", headers=tenant.headers(tenant.sales1)))
    assert got.json()["conversion_status"] is None and got.json()["version"] == 1


async def test_invisible_is_404_and_read_only_is_403(api, tenant, create_lead):
    lead = await create_lead(tenant.sales1)
    r = await _convert(api, tenant, lead, {}, person=tenant.sales3, visibility="own")
    assert r.status_code == 404                       # before the body is even looked at
    r = await _convert(api, tenant, {"id": str(uuid.uuid4())}, {"account": {}})
    assert r.status_code == 404
    r = await api.post(f"/api/v1/leads/{lead['id']}/send", headers=tenant.headers(tenant.sales1),
                       json={"to_user_id": str(tenant.sales3.id)})
    assert r.status_code == 200
    # sales1 still sees it (their Sent box) but only the owner may convert it
    r = await _convert(api, tenant, lead, {"account": {}}, visibility="own")
    assert r.status_code == 403
    assert (await _convert(api, tenant, lead, {"account": {}}, person=tenant.sales3,
                           visibility="own")).status_code == 202


async def test_existing_account_request_and_409(api, tenant, create_lead, lead_events):
    lead = await create_lead(tenant.sales1, phone="02-123-4567 ต่อ 12")
    account_id = str(uuid.uuid4())
    r = await _convert(api, tenant, lead, {"account_id": account_id}, account_visibility="team")
    assert r.status_code == 202, r.text
    out = r.json()
    assert out["conversion_status"] == "converting" and out["version"] == 2
    assert out["account_id"] is None                  # linked only once accounts answers
    event = await lead_events.assert_published("lead.conversion_requested", _mine(lead))
    data = event["data"]
    assert event["sequence"] == 2
    assert data["lead_id"] == lead["id"] and data["account_id"] == account_id
    assert data["account"] is None
    assert data["contact"] == {"name": lead["name"], "phones": ["+6621234567;ext=12"],
                               "emails": [lead["email"]]}
    team_a = sorted(str(p.id) for p in (tenant.manager, tenant.sales1, tenant.sales2))
    assert data["requested_by"] == {"user_id": str(tenant.sales1.id), "role": "sales",
                                    "team_id": str(tenant.sales1.team_id),
                                    "account_owner_ids": team_a}
    uuid.UUID(data["conversion_id"])

    again = await _convert(api, tenant, lead, {"account_id": account_id})
    assert again.status_code == 409 and "already being converted" in again.json()["message"]
    history = (await api.get(f"/api/v1/leads/{lead['id']}/history",
                             headers=tenant.headers(tenant.sales1))).json()
    assert [e["kind"] for e in history] == ["created", "conversion_requested"]
    assert history[1]["detail"]["conversion_id"] == data["conversion_id"]


async def test_new_account_defaults_and_overrides(api, tenant, create_lead, lead_events):
    company = await create_lead(tenant.sales1, company="บริษัท ตัวอย่าง จำกัด")
    r = await _convert(api, tenant, company, {
        "account": {"tax_id": "0105558000000", "labels": ["VIP"]},
        "contact": {"position": "ผู้จัดการฝ่ายจัดซื้อ"}}, person=tenant.admin)
    assert r.status_code == 202, r.text
    data = (await lead_events.assert_published("lead.conversion_requested",
                                               _mine(company)))["data"]
    assert data["account_id"] is None
    assert data["account"] == {
        "kind": "company", "name": "บริษัท ตัวอย่าง จำกัด", "phones": ["+66812345678"],
        "emails": [company["email"]], "owner_id": str(tenant.sales1.id),
        "tax_id": "0105558000000", "labels": ["VIP"]}
    assert data["contact"]["position"] == "ผู้จัดการฝ่ายจัดซื้อ"
    assert data["contact"]["name"] == company["name"]
    assert data["requested_by"]["account_owner_ids"] is None      # an admin sees all

    person = await create_lead(tenant.sales1)
    r = await _convert(api, tenant, person, {"account": {"name": "คุณสมศักดิ์ (ส่วนตัว)"}},
                       account_visibility="own")
    assert r.status_code == 202
    data = (await lead_events.assert_published("lead.conversion_requested",
                                               _mine(person)))["data"]
    assert data["account"]["kind"] == "person"
    assert data["account"]["name"] == "คุณสมศักดิ์ (ส่วนตัว)"
    assert data["requested_by"]["account_owner_ids"] == [str(tenant.sales1.id)]


async def test_lost_lead_must_be_restored_first(api, tenant, create_lead):
    lead = await create_lead(tenant.sales1)
    h = tenant.headers(tenant.sales1)
    await api.post(f"/api/v1/leads/{lead['id']}/lost", headers=h, json={"reason": "แพง"})
    r = await _convert(api, tenant, lead, {"account": {}})
    assert r.status_code == 409 and "restore" in r.json()["message"]


async def _requested(api, tenant, lead, lead_events, body=None):
    r = await _convert(api, tenant, lead, body or {"account": {}})
    assert r.status_code == 202, r.text
    events = await _all_requests(lead_events, lead, r.json()["version"])
    return events["data"]


async def _all_requests(lead_events, lead, version):
    return await lead_events.assert_published(
        "lead.conversion_requested", lambda e: e["subject"] == lead["id"]
        and e["sequence"] == version)


async def test_converted_answer_links_the_lead_once(api, tenant, create_lead, lead_events,
                                                   peer):
    h = tenant.headers(tenant.sales1)
    lead, marker = await create_lead(tenant.sales1), await create_lead(tenant.sales1)
    req = await _requested(api, tenant, lead, lead_events)
    answer = {"conversion_id": req["conversion_id"], "lead_id": lead["id"],
              "account_id": str(uuid.uuid4()), "contact_id": str(uuid.uuid4())}
    event = await peer.account("account.lead_converted", tenant.id, answer)
    done = await wait_lead(api, h, lead["id"], lambda x: x["conversion_status"] == "converted")
    assert (done["account_id"], done["contact_id"]) == (answer["account_id"],
                                                        answer["contact_id"])
    assert done["version"] == 3 and done["box"] == "inbox"
    assert done["stage_id"] == lead["stage_id"]         # stays in its pipeline
    published = await lead_events.assert_published("lead.converted", _mine(lead))
    assert published["data"]["account_id"] == answer["account_id"]
    assert published["data"]["conversion_id"] == req["conversion_id"]
    assert published["data"]["conversion_status"] == "converted"
    assert published["sequence"] == 3

    # The same event redelivered, and a second answer (new event id) for the same
    # conversion: neither changes the lead again. The marker's answer, published after
    # them on the same queue, shows both were consumed.
    await peer.republish(event)
    await peer.account("account.lead_converted", tenant.id,
                       {**answer, "contact_id": str(uuid.uuid4())})
    mreq = await _requested(api, tenant, marker, lead_events)
    await peer.account("account.lead_converted", tenant.id, {
        "conversion_id": mreq["conversion_id"], "lead_id": marker["id"],
        "account_id": answer["account_id"], "contact_id": str(uuid.uuid4())})
    await wait_lead(api, h, marker["id"], lambda x: x["conversion_status"] == "converted")
    after = (await api.get(f"/api/v1/leads/{lead['id']}", headers=h)).json()
    assert after == done
    assert len(lead_events.of_type("lead.converted")) >= 2
    assert [e for e in lead_events.of_type("lead.converted")
            if e["subject"] == lead["id"]] == [published]
    history = (await api.get(f"/api/v1/leads/{lead['id']}/history", headers=h)).json()
    assert [e["kind"] for e in history] == ["created", "conversion_requested", "converted"]
    assert history[2]["author"] == {"id": None, "name": None}

    again = await _convert(api, tenant, lead, {"account_id": str(uuid.uuid4())})
    assert again.status_code == 409 and "not supported" in again.json()["message"]


async def test_failed_answer_then_retry(api, tenant, create_lead, lead_events, peer):
    h = tenant.headers(tenant.sales1)
    lead = await create_lead(tenant.sales1)
    first = await _requested(api, tenant, lead, lead_events)
    reason = "account: tax_id: the check digit is wrong"
    await peer.account("account.conversion_failed", tenant.id, {
        "conversion_id": first["conversion_id"], "lead_id": lead["id"], "reason": reason})
    failed = await wait_lead(api, h, lead["id"], lambda x: x["conversion_status"] == "failed")
    assert failed["conversion_error"] == reason and failed["account_id"] is None
    event = await lead_events.assert_published("lead.conversion_failed", _mine(lead))
    assert event["data"]["conversion_error"] == reason

    second = await _requested(api, tenant, lead, lead_events, {"account": {"name": "ใหม่"}})
    assert second["conversion_id"] != first["conversion_id"]
    retry = (await api.get(f"/api/v1/leads/{lead['id']}", headers=h)).json()
    assert retry["conversion_status"] == "converting" and retry["conversion_error"] is None
    # a late answer to the first attempt is stale: ignored
    await peer.account("account.lead_converted", tenant.id, {
        "conversion_id": first["conversion_id"], "lead_id": lead["id"],
        "account_id": str(uuid.uuid4()), "contact_id": str(uuid.uuid4())})
    account_id = str(uuid.uuid4())
    await peer.account("account.lead_converted", tenant.id, {
        "conversion_id": second["conversion_id"], "lead_id": lead["id"],
        "account_id": account_id, "contact_id": str(uuid.uuid4())})
    done = await wait_lead(api, h, lead["id"], lambda x: x["conversion_status"] == "converted")
    assert done["account_id"] == account_id
    history = (await api.get(f"/api/v1/leads/{lead['id']}/history", headers=h)).json()
    assert [e["kind"] for e in history] == ["created", "conversion_requested",
                                           "conversion_failed", "conversion_requested",
                                           "converted"]
    assert history[2]["note"] == reason


async def test_account_merge_relinks_leads(api, tenant, create_lead, lead_events, peer):
    h = tenant.headers(tenant.admin)
    old, survivor = str(uuid.uuid4()), str(uuid.uuid4())
    leads = [await create_lead(tenant.sales1), await create_lead(tenant.sales2)]
    for lead in leads:
        req = await _requested(api, tenant, lead, lead_events,
                               {"account_id": old}) if lead["owner_id"] == str(
            tenant.sales1.id) else None
        if req is None:
            r = await _convert(api, tenant, lead, {"account_id": old}, person=tenant.sales2)
            req = (await _all_requests(lead_events, lead, r.json()["version"]))["data"]
        await peer.account("account.lead_converted", tenant.id, {
            "conversion_id": req["conversion_id"], "lead_id": lead["id"], "account_id": old,
            "contact_id": str(uuid.uuid4())})
        await wait_lead(api, h, lead["id"], lambda x: x["account_id"] == old)
    await peer.account("account.merged", tenant.id, account_data(
        survivor, tenant.admin.id, from_id=old, contact_ids=[], version=2))
    for lead in leads:
        moved = await wait_lead(api, h, lead["id"], lambda x: x["account_id"] == survivor)
        assert moved["version"] == 4
        event = await lead_events.assert_published(
            "lead.updated", lambda e, lid=lead["id"]: e["subject"] == lid)
        assert event["data"]["changed"] == ["account_id"]
        assert event["data"]["account_id"] == survivor
        history = (await api.get(f"/api/v1/leads/{lead['id']}/history", headers=h)).json()
        assert history[-1]["kind"] == "account_merged"
        assert history[-1]["detail"] == {"from_account_id": old, "account_id": survivor}


async def test_conversion_events_are_in_the_catalogue(api):
    doc = (await api.get("/asyncapi.json")).json()
    for type_ in ("lead.conversion_requested", "lead.converted", "lead.conversion_failed"):
        assert type_.replace(".", "_") in doc["channels"], type_
    requested = doc["components"]["schemas"]["lead_conversion_requested_v1"]
    assert {"conversion_id", "lead_id", "account_id", "account", "contact",
            "requested_by"} <= set(requested["properties"])
    assert "account_id" in doc["components"]["schemas"]["lead_created_v2"]["properties"]


async def test_a_conversion_opens_one_deal_with_the_account(api, tenant, create_lead,
                                                            lead_events, peer):
    """Issue 16: the accounts service's answer also opens the lead's deal (its owner,
    stage and potential value, the account and contact), once however often it arrives."""
    h = tenant.headers(tenant.sales1)
    lead = await create_lead(tenant.sales1, potential="45000.50", company="บริษัท ดีล จำกัด")
    req = await _requested(api, tenant, lead, lead_events)
    answer = {"conversion_id": req["conversion_id"], "lead_id": lead["id"],
              "account_id": str(uuid.uuid4()), "contact_id": str(uuid.uuid4())}
    event = await peer.account("account.lead_converted", tenant.id, answer)
    await wait_lead(api, h, lead["id"], lambda x: x["conversion_status"] == "converted")
    await peer.republish(event)
    created = await lead_events.assert_published(
        "deal.created", lambda e: e["data"]["lead_id"] == lead["id"])
    deals = (await api.get("/api/v1/deals", headers=h,
                           params={"account_id": answer["account_id"]})).json()["items"]
    assert len(deals) == 1 and deals[0]["id"] == created["subject"]
    deal = deals[0]
    assert (deal["name"], deal["amount"], deal["status"]) == ("บริษัท ดีล จำกัด", "45000.50",
                                                              "open")
    assert (deal["owner_id"], deal["stage_id"], deal["contact_id"]) == (
        str(tenant.sales1.id), lead["stage_id"], answer["contact_id"])
    history = (await api.get(f"/api/v1/deals/{deal['id']}/history", headers=h)).json()
    assert [e["kind"] for e in history] == ["created"] and history[0]["author_id"] is None

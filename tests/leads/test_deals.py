"""Deals (issue 16) on the real leads service: open on an account, change, stage moves
with the stage-back rule (detours included), won/lost/reopen, the history complete and
append-only in the database itself, visibility as leads, `deal.*` events."""

from __future__ import annotations

import uuid

import anyio
import asyncpg
import pytest
from leads_support import fetchval, given_account, given_contact, make_tenant

from crmkit.events import CloudEvent
from crmkit.testing.tenants import pg_dsn
from tidtam_contracts import accounts as contracts

pytestmark = pytest.mark.integration
DEALS = "/api/v1/deals"


async def _deal(api, h, account, **over):
    body = {"name": "ระบบ CRM 12 ที่นั่ง", "account_id": account["id"], **over}
    r = await api.post(DEALS, headers=h, json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def test_a_deal_through_its_life_with_history_and_events(api, tenant, lead_events,
                                                              account):
    h = tenant.headers(tenant.sales1, "own")
    stages = (await api.get("/api/v1/pipelines", headers=h)).json()[0]["stages"]
    deal = await _deal(api, h, account, amount="120000.50", probability=20,
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


async def test_the_history_is_append_only_in_the_database(api, tenant, leads_db, account):
    deal = await _deal(api, tenant.headers(tenant.sales1), account)
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


async def test_stage_back_by_way_of_another_pipeline(api, tenant, account):
    admin = tenant.headers(tenant.admin)
    h = tenant.headers(tenant.sales1)
    pipelines = (await api.get("/api/v1/pipelines", headers=h)).json()
    first = pipelines[0]["stages"]
    r = await api.post("/api/v1/pipelines", headers=admin,
                       json={"name": f"อื่น {uuid.uuid4().hex[:4]}",
                             "stages": [{"name": "หนึ่ง"}, {"name": "สอง"}]})
    assert r.status_code == 201, r.text
    other = r.json()["stages"]
    deal = await _deal(api, h, account, stage_id=first[2]["id"])
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
async def test_visibility_as_leads(api, tenant, who, visibility, sees, account):
    deal = await _deal(api, tenant.headers(tenant.sales1), account)
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
    ({"name": "x", "account_id": "known", "stage_id": str(uuid.uuid4())}, 404,
     "body.stage_id"),
    ({"name": "x", "account_id": str(uuid.uuid4()), "owner_id": str(uuid.uuid4())}, 404,
     "body.owner_id"),
])
async def test_bad_deals_are_refused_clearly(api, tenant, body, status, field, account):
    if body.get("account_id") == "known":
        body = {**body, "account_id": account["id"]}
    r = await api.post(DEALS, headers=tenant.headers(tenant.admin), json=body)
    assert r.status_code == status, r.text
    assert field in {f["field"] for f in r.json()["fields"]}, r.text


def _codes(r) -> dict[str, str]:
    return {f["field"]: f["code"] for f in r.json()["fields"]}


async def test_the_account_and_contact_are_checked(api, tenant, gateway_events, leads_db,
                                                   account):
    """Against the projection of the accounts service's events: an unknown account, one of
    another tenant, one the caller may not see, a deleted or merged-away one, or a contact
    not of the account is 404 naming the field; nothing is made."""
    h = tenant.headers(tenant.sales1)
    contact = await given_contact(gateway_events, tenant, leads_db, account["id"])
    other = await given_account(gateway_events, tenant, leads_db, owner=tenant.sales2)
    strange = await given_contact(gateway_events, tenant, leads_db, other["id"])
    ok = await _deal(api, h, account, contact_id=contact["id"])
    assert ok["contact_id"] == contact["id"]

    foreign_tenant = await make_tenant(gateway_events, leads_db.owner_url)
    foreign = await given_account(gateway_events, foreign_tenant, leads_db,
                                  owner=foreign_tenant.sales1)
    for body, headers, field, code in (
        ({"account_id": str(uuid.uuid4())}, h, "body.account_id", "unknown_account"),
        ({"account_id": foreign["id"]}, h, "body.account_id", "unknown_account"),
        # sales2's account: hidden from sales1 when accounts are `own`, seen under `all`
        ({"account_id": other["id"]}, tenant.headers(tenant.sales1, account_visibility="own"),
         "body.account_id", "unknown_account"),
        ({"account_id": account["id"], "contact_id": strange["id"]}, h, "body.contact_id",
         "unknown_contact"),
        ({"account_id": account["id"], "contact_id": str(uuid.uuid4())}, h,
         "body.contact_id", "unknown_contact"),
    ):
        r = await api.post(DEALS, headers=headers, json={"name": "x", **body})
        assert r.status_code == 404, r.text
        assert _codes(r) == {field: code}, r.text
    assert (await api.post(DEALS, headers=h, json={"name": "x", "account_id": other["id"]})
            ).status_code == 201  # visible under `all`
    r = await api.patch(f"{DEALS}/{ok['id']}", headers=h, json={"contact_id": strange["id"]})
    assert r.status_code == 404 and _codes(r) == {"body.contact_id": "unknown_contact"}
    listed = (await api.get(DEALS, headers=h, params={"limit": 50})).json()["items"]
    assert len(listed) == 2  # the refused ones left nothing

    # Deleted (a later sequence), then an older update redelivered: still deleted.
    gone = await given_account(gateway_events, tenant, leads_db)
    deleted = {**gone, "version": 2}
    await gateway_events.republish(_account_event(tenant, "account.deleted", deleted, 2))
    await _until_deleted(leads_db, gone["id"])
    await gateway_events.republish(_account_event(tenant, "account.updated",
                                                  {**gone, "changed": ["name"]}, 1))
    await given_account(gateway_events, tenant, leads_db)  # one more through the queue
    assert await fetchval(leads_db.owner_url, "SELECT deleted FROM known_accounts "
                          "WHERE id = $1", uuid.UUID(gone["id"])) is True
    r = await api.post(DEALS, headers=h, json={"name": "x", "account_id": gone["id"]})
    assert r.status_code == 404 and _codes(r) == {"body.account_id": "unknown_account"}

    # Merged: the merged-away account is gone, its contacts are the survivor's.
    merged = {**account, "version": 3, "from_id": other["id"],
              "contact_ids": [strange["id"]]}
    await gateway_events.republish(_account_event(tenant, "account.merged", merged, 3))
    await _until_deleted(leads_db, other["id"])
    r = await api.post(DEALS, headers=h, json={"name": "x", "account_id": other["id"]})
    assert r.status_code == 404
    r = await api.patch(f"{DEALS}/{ok['id']}", headers=h, json={"contact_id": strange["id"]})
    assert r.status_code == 200 and r.json()["contact_id"] == strange["id"]


def _account_event(tenant, type_: str, data: dict, sequence: int) -> CloudEvent:
    contract = {"account.deleted": contracts.AccountDeletedV1,
                "account.updated": contracts.AccountUpdatedV1,
                "account.merged": contracts.AccountMergedV1}[type_]
    return CloudEvent(source="/services/accounts", type=type_, subject=data["id"],
                      tenantid=str(tenant.id), sequence=sequence, dataversion="1",
                      data=contract.model_validate(data).model_dump(mode="json"))


async def _until_deleted(leads_db, account_id: str) -> None:
    with anyio.fail_after(15):
        while True:
            if await fetchval(leads_db.owner_url,
                              "SELECT deleted FROM known_accounts WHERE id = $1",
                              uuid.UUID(account_id)):
                return
            await anyio.sleep(0.05)

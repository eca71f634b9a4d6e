"""Accounts made before the leads service learnt accounts (migration 0021) are unknown to
the deals' account check. `python -m tidtam_leads.accounts.backfill` asks the accounts
service to restate them (`projection.backfill_requested`, aggregates `account` and
`contact`, for every tenant with users or those given); the answer, `account.restated`,
makes the account known (a deal may name it), and never undoes a newer change."""

from __future__ import annotations

import uuid

import anyio
import pytest
from leads_support import account_data, fetchval

from crmkit.context import tenant_from_event
from crmkit.db import create_engine, sessionmaker
from crmkit.events import CloudEvent
from tidtam_contracts.accounts import AccountDeletedV1, AccountRestatedV1
from tidtam_leads.accounts.backfill import request_accounts

pytestmark = pytest.mark.integration

DEALS = "/api/v1/deals"


def _event(tenant, contract, data: dict, sequence: int) -> CloudEvent:
    return CloudEvent(source="/services/accounts", type=contract.TYPE, subject=data["id"],
                      tenantid=str(tenant.id), sequence=sequence, dataversion="1",
                      data=contract.model_validate(data).model_dump(mode="json"))


async def _until(leads_db, sql: str, arg: uuid.UUID, wanted: object) -> None:
    """Poll `sql` until it gives `wanted` (the consumer has applied the event)."""
    with anyio.fail_after(15):
        while True:
            if await fetchval(leads_db.owner_url, sql, arg) == wanted:
                return
            await anyio.sleep(0.05)


async def _until_sequence(leads_db, account_id: str, sequence: int) -> None:
    await _until(leads_db, "SELECT sequence FROM known_accounts WHERE id = $1",
                 uuid.UUID(account_id), sequence)


async def test_the_backfill_asks_for_every_tenants_accounts_and_contacts(
        tenant, leads_db, lead_events):
    engine = create_engine(leads_db.app_url, pool_size=1)
    try:
        asked = await request_accounts(sessionmaker(engine))  # every tenant with users
        assert tenant.id in {t.value for t in asked}
        again = await request_accounts(sessionmaker(engine), [tenant_from_event(
            str(tenant.id))])
        assert [t.value for t in again] == [tenant.id]
    finally:
        await engine.dispose()
    for aggregate in ("account", "contact"):
        event = await lead_events.assert_published(
            "projection.backfill_requested",
            lambda e, a=aggregate: e["tenantid"] == str(tenant.id) and e["data"] == {
                "aggregate": a, "requested_by": "leads"})
        assert event["source"] == "/services/leads"


async def test_a_restated_account_is_known_to_deals_and_undoes_nothing_newer(
        api, tenant, gateway_events, leads_db):
    h = tenant.headers(tenant.sales1)
    old = account_data(tenant.sales1, version=3)  # made before 0021: never announced
    r = await api.post(DEALS, headers=h, json={"name": "ดีลเก่า", "account_id": old["id"]})
    assert r.status_code == 404, r.text

    await gateway_events.republish(_event(tenant, AccountRestatedV1, old, 3))
    await _until_sequence(leads_db, old["id"], 3)
    r = await api.post(DEALS, headers=h, json={"name": "ดีลเก่า", "account_id": old["id"]})
    assert r.status_code == 201, r.text

    # Deleted at version 4; a restatement of version 3 arriving after it changes nothing.
    gone = account_data(tenant.sales1, version=4)
    await gateway_events.republish(_event(tenant, AccountDeletedV1, gone, 4))
    await _until_sequence(leads_db, gone["id"], 4)
    stale = _event(tenant, AccountRestatedV1, {**gone, "version": 3}, 3)
    await gateway_events.republish(stale)
    await _until(leads_db, "SELECT count(*) FROM processed_events WHERE event_id = $1",
                 uuid.UUID(stale.id), 1)  # consumed (recorded with its effect)
    assert await fetchval(leads_db.owner_url, "SELECT deleted FROM known_accounts WHERE "
                          "id = $1", uuid.UUID(gone["id"])) is True
    r = await api.post(DEALS, headers=h, json={"name": "x", "account_id": gone["id"]})
    assert r.status_code == 404, r.text

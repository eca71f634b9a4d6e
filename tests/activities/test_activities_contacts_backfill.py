"""Contacts made before the service learnt contacts (migration 0002): the backfill asks the
accounts service for them (`projection.backfill_requested`, one per tenant, staged in the
outbox and published by the relay), and `contact.restated` makes each known as any
contact event does, birthday included, never undoing a newer change. Real service,
database and broker."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from act_support import contact, known_account, known_contact, publish, until_row

from crmkit.context import tenant_from_event
from crmkit.db import create_engine, sessionmaker
from crmkit.testing.tenants import fetchval
from tidtam_activities.config import settings
from tidtam_activities.records.backfill import main, request_contacts
from tidtam_contracts.accounts import ContactRestatedV1, ContactUpdatedV1

pytestmark = pytest.mark.integration

SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)


async def test_restated_contacts_become_known_and_never_undo_a_newer_change(
        api, tenant, gateway_events, act_db, captured):
    h = tenant.headers(tenant.sales1)
    mine = await known_account(gateway_events, tenant, act_db, tenant.sales1)
    other = await known_account(gateway_events, tenant, act_db, tenant.sales1,
                                name="บริษัท อื่น จำกัด")
    # Made before the service listened: no event of it ever arrived.
    old = contact(mine["id"], version=4, name="คุณสมศรี เก่าแก่", birthday="1980-03-15")
    call = {"kind": "call", "subject": "โทรหา", "due_at": SOON.isoformat(),
            "account_id": mine["id"], "contact_id": old["id"]}
    r = await api.post("/api/v1/activities", headers=h, json=call)
    assert r.status_code == 422, r.text

    engine = create_engine(act_db.app_url, pool_size=1)
    try:
        asked = await request_contacts(sessionmaker(engine), [tenant_from_event(str(tenant.id))])
    finally:
        await engine.dispose()
    assert [t.value for t in asked] == [tenant.id]
    request = await captured.assert_published(
        "projection.backfill_requested", lambda e: e["tenantid"] == str(tenant.id))
    assert request["data"] == {"aggregate": "contact", "requested_by": "activities"}

    # The accounts service's answer.
    await publish(gateway_events, tenant, ContactRestatedV1, old, "/services/accounts")
    await until_row(act_db, "SELECT 1 FROM contact_records WHERE id = $1 AND sequence = 4",
                    uuid.UUID(old["id"]))
    r = await api.post("/api/v1/activities", headers=h, json=call)
    assert r.status_code == 201, r.text
    cal = await api.get("/api/v1/calendar", headers=h,
                        params={"from": "2027-03-01", "to": "2027-03-31"})
    assert [(i["type"], i["contact_id"], i["day"]) for i in cal.json()["items"]
            if i["type"] == "anniversary"] == [("anniversary", old["id"], "2027-03-15")]

    # A change newer than the restatement, then a restatement that arrives late: the
    # change stays (the contact stays at the other account).
    moved = await known_contact(gateway_events, tenant, act_db, other["id"],
                                model=ContactUpdatedV1, id=old["id"], version=6,
                                changed=["account_id"])
    await publish(gateway_events, tenant, ContactRestatedV1, {**old, "version": 5},
                  "/services/accounts")
    late = await known_contact(gateway_events, tenant, act_db, other["id"])  # after it
    assert late["id"] != moved["id"]
    assert await fetchval(act_db.owner_url, "SELECT account_id FROM contact_records "
                          "WHERE id = $1", uuid.UUID(old["id"])) == uuid.UUID(other["id"])
    assert await fetchval(act_db.owner_url, "SELECT sequence FROM contact_records "
                          "WHERE id = $1", uuid.UUID(old["id"])) == 6


async def test_the_command_asks_for_every_tenant_with_users(act_db, tenant, captured,
                                                            monkeypatch, capsys):
    monkeypatch.setenv("TIDTAM_ACTIVITIES_DATABASE_URL", act_db.app_url)
    settings.cache_clear()
    try:  # the command runs its own event loop (asyncio.run): not on the test's
        assert await asyncio.to_thread(main, []) == 0
    finally:
        settings.cache_clear()
    assert "tenant(s)" in capsys.readouterr().out
    await captured.assert_published(
        "projection.backfill_requested", lambda e: e["tenantid"] == str(tenant.id))


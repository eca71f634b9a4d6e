"""An activity's `contact_id` must be a contact of its `account_id` (422 naming
`contact_id` otherwise), as the contact events told the service: it never reads the
accounts service's tables. Real service, database and broker."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from act_support import known_account, known_contact, publish, until_row

from tidtam_contracts.accounts import ContactDeletedV1, ContactUpdatedV1

pytestmark = pytest.mark.integration

SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)


def call(**over):
    return {"kind": "call", "subject": "โทรนัดส่งของ", "due_at": SOON.isoformat(), **over}


def contact_error(r):
    assert r.status_code == 422, r.text
    field = r.json()["fields"][0]
    assert field["field"] == "body.contact_id" and field["code"] == "contact_not_of_account"


async def test_contact_must_be_of_the_account(api, tenant, gateway_events, act_db):
    h = tenant.headers(tenant.sales1)
    mine = await known_account(gateway_events, tenant, act_db, tenant.sales1)
    other = await known_account(gateway_events, tenant, act_db, tenant.sales1,
                                name="บริษัท อื่น จำกัด")
    person = await known_contact(gateway_events, tenant, act_db, mine["id"])

    r = await api.post("/api/v1/activities", headers=h,
                       json=call(account_id=mine["id"], contact_id=person["id"]))
    assert r.status_code == 201, r.text
    activity = r.json()
    assert activity["contact_id"] == person["id"]

    # Another account's contact, or one no contact event ever named.
    contact_error(await api.post("/api/v1/activities", headers=h,
                                 json=call(account_id=other["id"], contact_id=person["id"])))
    contact_error(await api.post("/api/v1/activities", headers=h, json=call(
        account_id=mine["id"], contact_id=str(uuid.uuid4()))))
    # Moving the activity to another account while keeping the contact, or giving it
    # another account's contact.
    contact_error(await api.patch(f"/api/v1/activities/{activity['id']}", headers=h,
                                  json={"account_id": other["id"]}))
    theirs = await known_contact(gateway_events, tenant, act_db, other["id"])
    contact_error(await api.patch(f"/api/v1/activities/{activity['id']}", headers=h,
                                  json={"contact_id": theirs["id"]}))
    r = await api.patch(f"/api/v1/activities/{activity['id']}", headers=h,
                        json={"account_id": other["id"], "contact_id": theirs["id"]})
    assert r.status_code == 200 and r.json()["contact_id"] == theirs["id"], r.text


async def test_contact_moves_and_deletion_follow_the_events(api, tenant, gateway_events,
                                                            act_db):
    h = tenant.headers(tenant.sales1)
    first = await known_account(gateway_events, tenant, act_db, tenant.sales1)
    second = await known_account(gateway_events, tenant, act_db, tenant.sales1,
                                 name="บริษัท ปลายทาง จำกัด")
    person = await known_contact(gateway_events, tenant, act_db, first["id"])
    # The contact moves to the second account (a merge moves contacts so): version 2.
    moved = {**person, "account_id": second["id"], "version": 2, "changed": ["account_id"]}
    await publish(gateway_events, tenant, ContactUpdatedV1, moved, "/services/accounts")
    await until_row(act_db, "SELECT 1 FROM contact_records WHERE id = $1 AND sequence = 2",
                    uuid.UUID(person["id"]))
    contact_error(await api.post("/api/v1/activities", headers=h,
                                 json=call(account_id=first["id"], contact_id=person["id"])))
    r = await api.post("/api/v1/activities", headers=h,
                       json=call(account_id=second["id"], contact_id=person["id"]))
    assert r.status_code == 201, r.text
    # A late, older event does not move it back.
    await publish(gateway_events, tenant, ContactUpdatedV1, {**person, "changed": []},
                  "/services/accounts")
    deleted = {**moved, "version": 3}
    deleted.pop("changed")
    await publish(gateway_events, tenant, ContactDeletedV1, deleted, "/services/accounts")
    await until_row(act_db, "SELECT 1 FROM contact_records WHERE id = $1 AND deleted",
                    uuid.UUID(person["id"]))
    assert await until_row(act_db, "SELECT account_id FROM contact_records WHERE id = $1",
                           uuid.UUID(person["id"])) == uuid.UUID(second["id"])
    contact_error(await api.post("/api/v1/activities", headers=h,
                                 json=call(account_id=second["id"], contact_id=person["id"])))

"""Activities on the real service, database and broker: create with the kinds' rules,
read, edit, complete and cancel with their events, filters and keyset pages, the reminder
schedule following the activity, Idempotency-Key, errors that name the field."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from act_support import known_account, known_lead

from crmkit.testing.tenants import fetchval

pytestmark = pytest.mark.integration

SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)


def meeting(**over):
    return {"kind": "meeting", "subject": "นัดคุยราคา", "starts_at": SOON.isoformat(),
            "ends_at": (SOON + timedelta(hours=1)).isoformat(), **over}


async def test_create_read_edit_complete_with_events(api, tenant, gateway_events, act_db,
                                                     captured):
    h = tenant.headers(tenant.sales1)
    lead = await known_lead(gateway_events, tenant, act_db, tenant.sales1)
    r = await api.post("/api/v1/activities", headers=h, json=meeting(
        lead_id=lead["id"], note="เตรียมใบเสนอราคา", reminders=[15, 60, 15],
        place={"text": "สยามพารากอน", "lat": 13.746, "lon": 100.535}))
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["status"] == "planned" and a["owner_id"] == str(tenant.sales1.id)
    assert a["reminders"] == [15, 60] and a["version"] == 1 and a["overdue"] is False
    assert a["place"] == {"text": "สยามพารากอน", "lat": 13.746, "lon": 100.535}
    created = await captured.assert_published("activity.created",
                                               lambda e: e["subject"] == a["id"])
    assert created["data"]["lead_id"] == lead["id"] and created["sequence"] == 1
    assert "overdue" not in created["data"]
    got = await api.get(f"/api/v1/activities/{a['id']}", headers=h)
    assert got.status_code == 200 and got.json() == a
    due = await fetchval(act_db.owner_url, "SELECT array_agg(fire_at ORDER BY minutes) FROM "
                         "activity_reminders WHERE activity_id = $1", uuid.UUID(a["id"]))
    assert due == [SOON - timedelta(minutes=15), SOON - timedelta(minutes=60)]

    later = SOON + timedelta(days=1)
    r = await api.patch(f"/api/v1/activities/{a['id']}", headers=h, json={
        "starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=2)).isoformat(),
        "reminders": [30]})
    assert r.status_code == 200, r.text
    assert r.json()["version"] == 2
    updated = await captured.assert_published("activity.updated",
                                              lambda e: e["subject"] == a["id"])
    assert updated["data"]["changed"] == ["ends_at", "reminders", "starts_at"]
    due = await fetchval(act_db.owner_url, "SELECT array_agg(fire_at) FROM activity_reminders "
                         "WHERE activity_id = $1", uuid.UUID(a["id"]))
    assert due == [later - timedelta(minutes=30)]

    r = await api.post(f"/api/v1/activities/{a['id']}/complete", headers=h,
                       json={"result": "ลูกค้าตกลงสั่งซื้อ 20 ชิ้น"})
    assert r.status_code == 200 and r.json()["status"] == "done"
    assert r.json()["result"] == "ลูกค้าตกลงสั่งซื้อ 20 ชิ้น"
    await captured.assert_published("activity.completed", lambda e: e["subject"] == a["id"])
    assert await fetchval(act_db.owner_url, "SELECT count(*) FROM activity_reminders WHERE "
                          "activity_id = $1", uuid.UUID(a["id"])) == 0
    again = await api.post(f"/api/v1/activities/{a['id']}/cancel", headers=h)
    assert again.status_code == 409 and again.json()["code"] == "activity_closed"
    edit = await api.patch(f"/api/v1/activities/{a['id']}", headers=h, json={"subject": "x"})
    assert edit.status_code == 409


async def test_cancel_drops_reminders_and_publishes(api, tenant, act_db, captured):
    h = tenant.headers(tenant.sales2)
    r = await api.post("/api/v1/activities", headers=h, json={
        "kind": "call", "subject": "โทรติดตาม", "due_at": SOON.isoformat(), "reminders": [5]})
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    assert await fetchval(act_db.owner_url, "SELECT count(*) FROM activity_reminders WHERE "
                          "activity_id = $1", uuid.UUID(aid)) == 1
    r = await api.post(f"/api/v1/activities/{aid}/cancel", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    await captured.assert_published("activity.cancelled", lambda e: e["subject"] == aid)
    assert await fetchval(act_db.owner_url, "SELECT count(*) FROM activity_reminders WHERE "
                          "activity_id = $1", uuid.UUID(aid)) == 0


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"kind": "meeting", "subject": "x", "starts_at": SOON.isoformat()}, "body.ends_at",
     "missing"),
    (meeting(ends_at=SOON.isoformat()), "body.ends_at", "ends_before_start"),
    ({"kind": "task", "subject": "x"}, "body.due_at", "missing"),
    ({"kind": "call", "subject": "x", "starts_at": SOON.isoformat()}, "body.due_at", "missing"),
    ({"kind": "email", "subject": "x", "reminders": [5]}, "body.reminders",
     "reminders_without_time"),
    ({"kind": "email", "subject": "x", "place": {"lat": 13.7}}, "body.place.lon",
     "incomplete_position"),
    ({"kind": "email", "subject": "x", "contact_id": str(uuid.uuid4())}, "body.contact_id",
     "contact_without_account"),
    ({"kind": "task", "subject": "x", "due_at": "2400-01-01T00:00:00+07:00"}, "body.due_at",
     "out_of_range"),
])
async def test_kind_rules_name_the_field(api, tenant, body, field, code):
    r = await api.post("/api/v1/activities", headers=tenant.headers(tenant.sales1), json=body)
    assert r.status_code == 422, r.text
    assert r.json()["fields"][0]["field"] == field and r.json()["fields"][0]["code"] == code


async def test_schema_errors_and_unknown_links(api, tenant):
    h = tenant.headers(tenant.sales1)
    eleven = {"kind": "task", "subject": "x", "due_at": SOON.isoformat(),
              "reminders": list(range(11))}
    r = await api.post("/api/v1/activities", headers=h, json=eleven)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.reminders"
    r = await api.post("/api/v1/activities", headers=h, json={
        "kind": "task", "subject": "x", "due_at": SOON.isoformat(), "reminders": [-1]})
    assert r.status_code == 422 and r.json()["fields"][0]["field"].startswith("body.reminders")
    r = await api.post("/api/v1/activities", headers=h, json={
        "kind": "task", "subject": "x", "due_at": "2026-12-10T09:00:00"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.due_at"
    for field in ("lead_id", "account_id"):
        r = await api.post("/api/v1/activities", headers=h, json={
            "kind": "email", "subject": "x", field: str(uuid.uuid4())})
        assert r.status_code == 404 and r.json()["fields"][0]["field"] == f"body.{field}"
    r = await api.post("/api/v1/activities", headers=h, json={
        "kind": "email", "subject": "x", "owner_id": str(tenant.sales2.id)})
    assert r.status_code == 404 and r.json()["fields"][0]["code"] == "unknown_owner"
    r = await api.post("/api/v1/activities", headers=tenant.headers(tenant.manager), json={
        "kind": "email", "subject": "x", "owner_id": str(tenant.sales2.id)})
    assert r.status_code == 201 and r.json()["owner_id"] == str(tenant.sales2.id)
    r = await api.post("/api/v1/activities", headers=tenant.headers(tenant.manager), json={
        "kind": "email", "subject": "x", "owner_id": str(tenant.sales3.id)})
    assert r.status_code == 404, "sales3 is in another team"
    r = await api.post("/api/v1/activities", headers=h, json={"kind": "visit", "subject": "x"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.kind"
    assert (await api.get(f"/api/v1/activities/{uuid.uuid4()}", headers=h)).status_code == 404
    assert (await api.get("/api/v1/activities")).status_code == 401


async def test_filters_overdue_and_keyset_pages(api, tenant, gateway_events, act_db):
    h = tenant.headers(tenant.sales3)
    acc = await known_account(gateway_events, tenant, act_db, tenant.sales3)
    base = datetime(2027, 3, 1, 9, tzinfo=UTC)
    ids = []
    for i in range(7):
        body = {"kind": "task", "subject": f"งาน {i}",
                "due_at": (base + timedelta(days=i)).isoformat()}
        if i % 2:
            body["account_id"] = acc["id"]
        r = await api.post("/api/v1/activities", headers=h, json=body)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    past = await api.post("/api/v1/activities", headers=h, json={
        "kind": "call", "subject": "เลยกำหนด",
        "due_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()})
    assert past.json()["overdue"] is True

    seen, cursor = [], None
    while True:
        q = {"from": base.isoformat(), "to": (base + timedelta(days=30)).isoformat(),
             "limit": 3}
        if cursor:
            q["cursor"] = cursor
        page = (await api.get("/api/v1/activities", headers=h, params=q)).json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ids
    on_acc = (await api.get("/api/v1/activities", headers=h,
                            params={"account_id": acc["id"]})).json()["items"]
    assert [a["id"] for a in on_acc] == ids[1::2]
    overdue = (await api.get("/api/v1/activities", headers=h,
                             params={"overdue": "true"})).json()["items"]
    assert [a["id"] for a in overdue] == [past.json()["id"]]
    await api.post(f"/api/v1/activities/{ids[0]}/complete", headers=h, json={"result": "ok"})
    done = (await api.get("/api/v1/activities", headers=h,
                          params={"status": "done"})).json()["items"]
    assert [a["id"] for a in done] == [ids[0]]
    bad = await api.get("/api/v1/activities", headers=h, params={
        "from": base.isoformat(), "to": base.isoformat()})
    assert bad.status_code == 422 and bad.json()["fields"][0]["field"] == "query.to"


async def test_idempotency_key_makes_one_activity(api, tenant, act_db):
    h = {**tenant.headers(tenant.sales1), "Idempotency-Key": str(uuid.uuid4())}
    body = {"kind": "email", "subject": "ส่งโบรชัวร์"}
    first = await api.post("/api/v1/activities", headers=h, json=body)
    second = await api.post("/api/v1/activities", headers=h, json=body)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert await fetchval(act_db.owner_url, "SELECT count(*) FROM activities WHERE subject = "
                          "'ส่งโบรชัวร์' AND tenant_id = $1", tenant.id) == 1


@pytest.mark.parametrize(("path", "params", "field"), [
    # a number would be read as seconds since 1970; the schema says date-time text
    ("/api/v1/activities", {"to": "0.5"}, "query.to"),
    ("/api/v1/activities", {"from": "1765000000"}, "query.from"),
    # year 1 or 9999 would overflow the time-zone arithmetic (it was a 500)
    ("/api/v1/calendar", {"from": "0001-01-01", "to": "0001-01-01"}, "query.from"),
    ("/api/v1/calendar", {"from": "2026-12-01", "to": "9999-12-31"}, "query.to"),
])
async def test_moments_and_days_out_of_reason_are_422(api, tenant, path, params, field):
    r = await api.get(path, headers=tenant.headers(tenant.sales1), params=params)
    assert r.status_code == 422, r.text
    assert r.json()["fields"][0]["field"] == field


async def test_a_due_time_as_a_number_is_refused(api, tenant):
    r = await api.post("/api/v1/activities", headers=tenant.headers(tenant.sales1),
                       json={"kind": "task", "subject": "x", "due_at": 1765000000})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.due_at"

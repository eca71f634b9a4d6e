"""Activities and check-ins reach the lead's history (leads service) and the account's
timeline (accounts service) over real RabbitMQ, with those views' own visibility; an
activity's contact must be one of its account's, as the contact events told the
activities service; a follow-up's next contact is a planned call on the owner's calendar
until the next follow-up. All real processes, through the gateway."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from .conftest import post_until_created, until

pytestmark = pytest.mark.e2e

SIAM = {"lat": 13.7462, "lon": 100.5347}


def kinds(entries: list[dict]) -> list[str]:
    return [e["kind"] for e in entries]


def test_activities_and_checkins_in_history_and_timeline(gw, make_tenant):
    t = make_tenant()
    t.add_user("sales", "sales")
    t.add_user("other", "sales")
    r = gw.patch("/api/v1/settings", headers=t.h("admin"),
                 json={"lead_visibility": "own", "account_visibility": "own"})
    assert r.status_code == 200, r.text
    r = post_until_created(gw, "/api/v1/accounts", t.h("sales"), {
        "kind": "company", "name": f"บริษัท สยาม {uuid.uuid4().hex[:6]} จำกัด",
        "emails": ["buy@siam.example"], "location": SIAM})
    assert r.status_code == 201, r.text
    account = r.json()
    r = gw.post(f"/api/v1/accounts/{account['id']}/contacts", headers=t.h("sales"),
                json={"name": "คุณมาลี ซื้อบ่อย", "phones": ["089-999-0000"],
                      "emails": ["malee@siam.example"]})
    assert r.status_code == 201, r.text
    contact = r.json()
    r = post_until_created(gw, "/api/v1/leads", t.h("sales"),
                           {"account_id": account["id"], "source": "website"})
    assert r.status_code == 201, r.text
    lead = r.json()
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)

    # A call on the lead, done with its result; a meeting at the account with its contact
    # (the activities service learns both from events: retry until it has), cancelled.
    r = post_until_created(gw, "/api/v1/activities", t.h("sales"), {
        "kind": "call", "subject": "โทรยืนยันราคา", "lead_id": lead["id"],
        "due_at": soon.isoformat()})
    assert r.status_code == 201, r.text
    call = r.json()
    r = gw.post(f"/api/v1/activities/{call['id']}/complete", headers=t.h("sales"),
                json={"result": "ลูกค้าตกลงสั่ง 20 กล่อง"})
    assert r.status_code == 200, r.text
    r = post_until_created(gw, "/api/v1/activities", t.h("sales"), {
        "kind": "meeting", "subject": "นัดเซ็นสัญญา", "account_id": account["id"],
        "contact_id": contact["id"], "starts_at": soon.isoformat(),
        "ends_at": (soon + timedelta(hours=1)).isoformat()})
    assert r.status_code == 201, r.text
    meeting = r.json()
    r = gw.post(f"/api/v1/activities/{meeting['id']}/cancel", headers=t.h("sales"))
    assert r.status_code == 200, r.text
    # another account's contact, or none, is refused naming the field
    r = gw.post("/api/v1/activities", headers=t.h("sales"), json={
        "kind": "email", "subject": "x", "account_id": account["id"],
        "contact_id": str(uuid.uuid4())})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.contact_id"
    # A check-in at the account, for the lead's call.
    r = gw.post("/api/v1/checkins", headers=t.h("sales"), json={
        "position": {**SIAM, "accuracy_m": 15, "taken_at": datetime.now(UTC).isoformat()},
        "place": {"account_id": account["id"]}, "activity_id": call["id"],
        "note": "ถึงหน้าร้านแล้ว"})
    assert r.status_code == 201, r.text
    checkin = r.json()

    wanted = ["activity_created", "activity_completed", "checkin"]
    history = until(lambda: gw.get(f"/api/v1/leads/{lead['id']}/history",
                                   headers=t.h("sales")),
                    lambda b: [k for k in kinds(b) if k in wanted] == wanted)
    by_kind = {e["kind"]: e for e in history}
    assert by_kind["activity_created"]["detail"]["activity_id"] == call["id"]
    assert by_kind["activity_created"]["author"]["id"] == t.users["sales"]
    done = by_kind["activity_completed"]
    assert done["note"] == "ลูกค้าตกลงสั่ง 20 กล่อง"
    assert done["detail"]["subject"] == "โทรยืนยันราคา" and done["detail"]["status"] == "done"
    assert by_kind["checkin"]["detail"]["checkin_id"] == checkin["id"]
    assert by_kind["checkin"]["note"] == "ถึงหน้าร้านแล้ว"
    # the meeting is not the lead's
    assert "activity_cancelled" not in kinds(history)

    wanted_timeline = {"activity_created": 2, "activity_completed": 1,
                       "activity_cancelled": 1, "checkin": 1}

    def counted(body: dict) -> bool:
        got = kinds(body["items"])
        return all(got.count(k) == n for k, n in wanted_timeline.items())

    timeline = until(lambda: gw.get(f"/api/v1/accounts/{account['id']}/timeline",
                                    headers=t.h("sales")), counted)["items"]
    cancelled = next(e for e in timeline if e["kind"] == "activity_cancelled")
    assert cancelled["summary"]["id"] == meeting["id"] and cancelled["lead_id"] is None
    assert cancelled["summary"]["contact_id"] == contact["id"]
    done = next(e for e in timeline if e["kind"] == "activity_completed")
    assert done["lead_id"] == lead["id"] and done["summary"]["result"] == "ลูกค้าตกลงสั่ง 20 กล่อง"
    seen = next(e for e in timeline if e["kind"] == "checkin")
    assert seen["summary"]["id"] == checkin["id"] and seen["lead_id"] == lead["id"]

    # The same visibility as the views: someone who may not see the lead or the account
    # gets 404 for its history and timeline, an admin sees them.
    assert gw.get(f"/api/v1/leads/{lead['id']}/history",
                  headers=t.h("other")).status_code == 404
    assert gw.get(f"/api/v1/accounts/{account['id']}/timeline",
                  headers=t.h("other")).status_code == 404
    admin = gw.get(f"/api/v1/leads/{lead['id']}/history", headers=t.h("admin"))
    assert admin.status_code == 200 and kinds(admin.json()) == kinds(history)


def test_next_contact_is_a_planned_call_until_the_next_follow_up(gw, make_tenant):
    t = make_tenant()
    t.add_user("sales", "sales")
    lead = t.create_lead("sales")
    base = f"/api/v1/leads/{lead['id']}/followups"

    def calendar() -> object:
        return gw.get("/api/v1/calendar", headers=t.h("sales"),
                      params={"from": "2027-06-01", "to": "2027-06-30"})

    def follow_up(next_at: str | None) -> None:
        r = gw.post(base, headers=t.h("sales"), json={
            "channel": "phone", "note": "คุยแล้ว", "next_contact_at": next_at})
        assert r.status_code == 201, r.text

    follow_up("2027-06-10T10:00:00+07:00")
    cal = until(calendar, lambda b: len(b["items"]) == 1)
    item = cal["items"][0]
    assert (item["type"], item["day"], item["lead_id"], item["title"]) == (
        "next_contact", "2027-06-10", lead["id"], lead["name"])
    assert item["starts_at"].startswith("2027-06-10T03:00:00")
    follow_up("2027-06-20T09:30:00+07:00")   # moved by the next follow-up
    until(calendar, lambda b: [i["day"] for i in b["items"]] == ["2027-06-20"])
    follow_up(None)                          # and gone when the next one plans none
    until(calendar, lambda b: b["items"] == [])
    # a bare number is not a moment
    r = gw.post(base, headers=t.h("sales"), json={
        "channel": "phone", "note": "x", "next_contact_at": 1812345678})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.next_contact_at"

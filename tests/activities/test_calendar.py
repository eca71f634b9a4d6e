"""The calendar on the real service: days in the tenant's zone (Bangkok, and Berlin across
the start of summer time), planned next contacts from lead follow-ups until the next one,
yearly dates with 29 February on 28 February in other years, whose calendar one may see;
the ICS feed parsed with the icalendar library, stable UIDs, revoked → 404."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
from act_support import SECRET, known_account, known_lead, make_tenant, publish, until_row

from crmkit.context import HEADER, sign_context
from tidtam_contracts.accounts import ContactCreatedV1
from tidtam_contracts.leads import LeadFollowupLoggedV2

pytestmark = pytest.mark.integration


def headers(tenant, person, **vis) -> dict[str, str]:
    return tenant.headers(person, vis.get("lead", "all"),
                          account_visibility=vis.get("account", "all"))


async def set_zone(gateway_events, tenant, act_db, zone: str, sequence: int) -> None:
    """tenant.settings_changed as the gateway publishes it on PATCH /settings."""
    await gateway_events.publish("tenant.settings_changed", tenant.id, tenant.id, {
        "id": str(tenant.id), "time_zone": zone, "agenda_time": "07:00"}, sequence)
    await until_row(act_db, "SELECT 1 FROM tenant_settings WHERE tenant_id = $1 AND "
                    "time_zone = $2", tenant.id, zone)


async def task_at(api, tenant, person, moment: datetime, subject: str) -> str:
    r = await api.post("/api/v1/activities", headers=tenant.headers(person), json={
        "kind": "task", "subject": subject, "due_at": moment.isoformat()})
    assert r.status_code == 201, r.text
    return r.json()["id"]


async def days_of(api, h, first: str, last: str, **params) -> dict[str, list[str]]:
    r = await api.get("/api/v1/calendar", headers=h, params={"from": first, "to": last,
                                                              **params})
    assert r.status_code == 200, r.text
    out: dict[str, list[str]] = {}
    for item in r.json()["items"]:
        out.setdefault(item["day"], []).append(item["title"])
    return out


async def test_days_in_bangkok_and_in_berlin_across_summer_time(api, tenant, gateway_events,
                                                               act_db):
    p = tenant.sales1
    # 2027-03-28 is the day Berlin moves from +01:00 to +02:00 (a 23-hour day)
    await task_at(api, tenant, p, datetime(2027, 3, 27, 23, 30, tzinfo=UTC), "ก่อนเที่ยงคืน")
    await task_at(api, tenant, p, datetime(2027, 3, 28, 21, 59, tzinfo=UTC), "ปลายวัน")
    await task_at(api, tenant, p, datetime(2027, 3, 28, 22, 30, tzinfo=UTC), "วันถัดไป")
    h = headers(tenant, p)
    # the default zone
    assert await days_of(api, h, "2027-03-27", "2027-03-29") == {
        "2027-03-28": ["ก่อนเที่ยงคืน"], "2027-03-29": ["ปลายวัน", "วันถัดไป"]}
    r = await api.get("/api/v1/calendar", headers=h,
                      params={"from": "2027-03-28", "to": "2027-03-28"})
    assert r.json()["time_zone"] == "Asia/Bangkok"
    assert r.json()["items"][0]["activity"]["kind"] == "task"
    await set_zone(gateway_events, tenant, act_db, "Europe/Berlin", 10)
    assert await days_of(api, h, "2027-03-28", "2027-03-28") == {
        "2027-03-28": ["ก่อนเที่ยงคืน", "ปลายวัน"]}
    assert await days_of(api, h, "2027-03-27", "2027-03-29") == {
        "2027-03-28": ["ก่อนเที่ยงคืน", "ปลายวัน"], "2027-03-29": ["วันถัดไป"]}
    # an older settings event arriving late changes nothing
    await gateway_events.publish("tenant.settings_changed", tenant.id, tenant.id, {
        "id": str(tenant.id), "time_zone": "Asia/Tokyo", "agenda_time": "07:00"}, 5)
    await set_zone(gateway_events, tenant, act_db, "Europe/Berlin", 11)
    r = await api.get("/api/v1/calendar", headers=h,
                      params={"from": "2027-03-28", "to": "2027-03-28"})
    assert r.json()["time_zone"] == "Europe/Berlin"


async def test_next_contact_until_the_next_follow_up(api, tenant, gateway_events, act_db):
    lead = await known_lead(gateway_events, tenant, act_db, tenant.sales2,
                            name="คุณวิไล ใจดี")
    when = datetime(2027, 5, 4, 3, 0, tzinfo=UTC)   # 10:00 in Bangkok

    async def follow_up(version: int, next_at: datetime | None) -> None:
        data = {**lead, "version": version, "followup": {
            "id": version, "channel": "phone", "note": "โทรแล้ว",
            "next_contact_at": next_at.isoformat() if next_at else None,
            "author_id": str(tenant.sales2.id), "created_at": datetime.now(UTC).isoformat()}}
        await publish(gateway_events, tenant, LeadFollowupLoggedV2, data, "/services/leads")
        await until_row(act_db, "SELECT 1 FROM lead_records WHERE id = $1 AND sequence = $2",
                        uuid.UUID(lead["id"]), version)

    await follow_up(2, when)
    h = headers(tenant, tenant.sales2)
    r = await api.get("/api/v1/calendar", headers=h, params={"from": "2027-05-04",
                                                              "to": "2027-05-04"})
    [item] = r.json()["items"]
    assert item["type"] == "next_contact" and item["title"] == "คุณวิไล ใจดี"
    assert item["lead_id"] == lead["id"] and item["starts_at"].startswith("2027-05-04T03:00")
    await follow_up(3, None)
    assert await days_of(api, h, "2027-05-01", "2027-05-31") == {}


async def test_29_february_and_who_sees_anniversaries(api, tenant, gateway_events, act_db):
    acc = await known_account(gateway_events, tenant, act_db, tenant.sales3,
                              name="บริษัท อธิกสุรทิน จำกัด",
                              anniversaries=[{"kind": "founding", "date": "2000-02-29"}])
    now = datetime.now(UTC).isoformat()
    contact = {"id": str(uuid.uuid4()), "account_id": acc["id"], "name": "คุณกุมภา",
               "position": None, "phones": [], "emails": [], "line_id": None,
               "birthday": "1988-02-29", "is_primary": True, "version": 1,
               "created_at": now, "updated_at": now}
    await publish(gateway_events, tenant, ContactCreatedV1, contact, "/services/accounts")
    await until_row(act_db, "SELECT 1 FROM anniversaries WHERE contact_id = $1",
                    uuid.UUID(contact["id"]))
    h = headers(tenant, tenant.sales3)
    r = await api.get("/api/v1/calendar", headers=h, params={"from": "2027-02-01",
                                                              "to": "2027-03-01"})
    items = r.json()["items"]
    assert {(i["day"], i["title"], i["anniversary"]["years"]) for i in items} == {
        ("2027-02-28", "บริษัท อธิกสุรทิน จำกัด", 27), ("2027-02-28", "คุณกุมภา", 39)}
    assert all(i["all_day"] and i["account_id"] == acc["id"] for i in items)
    leap = await days_of(api, h, "2028-02-28", "2028-03-01")
    assert {d: sorted(t) for d, t in leap.items()} == {
        "2028-02-29": sorted(["บริษัท อธิกสุรทิน จำกัด", "คุณกุมภา"])}
    # across a new year
    assert await days_of(api, h, "2027-12-15", "2028-03-01") == leap
    # an account the caller may not see shows none of its dates
    hidden = headers(tenant, tenant.sales1, account="own")
    assert await days_of(api, hidden, "2027-02-01", "2027-03-01") == {}


async def test_whose_calendar_and_bad_ranges(api, tenant):
    await task_at(api, tenant, tenant.sales1, datetime(2027, 6, 1, 3, tzinfo=UTC), "งานของมานะ")
    q = {"from": "2027-06-01", "to": "2027-06-01", "user_id": str(tenant.sales1.id)}
    for who in ("manager", "admin"):
        r = await api.get("/api/v1/calendar", headers=headers(tenant, getattr(tenant, who)),
                          params=q)
        assert [i["title"] for i in r.json()["items"]] == ["งานของมานะ"], who
    for who in ("sales2", "sales3"):
        r = await api.get("/api/v1/calendar", headers=headers(tenant, getattr(tenant, who)),
                          params=q)
        assert r.status_code == 404 and r.json()["fields"][0]["field"] == "query.user_id"
    h = headers(tenant, tenant.sales1)
    r = await api.get("/api/v1/calendar", headers=h, params={"from": "2027-06-02",
                                                              "to": "2027-06-01"})
    assert r.status_code == 422 and r.json()["fields"][0]["code"] == "range_reversed"
    r = await api.get("/api/v1/calendar", headers=h, params={"from": "2027-01-01",
                                                              "to": "2027-12-31"})
    assert r.status_code == 422 and r.json()["fields"][0]["code"] == "range_too_long"


def feed_headers(tenant) -> dict[str, str]:
    """What the gateway sends with a feed request: the tenant of the address, nobody."""
    return {HEADER: sign_context(SECRET, tenant_id=tenant.id, user_id=uuid.UUID(int=0),
                                 role="sales", team_id=None, lead_visibility="own",
                                 account_visibility="own", team_member_ids=[], settings={})}


async def test_ics_feed_stable_uids_only_own_items_and_revoked(api, tenant, gateway_events,
                                                              act_db):
    p = tenant.sales1
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    r = await api.post("/api/v1/activities", headers=tenant.headers(p), json={
        "kind": "meeting", "subject": "ประชุมที่ร้าน", "note": "นำตัวอย่างสินค้าไป",
        "starts_at": soon.isoformat(), "ends_at": (soon + timedelta(hours=1)).isoformat(),
        "place": {"text": "ตลาดวโรรส เชียงใหม่"}})
    meeting = r.json()
    await task_at(api, tenant, tenant.sales2, soon, "ของคนอื่น")
    bday = date.today() + timedelta(days=10)
    await known_account(gateway_events, tenant, act_db, p, name="ร้านของมานะ",
                        anniversaries=[{"kind": "founding",
                                        "date": bday.replace(year=2010).isoformat()}])
    r = await api.post("/api/v1/calendar/feed", headers=tenant.headers(p))
    assert r.status_code == 201
    url = r.json()["url"]
    path = url[url.index("/api/v1/ics/"):]
    assert path.startswith(f"/api/v1/ics/{tenant.id}/") and path.endswith(".ics")

    async def events():
        got = await api.get(path, headers=feed_headers(tenant))
        assert got.status_code == 200, got.text
        assert got.headers["content-type"].startswith("text/calendar")
        cal = icalendar.Calendar.from_ical(got.content)
        return {str(e["UID"]): e for e in cal.walk("VEVENT")}

    first = await events()
    uid = f"activity-{meeting['id']}@tidtam"
    assert str(first[uid]["SUMMARY"]) == "ประชุมที่ร้าน"
    assert str(first[uid]["LOCATION"]) == "ตลาดวโรรส เชียงใหม่"
    assert first[uid].decoded("DTSTART") == soon
    assert first[uid].decoded("DTEND") == soon + timedelta(hours=1)
    assert int(first[uid]["SEQUENCE"]) == 1
    assert "ของคนอื่น" not in {str(e["SUMMARY"]) for e in first.values()}
    [founded] = [e for e in first.values() if "ร้านของมานะ" in str(e["SUMMARY"])]
    assert founded.decoded("DTSTART") == bday

    later = soon + timedelta(hours=2)
    await api.patch(f"/api/v1/activities/{meeting['id']}", headers=tenant.headers(p), json={
        "starts_at": later.isoformat(), "ends_at": (later + timedelta(hours=1)).isoformat()})
    second = await events()
    assert set(second) == set(first)
    assert second[uid].decoded("DTSTART") == later and int(second[uid]["SEQUENCE"]) == 2

    other = await make_tenant(gateway_events, act_db.owner_url)
    wrong = await api.get(path.replace(str(tenant.id), str(other.id)),
                          headers=feed_headers(other))
    assert wrong.status_code == 404
    r = await api.delete("/api/v1/calendar/feed", headers=tenant.headers(p))
    assert r.status_code == 204
    assert (await api.get(path, headers=feed_headers(tenant))).status_code == 404
    assert (await api.delete("/api/v1/calendar/feed",
                             headers=tenant.headers(p))).status_code == 404

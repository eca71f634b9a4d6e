"""Activities across the real processes, through the gateway: an activity on a lead the
leads service made (the ownership learned from its events), hidden from who may not see
the lead; the tenant's time zone set in the gateway's settings reaching the calendar; the
ICS feed fetched without logging in, parsed with icalendar, and 404 once revoked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import icalendar
import pytest

from .conftest import post_until_created, until

pytestmark = pytest.mark.e2e


def test_activities_calendar_and_feed_through_the_gateway(gw, make_tenant, system):
    t = make_tenant()
    t.add_user("sales1", "sales")
    t.add_user("sales2", "sales")
    r = gw.patch("/api/v1/settings", headers=t.h("admin"),
                 json={"lead_visibility": "own", "time_zone": "Europe/Berlin"})
    assert r.status_code == 200 and r.json()["time_zone"] == "Europe/Berlin"
    lead = t.create_lead("sales1")
    when = datetime(2027, 3, 28, 21, 30, tzinfo=UTC)   # 23:30 in Berlin (summer time)
    # the activities service learns the lead (and the user) from events: retry until then
    r = post_until_created(gw, "/api/v1/activities", t.h("sales1"), {
        "kind": "call", "subject": "โทรหาลูกค้า", "lead_id": lead["id"],
        "due_at": when.isoformat()})
    assert r.status_code == 201, r.text
    activity = r.json()
    assert gw.get(f"/api/v1/activities/{activity['id']}",
                  headers=t.h("sales2")).status_code == 404
    assert gw.get(f"/api/v1/activities/{activity['id']}",
                  headers=t.h("admin")).status_code == 200
    cal = until(lambda: gw.get("/api/v1/calendar", headers=t.h("sales1"),
                               params={"from": "2027-03-28", "to": "2027-03-29"}),
                lambda b: b["time_zone"] == "Europe/Berlin")
    assert [(i["day"], i["title"]) for i in cal["items"]] == [("2027-03-28", "โทรหาลูกค้า")]

    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    r = gw.post("/api/v1/activities", headers=t.h("sales1"), json={
        "kind": "task", "subject": "ส่งใบเสนอราคา", "due_at": soon.isoformat()})
    assert r.status_code == 201, r.text
    feed = gw.post("/api/v1/calendar/feed", headers=t.h("sales1"))
    assert feed.status_code == 201, feed.text
    url = feed.json()["url"]
    path = url[url.index("/api/v1/ics/"):]
    with httpx.Client(base_url=system.gateway.url, timeout=30) as anonymous:
        got = anonymous.get(path)
        assert got.status_code == 200, got.text
        events = {str(e["UID"]): e for e in
                  icalendar.Calendar.from_ical(got.content).walk("VEVENT")}
        assert set(events) == {f"activity-{r.json()['id']}@tidtam",
                               f"activity-{activity['id']}@tidtam"}
        assert str(events[f"activity-{r.json()['id']}@tidtam"]["SUMMARY"]) == "ส่งใบเสนอราคา"
        assert gw.delete("/api/v1/calendar/feed", headers=t.h("sales1")).status_code == 204
        assert anonymous.get(path).status_code == 404
        assert anonymous.get("/api/v1/ics/not-a-tenant/x.ics").status_code == 404
        # the rest of the calendar still needs a login
        assert anonymous.get("/api/v1/calendar", params={
            "from": "2027-03-28", "to": "2027-03-28"}).status_code == 401

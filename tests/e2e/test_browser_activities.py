"""The activities screens in a real browser (Debian's Chromium, driven by Playwright) against the
real system: a salesperson's calendar shows an activity, a lead's planned next contact and an
account's founding day in three colours with a legend; month, week, day and agenda views are
links (a deep link opens, Back returns to the view before); an activity made from the
calendar and one made from a lead's page (each with an Idempotency-Key); one marked done with
a result; the overdue list; a check-in refused 2 km from the account, saying the distance,
then accepted beside it (Chromium's geolocation set through CDP); the private ICS address made
on My account, fetched without a login, and revoked (then 404); an admin looks at the
salesperson's calendar; at 375 px the calendar opens as the agenda without sideways scroll.
Skipped, saying why, where no Chromium is installed."""

from __future__ import annotations

import math
import re
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from .conftest import PASSWORD, login, post_until_created, until
from .test_browser import (
    _shot,
    browser_page,  # noqa: F401  (the fixture)
    settled,
)

pytestmark = pytest.mark.e2e

BANGKOK = ZoneInfo("Asia/Bangkok")
HOME = (13.7563, 100.5018)  # the account's location


def _haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    (lat1, lon1), (lat2, lon2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_008.8 * math.asin(math.sqrt(h))


def _user(gw, t, who: str, role: str) -> str:
    email = f"{who}-{uuid.uuid4().hex[:6]}@e2e.example"
    r = gw.post("/api/v1/users", headers=t.h("admin"), json={
        "email": email, "name": f"{who} ทดสอบ", "password": PASSWORD, "role": role})
    assert r.status_code == 201, r.text
    t.users[who] = r.json()["id"]
    t.tokens[who] = login(gw, email)
    return email


def _sign_in(page, url: str, email: str) -> None:
    page.goto(url)
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#app-view:not([hidden])")


def _pick_when(page, name: str, when: datetime) -> None:
    """Fill a date picker (when.js: day, month, year selects and a time) in the browser's zone."""
    local = when.astimezone()  # the browser runs in this machine's zone
    page.select_option(f"select[name='{name}.day']", str(local.day))
    page.select_option(f"select[name='{name}.month']", str(local.month))
    page.select_option(f"select[name='{name}.year']", str(local.year))
    page.fill(f"input[name='{name}.time']", local.strftime("%H:%M"))


def _hash(page) -> str:
    return page.evaluate("location.hash")


def test_calendar_activities_checkin_and_feed(gw, system, make_tenant, browser_page):  # noqa: F811
    page, errors = browser_page
    url = system.gateway.url
    t = make_tenant("บริษัท ปฏิทิน จำกัด")
    email = _user(gw, t, "sales", "sales")
    admin_email = _user(gw, t, "boss", "admin")
    sales = t.h("sales")

    # What the calendar shows on day D (Bangkok): an overdue task, the lead's next contact and
    # the account's founding day.
    overdue_at = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    day = overdue_at.astimezone(BANGKOK).date()
    r = post_until_created(gw, "/api/v1/accounts", sales, {
        "name": "บริษัท ลูกค้าประจำ จำกัด", "location": {"lat": HOME[0], "lon": HOME[1]},
        "anniversaries": [{"kind": "founding", "date": day.replace(year=2000).isoformat()}]
        if (day.month, day.day) != (2, 29) else []})
    assert r.status_code == 201, r.text
    account = r.json()
    lead = t.create_lead("sales")
    next_contact = datetime.combine(day, datetime.min.time(), BANGKOK).replace(hour=12)
    r = gw.post(f"/api/v1/leads/{lead['id']}/followups", headers=sales, json={
        "channel": "phone", "note": "คุยแล้ว", "next_contact_at": next_contact.isoformat()})
    assert r.status_code == 201, r.text
    r = post_until_created(gw, "/api/v1/activities", sales, {
        "kind": "task", "subject": "ส่งใบเสนอราคา", "account_id": account["id"],
        "due_at": overdue_at.isoformat()})
    assert r.status_code == 201, r.text
    overdue = r.json()
    until(lambda: gw.get("/api/v1/activities", headers=sales, params={"lead_id": lead["id"]}),
          lambda b: True)  # the activities service knows the lead
    until(lambda: gw.get("/api/v1/calendar", headers=sales,
                         params={"from": day.isoformat(), "to": day.isoformat()}),
          lambda b: {i["type"] for i in b["items"]} >= {"activity", "next_contact"}
          | ({"anniversary"} if (day.month, day.day) != (2, 29) else set()))

    # A deep link to the month opens after the login; the three kinds in three colours.
    D = day.isoformat()
    _sign_in(page, f"{url}/#/calendar?view=month&date={D}", email)
    page.wait_for_selector(f"#cal-body[data-view=month] li[data-day='{D}'] .cal-item")
    cell = f"li.cal-cell[data-day='{D}']"
    assert page.locator(f"{cell} .cal-activity").inner_text().count("ส่งใบเสนอราคา") == 1
    assert page.locator(f"{cell} .cal-next_contact").count() == 1
    colours = {page.eval_on_selector(f".cal-legend .cal-{k} .cal-swatch",
                                     "e => getComputedStyle(e).backgroundColor")
               for k in ("activity", "next_contact", "anniversary")}
    assert len(colours) == 3
    items = {kind: page.eval_on_selector(f"{cell} .cal-{kind}",
                                         "e => getComputedStyle(e).backgroundColor")
             for kind in ("activity", "next_contact")}
    assert items["activity"] != items["next_contact"]
    if (day.month, day.day) != (2, 29):
        assert "วันก่อตั้ง" in page.locator(f"{cell} .cal-anniversary").inner_text()
    assert "null" not in page.inner_text("main")
    _shot(page, "calendar-th-desktop")

    # Week, day, agenda: each a link; Back returns to the view shown before.
    page.click(".cal-views a[data-view=week]")
    page.wait_for_selector(f"#cal-body[data-view=week] li[data-day='{D}'] .cal-item")
    assert "view=week" in _hash(page)
    page.click(".cal-views a[data-view=day]")
    page.wait_for_selector("#cal-body[data-view=day] .cal-item")
    page.click(".cal-views a[data-view=agenda]")
    page.wait_for_selector(f"#cal-body[data-view=agenda] li[data-day='{D}']")
    page.go_back()
    page.wait_for_selector("#cal-body[data-view=day]")
    assert _hash(page) == f"#/calendar?view=day&date={D}"
    page.go_back()
    page.wait_for_selector("#cal-body[data-view=week]")
    page.click("#cal-next")
    page.wait_for_function("location.hash.includes('date=')"
                           f" && !location.hash.includes('date={D}')")
    page.go_back()
    page.wait_for_selector(f"#cal-body[data-view=week][data-from] li[data-day='{D}'] .cal-item")

    # A new activity from the calendar (the day's date filled in), back on the calendar.
    page.goto(f"{url}/#/calendar?view=day&date={D}")
    page.wait_for_selector("#cal-body[data-view=day] .cal-item")
    page.click("#cal-new")
    page.wait_for_selector("form.act-form")
    assert "null" not in page.inner_text("main")
    page.select_option("select[name=kind]", "call")
    page.fill("input[name=subject]", "โทรนัดเดโม")
    when = datetime.combine(day, datetime.min.time(), BANGKOK).replace(hour=15)
    _pick_when(page, "due_at", when)
    page.check("input[name=reminders][value='30']")
    with page.expect_request(lambda r: r.method == "POST"
                             and r.url.endswith("/api/v1/activities")) as req:
        page.click("form.act-form button[type=submit]")
    assert req.value.headers.get("idempotency-key")
    page.wait_for_selector("#cal-body[data-view=day] .cal-item:has-text('โทรนัดเดโม')")
    assert _hash(page) == f"#/calendar?view=day&date={D}"
    made = gw.get("/api/v1/activities", headers=sales, params={"kind": "call"}).json()["items"]
    assert [(a["subject"], a["reminders"]) for a in made] == [("โทรนัดเดโม", [30])]

    # From the lead's page: its activities panel, "new", saved back to the lead.
    page.goto(f"{url}/#/leads/{lead['id']}?box=inbox")
    page.wait_for_selector("#detail-body .act-panel .act-new")
    page.click("#detail-body .act-panel .act-new")
    page.wait_for_selector("form.act-form")
    page.fill("input[name=subject]", "เตรียมใบเสนอราคา")
    _pick_when(page, "due_at", datetime.now(UTC) + timedelta(days=2))
    page.click("form.act-form button[type=submit]")
    page.wait_for_selector("#detail-body .act-panel .act-item:has-text('เตรียมใบเสนอราคา')")
    assert _hash(page).startswith(f"#/leads/{lead['id']}")
    mine = gw.get("/api/v1/activities", headers=sales, params={"lead_id": lead["id"]}).json()
    assert [a["subject"] for a in mine["items"]] == ["เตรียมใบเสนอราคา"]

    # Mark it done with a result.
    page.click("#detail-body .act-panel .act-item a:has-text('เตรียมใบเสนอราคา')")
    page.wait_for_selector("form.act-complete")
    page.fill("form.act-complete textarea[name=result]", "ส่งแล้ว ลูกค้าตอบรับ")
    page.click("form.act-complete button[type=submit]")
    page.wait_for_selector(".act-page dd:has-text('เสร็จแล้ว')")
    assert "null" not in page.inner_text("main")
    done = gw.get(f"/api/v1/activities/{mine['items'][0]['id']}", headers=sales).json()
    assert (done["status"], done["result"]) == ("done", "ส่งแล้ว ลูกค้าตอบรับ")

    # The overdue list: the task past its time, reached from the nav.
    page.click("#nav a[href='#/activities/overdue']")
    page.wait_for_selector("#od-list .act-item")
    listed = page.locator("#od-list .act-item a").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")
    assert f"#/activities/{overdue['id']}" in listed
    assert f"#/activities/{done['id']}" not in listed  # done: no longer overdue

    # Check-in at the account: 2 km away is refused with the distance; beside it, accepted.
    page.context.grant_permissions(["geolocation"], origin=url)
    cdp = page.context.new_cdp_session(page)
    far = (HOME[0] + 0.018, HOME[1])
    cdp.send("Emulation.setGeolocationOverride",
             {"latitude": far[0], "longitude": far[1], "accuracy": 15})
    page.goto(f"{url}/#/accounts/{account['id']}")
    page.wait_for_selector("#detail-body .ci-button")
    page.click("#detail-body .ci-button")
    page.wait_for_selector("#detail-body .ci-status.form-error")
    refused = page.inner_text("#detail-body .ci-status")
    metres = int(re.search(r"([\d,]+) ม\.", refused).group(1).replace(",", ""))
    assert abs(metres - _haversine_m(far, HOME)) <= 2, refused
    assert "1,000" in refused
    cdp.send("Emulation.setGeolocationOverride",
             {"latitude": HOME[0] + 0.0002, "longitude": HOME[1], "accuracy": 15})
    page.click("#detail-body .ci-button")
    page.wait_for_selector("#detail-body .ci-status.ci-ok")
    page.wait_for_selector("#detail-body .ci-list .ci-item")
    history = gw.get("/api/v1/checkins", headers=sales, params={"account_id": account["id"]}).json()
    assert len(history["items"]) == 1 and history["items"][0]["distance_m"] < 30

    # The private ICS address on My account: made, fetched without a login, revoked.
    page.goto(f"{url}/#/me")
    page.click("#feed-create")
    page.wait_for_selector("#feed-shown:not([hidden])")
    feed = page.input_value("#feed-shown input")
    path = feed[feed.index("/api/v1/ics/"):]
    with httpx.Client(base_url=url, timeout=30) as anonymous:
        got = anonymous.get(path)
        assert got.status_code == 200 and b"BEGIN:VCALENDAR" in got.content
        page.click("#feed-revoke")
        page.wait_for_selector("#feed-shown[hidden]", state="attached")
        page.wait_for_selector("#feed-status:has-text('ยกเลิกลิงก์ปฏิทินแล้ว')")
        assert anonymous.get(path).status_code == 404

    # At 375 px the calendar opens as the agenda, with no sideways scroll.
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{url}/#/calendar?date={D}")
    page.wait_for_selector(f"#cal-body[data-view=agenda] li[data-day='{D}'] .cal-item")
    settled(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    _shot(page, "calendar-th-phone")
    page.goto(f"{url}/#/calendar?view=month&date={D}")
    page.wait_for_selector(f"#cal-body[data-view=month] li[data-day='{D}'] .cal-count")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # An admin picks the salesperson's calendar.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#logout")
    _sign_in(page, f"{url}/#/calendar?view=day&date={D}", admin_email)
    page.wait_for_selector("#cal-body[data-view=day]")
    page.select_option(".cal-user select", t.users["sales"])
    page.wait_for_selector("#cal-body[data-view=day] .cal-item:has-text('โทรนัดเดโม')")
    assert f"user={t.users['sales']}" in _hash(page)
    assert not errors, errors

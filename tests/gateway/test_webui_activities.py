"""The activities screens' logic (webui/static/screens/activities/) run in node
(webui_activities.mjs): the calendar's month, week, day and agenda ranges (Monday weeks, leap
days, year ends), the reminders in words, what a refused check-in says (the distance from the
error's params, in Thai and English), and the lead/account activities panel's call and its
"new" link back to the page. The screens in a browser: tests/e2e/test_browser_activities.py."""

from __future__ import annotations

import pytest

from .test_webui import NODE, run_node

pytestmark = [pytest.mark.unit,
              pytest.mark.skipif(NODE is None, reason="node is not on PATH (.ci/run installs it)")]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> dict:
    return run_node(tmp_path_factory.mktemp("activities"), "webui_activities.mjs")


def test_calendar_ranges_cover_whole_weeks_from_monday(out):
    r = out["ranges"]
    # December 2026 starts on a Tuesday and ends on a Thursday: Monday 30 Nov – Sunday 3 Jan
    assert r["month 2026-12-07"] == {"from": "2026-11-30", "to": "2027-01-03",
                                     "prev": "2026-11-01", "next": "2027-01-01"}
    # February 2027 starts on a Monday and ends on a Sunday: exactly four weeks
    assert r["month 2027-02-28"] == {"from": "2027-02-01", "to": "2027-02-28",
                                     "prev": "2027-01-01", "next": "2027-03-01"}
    assert r["week 2026-12-07"] == {"from": "2026-12-07", "to": "2026-12-13",
                                    "prev": "2026-11-30", "next": "2026-12-14"}
    assert r["week 2028-02-29"]["from"] == "2028-02-28"
    assert r["day 2028-02-29"] == {"from": "2028-02-29", "to": "2028-02-29",
                                   "prev": "2028-02-28", "next": "2028-03-01"}
    assert r["agenda 2026-12-07"] == {"from": "2026-12-07", "to": "2026-12-20",
                                      "prev": "2026-11-23", "next": "2026-12-21"}
    for key, value in r.items():  # the API takes at most 92 days
        assert value["from"] <= value["to"], key


def test_day_arithmetic_and_valid_days(out):
    d = out["days"]
    assert (d["plus"], d["leap"], d["back"]) == ("2028-02-29", "2027-03-01", "2026-12-31")
    assert (d["monday"], d["same"]) == ("2026-12-07", "2026-12-07")
    assert d["valid"] == [True, False, False, False, False]


def test_reminders_are_said_in_words(out):
    assert out["words"]["en"] == ["At the time", "10 minutes before", "30 minutes before",
                                  "1 hours before", "2 hours before", "1 days before",
                                  "2 days before", "45 minutes before"]
    assert out["words"]["th"][0] == "ตรงเวลา" and out["words"]["th"][3] == "1 ชั่วโมงก่อน"


def test_a_refused_check_in_says_the_distance_and_why(out):
    th, en = out["refused"]["th"], out["refused"]["en"]
    assert th[0] == "เช็กอินไม่ได้: คุณอยู่ห่างจากสถานที่ 1,001 ม. ต้องอยู่ภายใน 1,000 ม."
    assert en[0] == "Not checked in: you are 1,001 m from the place; it must be within 1,000 m"
    assert en[1] == "The position is more than 2 minutes old; try again"
    assert en[2].startswith("The browser may not use your location")
    assert en[3].startswith("Your location could not be found")
    assert all(th_text != en_text for th_text, en_text in zip(th, en, strict=True))


def test_the_panel_lists_the_records_activities_and_links_new_back_to_the_page(out):
    assert out["calls"] == [{"url": "/api/v1/activities?account_id=a1&limit=50", "method": "GET"}]
    assert out["newHref"] == "#/activities/new?account_id=a1&back=%23%2Faccounts%2Fa1"

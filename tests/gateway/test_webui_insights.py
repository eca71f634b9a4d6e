"""The insights page's logic (webui/static/screens/insights/) run in node (webui_insights.mjs):
the filters as they go into the link and to the API (a hand-edited bad value is dropped), the
export link, each kind of cell in Thai and English (baht, percent, days, a month in the
Buddhist Era, names beside ids), which reports are lines and which bars and what they draw,
the bars' scale, the targets editor's amounts, and the page's one call for a report. The page
in a browser: tests/e2e/test_browser_insights.py."""

from __future__ import annotations

import pytest

from .test_webui import NODE, run_node

pytestmark = [pytest.mark.unit,
              pytest.mark.skipif(NODE is None, reason="node is not on PATH (.ci/run installs it)")]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> dict:
    return run_node(tmp_path_factory.mktemp("insights"), "webui_insights.mjs")


def test_filters_are_checked_before_they_go_to_the_link_or_the_api(out):
    f = out["filters"]
    assert f["clean"] == {"from": "2026-01-01", "to": "2026-01-31", "user_id": "u-1",
                          "source": "line"}
    assert f["bad"] == {}  # bad dates and ids dropped; group_by only for the won report
    assert (f["won"], f["wonBad"]) == ({"group_by": "month"}, {})


def test_links_keep_the_filters_and_the_export_takes_the_same_with_the_language(out):
    h = out["hrefs"]
    assert h["page"] == "#/insights/won?from=2026-01-01&group_by=team"
    assert h["other"] == "#/insights/lost?from=2026-01-01"
    assert h["export"] == "/api/v1/insights/funnel/export?from=2026-01-01&source=line&lang=en"
    assert h["file"] == "insights-won-2026-01-01-2026-03-31.xlsx"
    assert h["reports"] == ["funnel", "won", None]
    assert h["routes"] == [["/insights", {}], ["/insights/:report", {"report": "won"}]]


def test_each_kind_of_cell_reads_in_thai_and_english(out):
    th, en = out["cells"]["th"], out["cells"]["en"]
    assert th == ["สมชาย", "ทีมเหนือ", "เสนอราคา", "เว็บไซต์", "ไม่ระบุ", "฿1,234,567.50", "1,234",
                  "33.3 %", "4.3 วัน", "ก.พ. 2569", "—", ""]
    assert en == ["สมชาย", "ทีมเหนือ", "เสนอราคา", "Website", "Not given", "฿1,234,567.50", "1,234",
                  "33.3 %", "4.3 days", "Feb 2026", "—", ""]


def test_months_are_lines_other_reports_bars_of_their_own_series(out):
    c = out["charts"]
    assert c["forecast"]["kind"] == "line"
    assert c["forecast"]["series"] == [["มูลค่า (บาท)", [1000, 300]],
                                       ["มูลค่าถ่วงน้ำหนัก (บาท)", [500, 30]]]
    assert c["forecast"]["tick"].startswith("฿1.5")
    assert c["funnel"] == {"kind": "bar", "categories": ["เว็บไซต์", "LINE"],
                           "series": ["สร้าง", "แปลงเป็นลูกค้า"]}
    assert c["targets"] == {"categories": ["สมชาย · ม.ค. 2569"], "series": [["฿100"], ["฿50"]]}
    assert c["empty"] is None


def test_bars_share_one_nice_scale(out):
    g = out["geometry"]
    assert g["nice"] == [1, 10, 10, 20, 200, 5000, 2_000_000]
    a_x, a_y, b_x, b_y = g["widths"]  # per category, per series: 50 and 0, then 100 and NaN
    assert b_x == 2 * a_x and a_y == 0 and b_y == 0 and b_x <= 500
    assert g["height"] == 2 * (18 + 2 * 14 + 10)


def test_target_amounts_are_baht_with_two_decimals(out):
    a = out["amounts"]
    assert a["typed"] == ["150000.00", "1500.50", "2000.25", "", None, None, None, "0.00"]
    assert a["months"] == ["2025-12", "2027-01", "2026-12"]
    assert a["report"] == [["u1", "10.00"]] and a["list"] == [["u3", "5.00"]]


def test_the_page_asks_for_the_report_with_the_links_filters(out):
    p = out["page"]
    assert p["calls"][-1] == {"url": "/api/v1/insights/funnel?from=2026-01-01&source=line",
                              "method": "GET"}
    assert "#/insights/won?from=2026-01-01&source=line" in p["tabs"]
    assert p["xlsx"] == "/api/v1/insights/funnel/export?from=2026-01-01&source=line&lang=th"
    assert p["state"] == "ok" and p["website"]

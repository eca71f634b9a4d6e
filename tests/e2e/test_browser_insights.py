"""The insights page in a real browser (Debian's Chromium, driven by Playwright) against the
real system. The first test answers GET/PUT /api/v1/insights/* from a fake in the page
(Playwright's `page.route`) with fixed figures in the API's contract, so it checks the page
itself whether or not the insights service runs here: the nav link, a chart per report with
the table of the same figures under it, the filters in the link (Back brings them back), the
.xlsx download with the filters and the session's token, the won report by month as a line,
the admins' targets editor (PUT, amounts in baht), English, a salesperson's pickers, and the
page at 375 px without sideways scrolling. The second test runs against the insights
service itself once the gateway routes /api/v1/insights (skipped, saying so, where not):
the funnel's table shows what the API answers, the download is a real workbook, and a target
set on the page is what GET /insights/targets answers."""

from __future__ import annotations

import io
import json
import uuid
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from .conftest import PASSWORD, until
from .test_browser import (
    _shot,
    browser_page,  # noqa: F401  (the fixture)
)

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append([title])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _answer(report: str, query: dict[str, str], users: dict[str, str]) -> dict:
    """A report as the API answers it (fixed figures; `users`: id → name)."""
    (sales_id, sales_name), = users.items()
    shapes = {
        "funnel": ([("source", "source"), ("created", "count"), ("qualified", "count"),
                    ("converted", "count")],
                   [{"source": "website", "created": 12, "qualified": 6, "converted": 3},
                    {"source": "facebook", "created": 8, "qualified": 2, "converted": 1},
                    {"source": "line", "created": 5, "qualified": 1, "converted": 0}],
                   {"created": 25, "qualified": 9, "converted": 4}),
        "pipeline": ([("stage", "stage"), ("deals", "count"), ("amount", "money"),
                      ("weighted", "money")],
                     [{"stage": "s1", "stage_name": "ติดต่อครั้งแรก", "deals": 4,
                       "amount": "400000.00", "weighted": "40000.00"},
                      {"stage": "s2", "stage_name": "เสนอราคา", "deals": 2,
                       "amount": "250000.50", "weighted": "125000.25"}],
                     {"deals": 6, "amount": "650000.50", "weighted": "165000.25"}),
        "targets": ([("user", "user"), ("month", "month"), ("target", "money"),
                     ("won_amount", "money"), ("attainment", "percent")],
                    [{"user": sales_id, "user_name": sales_name, "month": "2026-01",
                      "target": "100000.00", "won_amount": "82500.00", "attainment": 82.5}],
                    {"target": "100000.00", "won_amount": "82500.00", "attainment": 82.5}),
    }
    if report == "won" and query.get("group_by") == "month":
        shapes["won"] = ([("month", "month"), ("won_count", "count"), ("won_amount", "money"),
                          ("lost_count", "count"), ("win_rate", "percent"),
                          ("avg_days_to_close", "days")],
                         [{"month": f"2026-0{m}", "won_count": m, "won_amount": f"{m}0000.00",
                           "lost_count": 1, "win_rate": 50.0, "avg_days_to_close": 12.5}
                          for m in (1, 2, 3)], {})
    elif report == "won":
        shapes["won"] = ([("user", "user"), ("won_count", "count"), ("won_amount", "money"),
                          ("lost_count", "count"), ("win_rate", "percent"),
                          ("avg_days_to_close", "days")],
                         [{"user": sales_id, "user_name": sales_name, "won_count": 3,
                           "won_amount": "150000.00", "lost_count": 1, "win_rate": 75.0,
                           "avg_days_to_close": 21.3}], {"won_count": 3})
    columns, rows, totals = shapes.get(report, ([("source", "source"), ("leads", "count")],
                                                [], {}))
    return {"report": report, "from": query.get("from", "2025-12-08"),
            "to": query.get("to", "2026-12-07"), "time_zone": "Asia/Bangkok",
            "columns": [{"key": k, "kind": kind} for k, kind in columns], "rows": rows,
            "totals": totals}


class FakeInsights:
    """GET /insights/{report}, /export, GET and PUT /insights/targets, answered in the page."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = users
        self.calls: list[tuple[str, str, dict[str, str], dict | None, str | None]] = []
        self.targets: dict[tuple[str, str], str] = {}

    def __call__(self, route) -> None:
        request = route.request
        url = urlsplit(request.url)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        body = json.loads(request.post_data) if request.post_data else None
        self.calls.append((request.method, url.path, query, body,
                           request.headers.get("authorization")))
        name = url.path.removeprefix("/api/v1/insights/")
        if name == "targets" and request.method == "PUT":
            self.targets[(body["user_id"], body["month"])] = body["amount"]
            route.fulfill(status=200, json=body)
        elif name == "targets" and "month" in query:  # the report of one month
            route.fulfill(json={**_answer(name, query, self.users), "rows": [
                {"user": u, "user_name": self.users[u], "month": m, "target": a,
                 "won_amount": "0.00", "attainment": 0.0}
                for (u, m), a in self.targets.items() if m == query["month"]]})
        elif name.endswith("/export"):
            route.fulfill(status=200, body=_workbook(name), headers={"content-type": XLSX})
        else:
            route.fulfill(json=_answer(name, query, self.users))

    def last(self, path: str) -> tuple:
        return next(c for c in reversed(self.calls) if c[1] == path)


def _sign_in(page, url: str, email: str, hash_: str = "#/leads?box=inbox") -> None:
    page.goto(f"{url}/{hash_}")
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#app-view:not([hidden])")


def _shown(page, report: str) -> None:
    page.wait_for_selector(f".ins-report[data-report={report}][data-state=ok]")


def _email(gw, t, who: str) -> str:
    return gw.get("/api/v1/me", headers=t.h(who)).json()["email"]


# the first browser test of a run also waits for the whole system to start
@pytest.mark.timeout(900)
def test_the_insights_page_charts_filters_exports_and_sets_targets(
        gw, system, make_tenant, browser_page, tmp_path):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท รายงาน จำกัด")
    sales = t.add_user("sales", "sales")
    fake = FakeInsights({sales: "sales คนขาย"})
    page.route("**/api/v1/insights/**", fake)
    _sign_in(page, system.gateway.url, _email(gw, t, "admin"))

    # The nav's link opens the first report: three sources × three series of bars, the same
    # figures in the table, and the totals.
    page.click("#nav a[href='#/insights']")
    _shown(page, "funnel")
    assert page.locator(".ins-chart-box .ins-bars rect").count() == 9
    assert page.locator(".ins-legend li").all_inner_texts() == [
        "สร้าง", "ผ่านการคัดกรอง", "แปลงเป็นลูกค้า"]
    rows = page.locator(".ins-table tbody tr")
    assert rows.nth(0).locator("th, td").all_inner_texts() == ["เว็บไซต์", "12", "6", "3"]
    assert page.locator(".ins-table tfoot tr").locator("th, td").all_inner_texts() == [
        "รวม", "25", "9", "4"]
    assert page.locator(".ins-report p[role=status]").inner_text() == (
        "8 ธ.ค. 2568 – 7 ธ.ค. 2569 (เวลา Asia/Bangkok)")
    assert fake.last("/api/v1/insights/funnel")[2] == {}
    _shot(page, "insights-th-desktop")

    # Filters: a start date (picked in the Buddhist Era, sent Gregorian) and a source; they go
    # into the link and to the API.
    page.select_option("select[name='from.day']", "1")
    page.select_option("select[name='from.month']", "1")
    page.select_option("select[name='from.year']", label="2569")
    page.get_by_label("ช่องทาง", exact=True).select_option("facebook")
    page.get_by_role("button", name="แสดงรายงาน").click()
    page.wait_for_function("location.hash === '#/insights/funnel?from=2026-01-01&source=facebook'")
    _shown(page, "funnel")
    assert fake.last("/api/v1/insights/funnel")[2] == {"from": "2026-01-01", "source": "facebook"}

    # Another report keeps the filters; the won report grouped by month is a line.
    page.get_by_role("link", name="ยอดขายที่ปิดได้").click()
    _shown(page, "won")
    assert page.evaluate("location.hash") == "#/insights/won?from=2026-01-01&source=facebook"
    assert page.locator(".ins-table tbody tr").first.locator("td").all_inner_texts() == [
        "3", "฿150,000", "1", "75.0 %", "21.3 วัน"]
    page.get_by_label("แยกตาม").select_option("month")
    page.get_by_role("button", name="แสดงรายงาน").click()
    page.wait_for_selector(".ins-report[data-report=won] .ins-line polyline")
    assert page.locator(".ins-table tbody th").all_inner_texts() == [
        "ม.ค. 2569", "ก.พ. 2569", "มี.ค. 2569"]
    assert fake.last("/api/v1/insights/won")[2]["group_by"] == "month"

    # Back steps through what was shown, the form following the link.
    page.go_back()
    page.wait_for_function("location.hash === '#/insights/won?from=2026-01-01&source=facebook'")
    _shown(page, "won")
    page.go_back()
    page.wait_for_function("location.hash === '#/insights/funnel?from=2026-01-01&source=facebook'")
    _shown(page, "funnel")
    assert page.get_by_label("ช่องทาง", exact=True).input_value() == "facebook"

    # The .xlsx: the same filters, the UI's language, the session's token; a workbook.
    with page.expect_download() as got:
        page.click("#ins-xlsx")
    download = got.value
    assert download.suggested_filename == "insights-funnel-2026-01-01-2026-12-07.xlsx"
    method, path, query, _body, auth = fake.last("/api/v1/insights/funnel/export")
    assert (method, query) == ("GET", {"from": "2026-01-01", "source": "facebook", "lang": "th"})
    assert auth and auth.startswith("Bearer ")
    saved = tmp_path / "report.xlsx"
    download.save_as(saved)
    from openpyxl import load_workbook

    assert load_workbook(saved).active["A1"].value == "funnel/export"

    # Targets (admin): the month's amounts, one PUT per changed person, in baht.
    page.get_by_role("link", name="เป้าการขาย").click()
    _shown(page, "targets")
    month = date.today().strftime("%Y-%m")
    assert fake.last("/api/v1/insights/targets")[2] == {"month": month}
    box = page.get_by_label("เป้าของ sales คนขาย (บาท)")
    box.fill("12.345")
    page.get_by_role("button", name="บันทึกเป้า").click()
    page.wait_for_selector(".ins-targets .field-error:not([hidden])")
    box.fill("150,000")
    page.get_by_role("button", name="บันทึกเป้า").click()
    page.wait_for_selector("#toast:has-text('บันทึกเป้าแล้ว 1 คน')")
    assert fake.targets == {(sales, month): "150000.00"}
    _shown(page, "targets")
    assert page.get_by_label("เป้าของ sales คนขาย (บาท)").input_value() == "150000.00"
    assert page.locator(".ins-table tbody tr").first.locator("td").all_inner_texts()[:3] == [
        "ม.ค. 2569", "฿100,000", "฿82,500"]

    # English: the same page, every word switched.
    page.click("#lang-toggle")
    page.wait_for_function("document.documentElement.lang === 'en'")
    _shown(page, "targets")
    assert page.locator("#ins-report-title").inner_text() == "Sales targets"
    assert page.locator(".ins-table thead th").first.inner_text() == "Salesperson"
    assert page.get_by_role("button", name="Save the targets").is_visible()
    page.get_by_role("link", name="Pipeline value").click()
    _shown(page, "pipeline")
    assert page.locator(".ins-table tbody th").all_inner_texts() == ["ติดต่อครั้งแรก", "เสนอราคา"]
    assert page.locator(".ins-table tfoot td").all_inner_texts() == [
        "6", "฿650,000.50", "฿165,000.25"]

    # At 375 px the page fits; the tabs and the table scroll on their own.
    # The filters are folded under their summary there, so the chart comes first.
    page.set_viewport_size({"width": 375, "height": 812})
    for report in ("funnel", "pipeline", "won", "targets"):
        page.evaluate(f"location.hash = '#/insights/{report}'")
        _shown(page, report)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, report
        assert page.get_attribute(".ins-filter-box", "open") is None
        if report == "pipeline":
            page.wait_for_selector("#toast", state="hidden")
            _shot(page, "insights-en-phone")
    page.click(".ins-filter-box summary")
    assert page.get_by_role("button", name="Show the report").is_visible()

    # A salesperson sees their own figures: no team or person to pick.
    page.click("#lang-toggle")
    page.click("#logout")
    _sign_in(page, system.gateway.url, _email(gw, t, "sales"), "#/insights/funnel")
    _shown(page, "funnel")
    pickers = ".ins-filters select[name=team_id], .ins-filters select[name=user_id]"
    assert page.locator(pickers).count() == 0
    assert page.get_by_text("ตัวเลขของคุณเอง").is_visible()
    assert errors == []


def _service_runs(gw, t) -> bool:
    return gw.get("/api/v1/insights/funnel", headers=t.h("admin")).status_code == 200


@pytest.mark.timeout(900)
def test_the_insights_page_shows_what_the_service_answers(
        gw, system, make_tenant, browser_page, tmp_path):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท รายงานจริง จำกัด")
    if not _service_runs(gw, t):
        pytest.skip("the gateway does not route /api/v1/insights here (the insights service "
                    "is not part of this system yet)")
    sales = t.add_user("sales", "sales")
    tag = uuid.uuid4().hex[:6]
    for source in ("website", "website", "facebook"):
        t.create_lead("admin", source=source, name=f"ลูกค้า {tag}")
    figures = until(lambda: gw.get("/api/v1/insights/funnel", headers=t.h("admin")),
                    lambda b: sum(r.get("created", 0) for r in b["rows"]) >= 3, timeout=60)
    _sign_in(page, system.gateway.url, _email(gw, t, "admin"), "#/insights/funnel")
    _shown(page, "funnel")
    shown = page.locator(".ins-table tbody tr")
    assert shown.count() == len(figures["rows"])
    by_source = {r["source"]: r for r in figures["rows"]}
    assert shown.filter(has_text="เว็บไซต์").locator("td").first.inner_text() == str(
        by_source["website"]["created"])

    with page.expect_download() as got:
        page.click("#ins-xlsx")
    saved = tmp_path / "funnel.xlsx"
    got.value.save_as(saved)
    from openpyxl import load_workbook

    assert load_workbook(saved).active.max_row >= 2

    page.get_by_role("link", name="เป้าการขาย").click()
    page.wait_for_selector(".ins-report[data-report=targets]:not([data-state=loading])")
    page.get_by_label("เป้าของ sales คนขาย (บาท)").fill("90000")
    page.get_by_role("button", name="บันทึกเป้า").click()
    page.wait_for_selector("#toast:has-text('บันทึกเป้าแล้ว 1 คน')")
    month = date.today().strftime("%Y-%m")
    got_targets = gw.get("/api/v1/insights/targets", params={"month": month},
                         headers=t.h("admin")).json()
    assert [(r["user"], r["target"]) for r in got_targets["rows"]] == [(sales, "90000.00")]
    assert errors == []

"""The web UI in a real browser (Debian's Chromium, driven by Playwright) against the real
system: a salesperson logs in, creates a Thai company account with its tax ID and address,
finds it again by search, adds a contact, makes a lead from the account, and switches the
UI to English. Skipped, saying why, where no Chromium is installed (`.ci/run` installs it)."""

from __future__ import annotations

import os
import shutil
import time
import uuid

import pytest
from stdnum.th import moa

from .conftest import PASSWORD, login

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("TIDTAM_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser")


@pytest.fixture
def browser_page():
    if not CHROMIUM:
        pytest.skip("no Chromium here: apt-get install chromium (or set TIDTAM_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="th-TH")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        track(page)
        yield page, errors
        browser.close()


# The live bell keeps the notices stream open for as long as a user is signed in, so the
# page is never "networkidle": `settled` waits for every other request to end instead.
STREAMS = ("/api/v1/notifications/stream",)
_IN_FLIGHT: dict[int, set[object]] = {}


def track(page) -> None:
    """Count the page's requests in flight (the notices stream aside), for `settled`."""
    pending: set[object] = set()
    _IN_FLIGHT[id(page)] = pending

    def started(request) -> None:
        if not any(stream in request.url for stream in STREAMS):
            pending.add(request)

    def ended(request) -> None:
        pending.discard(request)

    page.on("request", started)
    page.on("requestfinished", ended)
    page.on("requestfailed", ended)


def settled(page, quiet_ms: int = 500, timeout_s: float = 30) -> None:
    """No request of the page's in flight (the stream aside) for `quiet_ms`: what
    wait_for_load_state("networkidle") said before the bell's stream."""
    pending = _IN_FLIGHT[id(page)]
    deadline = time.monotonic() + timeout_s
    quiet_since: float | None = None
    while True:
        now = time.monotonic()
        if pending:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= quiet_ms / 1000:
            return
        if now > deadline:
            raise AssertionError(f"requests still in flight after {timeout_s} s: "
                                 f"{[getattr(r, 'url', r) for r in pending]}")
        page.wait_for_timeout(50)


def _shot(page, name: str) -> None:
    """With TIDTAM_SCREENSHOTS=<folder>, keep a screenshot of the page there (the README's)."""
    folder = os.environ.get("TIDTAM_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"))


def _sales_user(gw, t, name: str) -> str:
    """A salesperson of tenant `t` (t.tokens["sales"]); their email."""
    email = f"sales-{uuid.uuid4().hex[:6]}@e2e.example"
    r = gw.post("/api/v1/users", headers=t.h("admin"), json={
        "email": email, "name": name, "password": PASSWORD, "role": "sales"})
    assert r.status_code == 201, r.text
    t.users["sales"] = r.json()["id"]
    t.tokens["sales"] = login(gw, email)
    return email


def test_a_salesperson_makes_an_account_a_contact_and_a_lead(gw, system, make_tenant,
                                                            browser_page):
    page, errors = browser_page
    t = make_tenant("บริษัท เบราว์เซอร์ จำกัด")
    email = _sales_user(gw, t, "มานี ขายดี")
    t.create_lead("admin")  # the leads service knows the tenant (its sources) by now
    tag = uuid.uuid4().hex[:6]
    name = f"บริษัท ทดสอบเบราว์เซอร์ {tag} จำกัด"
    prefix = f"0105{int(tag, 16) % 10**8:08d}"
    tax_id = prefix + moa.calc_check_digit(prefix)

    page.goto(system.gateway.url + "/")
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#app-view:not([hidden])")

    page.click("#nav a[href='#/accounts']")
    page.click("#new-account-btn")
    form = page.locator("#detail-body form").first
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=tax_id]").fill(tax_id)
    form.locator("input[name=province]").fill("เชียงใหม่")
    form.locator("input[name=postcode]").fill("50200")
    form.locator("input[name=phone]").fill("053-111-222")
    form.locator("input[name=email]").fill(f"buy-{tag}@example.co.th")
    form.locator("button[type=submit]").click()
    # Saved, it opens: the Thai tax-document name of the head office is shown.
    page.wait_for_selector(f"#detail-body h2.detail-title:has-text('{name}')")
    assert page.locator("#detail-body").get_by_text("สำนักงานใหญ่").first.is_visible()

    page.fill("#acc-q", tag)
    page.keyboard.press("Enter")
    page.wait_for_selector(f"#account-list :text('{name}')")

    forms = page.locator("#detail-body form")
    contact_form = forms.filter(has=page.locator("input[name=position]"))
    contact_form.locator("input[name=name]").fill("คุณสมใจ ผู้จัดการ")
    contact_form.locator("input[name=phone]").fill("081-234-5678")
    contact_form.locator("button[type=submit]").click()
    page.wait_for_selector(".contact-list :text('คุณสมใจ ผู้จัดการ')")

    api_accounts = gw.get("/api/v1/accounts", params={"q": tag}, headers=t.h("admin")).json()
    account = api_accounts["items"][0]
    assert account["tax_id"] == tax_id and account["address"]["province"] == "เชียงใหม่"
    contacts = gw.get(f"/api/v1/accounts/{account['id']}/contacts", headers=t.h("admin")).json()
    assert [c["name"] for c in contacts["items"]] == ["คุณสมใจ ผู้จัดการ"]

    lead_form = forms.filter(has=page.locator("select[name=source]"))
    lead_form.locator("button[type=submit]").click()
    leads = {}
    for _ in range(50):
        leads = gw.get("/api/v1/leads", params={"q": "คุณสมใจ"}, headers=t.h("admin")).json()
        if leads["items"]:
            break
        page.wait_for_timeout(200)
    assert leads["items"] and leads["items"][0]["account_id"] == account["id"]

    # A salesperson names colleagues (GET /people): the send-on picker lists the admin.
    page.click("[data-box=inbox]")
    page.locator("#lead-list .lead-item").first.click()
    picker = page.locator("#detail-body select[name=to_user_id]")
    picker.wait_for(state="attached")
    assert any("แอดมิน" in o for o in picker.locator("option").all_inner_texts())

    page.click("#lang-toggle")
    page.wait_for_selector("#list-title:has-text('Inbox')")
    assert page.locator("#nav a[href='#/accounts']").inner_text() == "Accounts"
    assert not errors, errors


def _sign_in(page, email: str) -> None:
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#app-view:not([hidden])")


def test_a_deep_link_editing_labels_and_the_phone(gw, system, make_tenant, browser_page):
    """A salesperson opens a link to a lead: it opens after the login. They fix its phone and
    a custom field, put a label on and take it off, log a follow-up with a Buddhist Era
    date. At 375 px the page does not overflow, the box tabs
    scroll, a phone number stays on one line and "add follow-up" comes first."""
    page, errors = browser_page
    t = make_tenant("บริษัท ลิงก์ จำกัด")
    email = _sales_user(gw, t, "สมศรี ขายเก่ง")
    r = gw.post("/api/v1/labels", headers=t.h("admin"),
                json={"name": "ลูกค้า VIP", "color": "#cc8800", "scope": "system"})
    assert r.status_code == 201, r.text
    label = r.json()
    t.create_lead("admin")  # the leads service knows the tenant by now
    r = gw.post("/api/v1/custom-fields", params={"entity": "lead"}, headers=t.h("admin"), json={
        "key": "grade", "label_th": "เกรดลูกค้า", "label_en": "Grade", "type": "text"})
    assert r.status_code == 201, r.text
    leads = [t.create_lead("sales", name=f"คุณลูกค้า {i} {uuid.uuid4().hex[:4]}") for i in range(3)]
    lead = leads[0]
    api_lead = lambda: gw.get(f"/api/v1/leads/{lead['id']}", headers=t.h("sales")).json()  # noqa: E731

    # A link to the lead, opened signed out: the login, then the lead itself.
    page.goto(f"{system.gateway.url}/#/leads/{lead['id']}?box=inbox")
    _sign_in(page, email)
    page.wait_for_selector(f"#detail-body h2.detail-title:has-text('{lead['name']}')")
    assert f"#/leads/{lead['id']}" in page.url
    inbox = gw.get("/api/v1/leads/counts", headers=t.h("sales")).json()["inbox"]
    assert inbox >= 3
    page.wait_for_selector(f"#nav [data-count=inbox]:text-is('{inbox}')")  # the Inbox's count

    # Edit: a wrong phone fixed, a custom field filled.
    page.click("#detail-body button:has-text('แก้ไขลีด')")
    form = page.locator("#detail-body form").first
    form.locator("input[name=phone]").fill("089-999-8888")
    form.locator("input[name='custom.grade']").fill("เกรด A")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#detail-body a[href^='tel:']:has-text('089-999-8888')")
    assert page.locator("#detail-body .facts").get_by_text("เกรด A").is_visible()
    saved = api_lead()
    assert saved["phone"] == "+66899998888" and saved["custom"] == {"grade": "เกรด A"}

    # A label on, then off.
    page.select_option("#detail-body .label-add select", label["id"])
    page.click("#detail-body .label-add button[type=submit]")
    remove = page.get_by_role("button", name="เอาป้าย “ลูกค้า VIP” ออก")
    remove.wait_for()
    assert api_lead()["label_ids"] == [label["id"]]
    remove.click()
    page.wait_for_selector("#detail-body .labels :text('ยังไม่มีป้าย')")
    assert api_lead()["label_ids"] == []

    # A follow-up with its next contact picked in the Buddhist Era (the year 2569 is 2026).
    log = page.locator("#detail-body form").filter(
        has=page.locator("select[name='next_contact_at.year']"))
    log.locator("textarea[name=note]").fill("โทรคุยแล้ว สนใจแพ็กเกจใหญ่")
    year = log.locator("select[name='next_contact_at.year']")
    be_year = year.locator("option").nth(2).inner_text()
    year.select_option(label=be_year)
    log.locator("select[name='next_contact_at.month']").select_option(value="3")
    log.locator("select[name='next_contact_at.day']").select_option(value="7")
    log.locator("input[name='next_contact_at.time']").fill("14:30")
    log.locator("button[type=submit]").click()
    page.wait_for_selector(f"#detail-body .log-next:has-text('{be_year}')")
    entries = gw.get(f"/api/v1/leads/{lead['id']}/history", headers=t.h("sales")).json()
    nexts = [e["next_contact_at"] for e in entries if e.get("next_contact_at")]
    assert nexts and nexts[0].startswith(f"{int(be_year) - 543}-03-07")
    page.click("#detail-body input[name=show_all]")  # the whole history: human kinds, no keys
    page.wait_for_selector("#detail-body .log-entry:has-text('แก้ไขข้อมูล')")
    assert "kind." not in page.locator("#detail-body").inner_text()
    page.click("#lang-toggle")
    page.wait_for_selector("#detail-body .log-entry:has-text('Edited')")
    page.click("#lang-toggle")
    page.wait_for_selector("#detail-body .log-entry:has-text('แก้ไขข้อมูล')")

    # The phone: 375 px wide.
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{system.gateway.url}/#/leads?box=inbox")
    page.wait_for_selector("#lead-list .lead-item")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide at 375"
    tabs = page.evaluate("(() => { const s = document.querySelector('#nav .nav-scroll'); return"
                         " [s.scrollWidth, s.clientWidth, getComputedStyle(s).overflowX]; })()")
    assert tabs[0] > tabs[1] and tabs[2] == "auto", tabs  # more tabs than fit: they scroll
    page.click(f"#lead-list a[data-id='{lead['id']}']")
    page.wait_for_selector("#detail-body h2.detail-title")
    assert not page.locator(".list-pane").is_visible()  # the lead alone on a phone
    tel = page.locator("#detail-body a[href^='tel:']")
    assert tel.evaluate("a => a.getClientRects().length") == 1  # one line: not broken
    note_top = page.locator("#detail-body .log textarea[name=note]").bounding_box()["y"]
    assert note_top < 900, f"add follow-up starts {note_top}px down"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not errors, errors

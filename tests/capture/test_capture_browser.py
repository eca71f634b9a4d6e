"""The lead channels screen and the lead page's consent in a real browser (Debian's Chromium,
driven by Playwright) at 375 px, in Thai: LINE, Facebook and email set up with their
secrets never shown again, the webhook URLs to paste; a withdrawal of consent recorded on a
lead page and marked in the list. Skipped, saying why, where no Chromium is here."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from capture_support import PASSWORD, until

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e
CHROMIUM = os.environ.get("TIDTAM_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser")
SECRETS = {"channel_secret": "line-secret-" + "a" * 24, "access_token": "line-token-" + "b" * 40,
           "app_secret": "fb-app-secret-" + "c" * 20, "page_access_token": "fb-page-" + "d" * 40,
           "verify_token": "fb-verify-" + "e" * 12, "signing_secret": "mail-sign-" + "f" * 20}


@pytest.fixture
def phone() -> Iterator[Page]:
    if not CHROMIUM:
        pytest.skip("no Chromium here: apt-get install chromium (or set TIDTAM_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 375, "height": 812}, locale="th-TH")
        yield page
        browser.close()


def sign_in(page: Page, url: str, email: str, hash_: str) -> None:
    page.goto(f"{url}/#{hash_}")
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#app-view:not([hidden])")


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width}px wide at 375"


def test_channels_set_up_with_secrets_never_shown(tenant: Any, system: Any,
                                                  phone: Page) -> None:
    page = phone
    me = tenant.gw.get("/api/v1/me", headers=tenant.admin).json()
    sign_in(page, system.gateway.url, me["email"], "/admin/channels")
    for key in ("line", "facebook", "email"):
        page.locator(f"[data-channel={key}] [data-state=unset]").wait_for()
    fits(page)

    line = page.locator("[data-channel=line]")
    line.locator("input[name=channel_id]").fill("1650000001")
    line.locator("input[name=channel_secret]").fill(SECRETS["channel_secret"])
    line.locator("input[name=access_token]").fill(SECRETS["access_token"])
    line.get_by_role("button", name="บันทึก").click()
    line.locator("[data-state=set]").wait_for()

    fb = page.locator("[data-channel=facebook]")
    fb.locator("input[name=page_id]").fill("1020304050")
    for name in ("app_secret", "page_access_token", "verify_token"):
        fb.locator(f"input[name={name}]").fill(SECRETS[name])
    fb.locator("textarea[name=mapping]").fill("full_name=name\nphone_number=phone\nงบ=note")
    fb.get_by_role("button", name="บันทึก").click()
    fb.locator("[data-state=set]").wait_for()

    mail = page.locator("[data-channel=email]")
    mail.locator("input[name=signing_secret]").fill(SECRETS["signing_secret"])
    mail.get_by_role("button", name="บันทึก").click()
    mail.locator("[data-state=set]").wait_for()

    page.reload()
    for key in ("line", "facebook", "email"):
        page.locator(f"[data-channel={key}] [data-state=set]").wait_for()
    values = page.eval_on_selector_all("input, textarea", "els => els.map(e => e.value)")
    text = page.inner_text("body") + "\n".join(values)
    for secret in SECRETS.values():
        assert secret not in text
    urls = [v for v in values if "/capture/" in v]
    assert any("/capture/line/" in u for u in urls) and any("/capture/facebook/" in u for u in urls)
    assert any("/capture/email/" in u for u in urls)
    assert any(v.startswith("lead-") and "@" in v for v in values)  # the inbound address
    assert "งบ=note" in fb.locator("textarea[name=mapping]").input_value().splitlines()
    assert "Verify" in line.inner_text()  # the console's steps
    got = tenant.gw.get("/api/v1/capture/facebook", headers=tenant.admin).json()
    assert got["mapping"]["งบ"] == "note" and got["page_id"] == "1020304050"
    fits(page)


def test_a_withdrawal_recorded_on_the_lead_page(tenant: Any, system: Any,
                                                phone: Page) -> None:
    page = phone
    name = f"คุณไม่รับโปร {uuid.uuid4().hex[:6]}"
    r = tenant.gw.post("/api/v1/leads", headers=tenant.admin, json={
        "name": name, "phone": "0812345678", "email": f"{uuid.uuid4().hex[:8]}@example.co.th",
        "source": "website"})
    assert r.status_code == 201, r.text
    lead = r.json()
    me = tenant.gw.get("/api/v1/me", headers=tenant.admin).json()
    sign_in(page, system.gateway.url, me["email"], f"/leads/{lead['id']}?box=inbox")
    card = page.locator("section.action-card", has=page.locator("h3", has_text="ความยินยอม (PDPA)"))
    card.locator("[data-marketing=unknown]").wait_for()
    card.locator("summary", has_text="บันทึกการถอนความยินยอม").click()
    card.locator("select[name=channel]").first.select_option("phone")
    card.locator("input[name=note]").first.fill("โทรมาขอไม่รับโปรโมชัน")
    card.get_by_role("button", name="บันทึกการถอนความยินยอม").click()
    page.locator("[data-marketing=no]").wait_for()
    assert "ถอนความยินยอม (การตลาด)" in page.locator(".consent-change").inner_text()
    got = tenant.gw.get(f"/api/v1/leads/{lead['id']}", headers=tenant.admin).json()
    assert got["marketing"] is False and got["consent_change"]["channel"] == "phone"
    page.goto(f"{system.gateway.url}/#/leads?box=inbox&q={name}")
    row = page.locator("#lead-list .lead-row", has_text=name)
    row.locator(".badge", has_text="ไม่รับการตลาด").wait_for()
    fits(page)


@pytest.fixture
def product(tenant: Any, system: Any) -> str:
    """A catalogue product the capture service has heard of (announced before the browser
    starts: Playwright's sync API runs its own event loop in this thread)."""
    from test_capture_form_products import _announce_product

    pid = _announce_product(system, tenant)
    until(lambda: tenant.gw.get("/api/v1/capture/products", headers=tenant.admin),
          lambda body: [p["id"] for p in body["items"]] == [pid])
    return pid


def test_products_picked_on_the_forms_and_channels_screens(tenant: Any, system: Any,
                                                           product: str,
                                                           phone: Page) -> None:
    """Issue 17: the forms screen's and the channels' product picker (the catalogue as the
    capture service knows it), at 375 px in Thai: a form made with a product, its products
    changed in place, the email channel saved with one; the API has what was picked."""
    page, gw, admin, pid = phone, tenant.gw, tenant.admin, product
    me = gw.get("/api/v1/me", headers=admin).json()
    sign_in(page, system.gateway.url, me["email"], "/admin/capture")
    create = page.locator("form", has=page.locator("textarea[name=consent_th]"))
    create.locator(f"input[name=product_ids][value='{pid}']").wait_for()
    create.locator("input[name=name]").fill("ฟอร์มกล้อง")
    create.locator("textarea[name=consent_th]").fill("ยินยอมให้ติดต่อกลับ")
    create.locator("textarea[name=consent_en]").fill("I agree to be contacted")
    create.locator(f"input[name=product_ids][value='{pid}']").check()
    create.get_by_role("button", name="เพิ่ม").click()
    page.get_by_text("สินค้า: กล้องวงจรปิด").wait_for()
    fits(page)
    [made] = gw.get("/api/v1/capture/forms", headers=admin).json()["items"]
    assert made["product_ids"] == [pid]

    editor = page.locator(f"details[data-products='{made['id']}']")
    editor.locator("summary").click()
    editor.locator(f"input[value='{pid}']").uncheck()
    editor.get_by_role("button", name="บันทึก").click()
    until(lambda: gw.get(f"/api/v1/capture/forms/{made['id']}", headers=admin),
          lambda body: body["product_ids"] == [])

    page.goto(f"{system.gateway.url}/#/admin/channels")
    mail = page.locator("[data-channel=email]")
    mail.locator(f"input[name=product_ids][value='{pid}']").wait_for()
    mail.locator("input[name=signing_secret]").fill(SECRETS["signing_secret"])
    mail.locator(f"input[name=product_ids][value='{pid}']").check()
    mail.get_by_role("button", name="บันทึก").click()
    mail.locator("[data-state=set]").wait_for()
    mail.get_by_text("สินค้า: กล้องวงจรปิด").wait_for()
    assert mail.locator(f"input[name=product_ids][value='{pid}']").is_checked()
    fits(page)
    assert gw.get("/api/v1/capture/email", headers=admin).json()["product_ids"] == [pid]

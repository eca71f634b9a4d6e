"""The admin screens and the pipeline board in a real browser (Debian's Chromium, driven by
Playwright) against the real system: an admin sets up a team, a sales user, a pipeline with
renamed and reordered stages, a system label and a custom field, each checked through the
API; a salesperson moves a card on the board by drag and by keyboard, and a move back is
refused and explained in Thai. Skipped, saying why, where no Chromium is installed."""

from __future__ import annotations

import uuid

import pytest

from .conftest import PASSWORD, until
from .test_browser import browser_page  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e


def sign_in(page, url: str, email: str, hash_: str) -> None:
    page.goto(f"{url}/#{hash_}")
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#app-view:not([hidden])")


def go(page, url: str, hash_: str) -> None:
    page.goto(f"{url}/#{hash_}")
    page.wait_for_selector(".adm-title, .board-page h1")


def column(stage: dict) -> str:
    return f".board-col[data-stage='{stage['id']}']"


def add_user(gw, t, role: str, **extra) -> str:
    email = f"{role}-{uuid.uuid4().hex[:6]}@e2e.example"
    r = gw.post("/api/v1/users", headers=t.h("admin"), json={
        "email": email, "name": f"{role} ทดสอบ", "password": PASSWORD, "role": role, **extra})
    assert r.status_code == 201, r.text
    return email


def test_an_admin_sets_up_the_tenant_on_the_screens(gw, system, make_tenant, browser_page):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท ตั้งค่า จำกัด")
    url = system.gateway.url
    sign_in(page, url, add_user(gw, t, "admin"), "/admin/teams")
    tag = uuid.uuid4().hex[:4]

    # A team.
    page.wait_for_selector(".adm-title")
    page.get_by_label("ชื่อทีมใหม่").fill(f"ทีมเหนือ {tag}")
    page.get_by_role("button", name="เพิ่ม", exact=True).click()
    page.wait_for_selector(f".adm-row :text('ทีมเหนือ {tag}')")
    teams = gw.get("/api/v1/teams", headers=t.h("admin")).json()["items"]
    team_id = next(x["id"] for x in teams if x["name"] == f"ทีมเหนือ {tag}")

    # A sales user in that team.
    go(page, url, "/admin/users")
    page.get_by_text("เพิ่มผู้ใช้").click()
    email = f"sales-{tag}@e2e.example"
    form = page.locator("details form")
    form.get_by_label("อีเมล").fill(email)
    form.locator("input[name=name]").fill("สมหญิง ขายเก่ง")
    form.get_by_label("รหัสผ่านเริ่มต้น").fill(PASSWORD)
    form.get_by_label("บทบาท").select_option("sales")
    form.get_by_label("ทีม").select_option(team_id)
    form.get_by_role("button", name="เพิ่ม", exact=True).click()
    page.wait_for_selector(".adm-row :text('สมหญิง ขายเก่ง')")
    users = gw.get("/api/v1/users", headers=t.h("admin")).json()["items"]
    made = next(u for u in users if u["email"] == email)
    assert (made["role"], made["team_id"], made["active"]) == ("sales", team_id, True)

    # A system label.
    go(page, url, "/admin/labels")
    page.get_by_label("ชื่อป้ายกำกับ").fill(f"VIP {tag}")
    page.get_by_role("button", name="เพิ่ม", exact=True).click()
    page.wait_for_selector(f".adm-row :text('VIP {tag}')")
    labels = gw.get("/api/v1/labels", headers=t.h("admin")).json()
    assert {"name": f"VIP {tag}", "scope": "system"}.items() <= next(
        x for x in labels if x["name"] == f"VIP {tag}").items()

    # A custom field of leads: a select with options, required.
    go(page, url, "/admin/custom-fields")
    page.get_by_text("เพิ่มฟิลด์").click()
    form = page.locator("details form")
    form.get_by_label("รหัสฟิลด์").fill("grade")
    form.get_by_label("ชื่อฟิลด์ (ไทย)").fill("เกรดลูกค้า")
    form.get_by_label("ชื่อฟิลด์ (อังกฤษ)").fill("Customer grade")
    form.get_by_label("ชนิด").select_option("select")
    form.get_by_label("ตัวเลือก").fill("A\nB\nC")
    form.get_by_role("button", name="เพิ่ม", exact=True).click()
    page.wait_for_selector(".adm-row :text('เกรดลูกค้า')")
    fields = gw.get("/api/v1/custom-fields", params={"entity": "lead"}, headers=t.h("admin")).json()
    listed = fields if isinstance(fields, list) else fields["items"]
    grade = next(f for f in listed if f["key"] == "grade")
    assert (grade["type"], [o["value"] for o in grade["options"]]) == ("select", ["A", "B", "C"])

    # Settings: own visibility for leads.
    go(page, url, "/admin/settings")
    page.get_by_label("ใครเห็นลีดบ้าง").select_option("own")
    page.get_by_role("button", name="บันทึก").click()
    until(lambda: gw.get("/api/v1/settings", headers=t.h("admin")),
          lambda s: s["lead_visibility"] == "own")
    # A pipeline: created with three stages, one renamed, then reordered by keyboard
    # (the leads service's rename and reorder operations, from the api-leads branch).
    paths = gw.get("/api/v1/openapi.json").json()["paths"]
    if "/api/v1/pipelines/{pipeline_id}/stage-order" not in paths:
        pytest.skip("this leads service cannot rename or reorder stages yet (branch api-leads)")
    go(page, url, "/admin/pipelines")
    page.get_by_text("เพิ่มไปป์ไลน์").click()
    form = page.locator("details form")
    form.locator("input[name=name]").fill(f"โครงการ {tag}")
    form.get_by_label("ขั้นตอน (บรรทัดละหนึ่งขั้นตอน)").fill("ติดต่อ\nนัดพบ\nเสนอราคา")
    form.get_by_role("button", name="เพิ่ม", exact=True).click()
    card = page.locator("section.adm-card", has_text=f"โครงการ {tag}")
    card.wait_for()
    assert "3 จาก 10 ขั้นตอน" in card.inner_text()
    card.get_by_role("button", name="เปลี่ยนชื่อ: นัดพบ").click()
    card.locator(".adm-stage .adm-extra input[name=name]").fill("นัดพบลูกค้า")
    card.locator(".adm-stage .adm-extra input[name=name]").press("Enter")
    card.locator(".adm-stage", has_text="นัดพบลูกค้า").wait_for()
    card.get_by_role("button", name="เลื่อนขึ้น: เสนอราคา").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("""() => [...document.querySelectorAll('.adm-stage .adm-name')]
        .map(e => e.textContent).join('|').includes('ติดต่อ|เสนอราคา|นัดพบลูกค้า')""")
    pipelines = gw.get("/api/v1/pipelines", headers=t.h("admin")).json()
    mine = next(p for p in pipelines if p["name"] == f"โครงการ {tag}")
    assert [s["name"] for s in sorted(mine["stages"], key=lambda s: s["position"])] == [
        "ติดต่อ", "เสนอราคา", "นัดพบลูกค้า"]

    assert not errors, errors


def test_the_board_moves_cards_by_drag_and_by_keyboard(gw, system, make_tenant, browser_page):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท บอร์ด จำกัด")
    url = system.gateway.url
    email = add_user(gw, t, "sales")
    who = "sales"
    from .conftest import login
    t.tokens[who] = login(gw, email)
    t.set_visibility("own")
    standard = next(p for p in gw.get("/api/v1/pipelines", headers=t.h("admin")).json()
                    if p["is_standard"])
    stages = sorted(standard["stages"], key=lambda s: s["position"])
    mine = t.create_lead(who, name="ลูกค้า บนบอร์ด", potential="150000")
    theirs = t.create_lead("admin", name="ลูกค้า ของคนอื่น")
    sign_in(page, url, email, f"/board/{standard['id']}")
    card_sel = f".board-card[data-id='{mine['id']}']"

    first = page.locator(f".board-col[data-stage='{stages[0]['id']}']")
    card = page.locator(f".board-card[data-id='{mine['id']}']")
    card.wait_for()
    assert first.locator(f".board-card[data-id='{mine['id']}']").count() == 1
    assert "฿150,000" in first.inner_text() and "1 ราย" in first.inner_text()
    # `own`: a colleague's lead is not on my board.
    assert page.locator(f".board-card[data-id='{theirs['id']}']").count() == 0

    # Drag to the second stage.
    second = page.locator(f".board-col[data-stage='{stages[1]['id']}']")
    card.drag_to(second)
    second.locator(f".board-card[data-id='{mine['id']}']").wait_for()
    until(lambda: gw.get(f"/api/v1/leads/{mine['id']}", headers=t.h(who)),
          lambda lead: lead["stage_id"] == stages[1]["id"])

    # By keyboard: the card's "Move to…" button, then the third stage.
    page.locator(f".board-card[data-id='{mine['id']}'] .board-move").focus()
    page.keyboard.press("Enter")
    target = page.locator(f".board-card[data-id='{mine['id']}'] .board-target",
                          has_text=stages[2]["name"])
    target.focus()
    page.keyboard.press("Enter")
    page.locator(f"{column(stages[2])} {card_sel}").wait_for()
    until(lambda: gw.get(f"/api/v1/leads/{mine['id']}", headers=t.h(who)),
          lambda lead: lead["stage_id"] == stages[2]["id"])

    # Back to the first stage: refused (stage back is off), said in Thai, the card stays.
    page.locator(f".board-card[data-id='{mine['id']}']").drag_to(first)
    page.wait_for_selector(".board-page .list-status:has-text('ย้อนกลับ')")
    page.locator(f"{column(stages[2])} {card_sel}").wait_for()
    lead = gw.get(f"/api/v1/leads/{mine['id']}", headers=t.h(who)).json()
    assert lead["stage_id"] == stages[2]["id"]

    # In English, the board and its refusal say it in English.
    page.click("#lang-toggle")
    page.wait_for_selector(".board-page h1:has-text('Pipeline board')")
    page.locator(card_sel).drag_to(first)
    page.wait_for_selector(".board-page .list-status:has-text('earlier stage')")

    # A salesperson has no admin links, and an admin link is refused.
    assert page.locator("#nav a[href^='#/admin/']").count() == 0
    page.goto(f"{url}/#/admin/users")
    page.wait_for_selector(".screen-notice")
    assert page.locator(".adm-page").count() == 0

    # A phone: the columns scroll sideways instead of squeezing.
    page.goto(f"{url}/#/board/{standard['id']}")
    page.locator(card_sel).wait_for()
    page.set_viewport_size({"width": 375, "height": 740})
    widths = page.evaluate("""() => { const b = document.querySelector('.board');
        return [b.scrollWidth, b.clientWidth, document.documentElement.scrollWidth]; }""")
    assert widths[0] > widths[1] and widths[2] <= 375, widths
    assert not errors, errors


def test_an_admin_deactivates_a_user_handing_on_their_leads(gw, system, make_tenant,
                                                            browser_page):  # noqa: F811
    """Users and teams through the gateway's admin operations (branch api-gw): a team
    renamed, its deletion refused while someone is in it; a password reset to a one-time
    one; a salesperson deactivated with their leads handed to a colleague."""
    page, errors = browser_page
    paths = gw.get("/api/v1/openapi.json").json()["paths"]
    if "/api/v1/users/{user_id}/deactivate" not in paths:
        pytest.skip("this gateway has no user deactivation with transfer yet (branch api-gw)")
    from .conftest import login
    t = make_tenant("บริษัท ปิดบัญชี จำกัด")
    url = system.gateway.url
    team = t.add_team(f"ทีมใต้ {uuid.uuid4().hex[:4]}")
    leaver = add_user(gw, t, "sales", team_id=team)
    heir_email = add_user(gw, t, "sales")
    users = gw.get("/api/v1/users", headers=t.h("admin")).json()["items"]
    leaver_user = next(u for u in users if u["email"] == leaver)
    heir = next(u for u in users if u["email"] == heir_email)
    t.tokens["leaver"] = login(gw, leaver)
    lead = t.create_lead("leaver")
    sign_in(page, url, add_user(gw, t, "admin"), "/admin/teams")

    row = page.locator(f".adm-row[data-id='{team}']")
    row.get_by_role("button", name="ลบ").click()
    row.locator(".form-error").wait_for()
    assert leaver_user["name"] in row.locator(".form-error").inner_text()
    row.get_by_role("button", name="เปลี่ยนชื่อ").click()
    row.locator("input[name=name]").fill("ทีมใต้ใหม่")
    row.locator("input[name=name]").press("Enter")
    row.locator(".adm-name:has-text('ทีมใต้ใหม่')").wait_for()
    assert gw.get(f"/api/v1/teams/{team}", headers=t.h("admin")).json()["name"] == "ทีมใต้ใหม่"

    go(page, url, "/admin/users")
    row = page.locator(f".adm-row[data-id='{leaver_user['id']}']")
    row.get_by_role("button", name="ตั้งรหัสผ่านใหม่").click()
    row.get_by_role("button", name="บันทึก").click()
    once = row.locator(".notice input")
    once.wait_for()
    assert len(once.input_value()) >= 8  # shown once; the old password no longer opens
    r = gw.post("/api/v1/auth/token", data={"username": leaver, "password": PASSWORD})
    assert r.status_code == 401

    row.get_by_role("button", name="ปิดการใช้งาน").click()
    row.locator("select[name=to]").select_option(heir["id"])
    row.get_by_role("button", name="ยืนยันการปิดใช้งาน").click()
    row.locator(".badge:has-text('ปิดการใช้งาน')").wait_for()
    until(lambda: gw.get(f"/api/v1/leads/{lead['id']}", headers=t.h("admin")),
          lambda got: got["owner_id"] == heir["id"])
    assert not errors, errors


def test_an_api_key_is_shown_once_and_a_saved_segment_filters_the_list(gw, system, make_tenant,
                                                                        browser_page):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท คีย์ จำกัด")
    url = system.gateway.url
    tag = uuid.uuid4().hex[:6]
    wanted = t.create_lead("admin", name=f"ลูกค้า กลุ่ม {tag}")
    t.create_lead("admin", name="ลูกค้า อื่น")
    sign_in(page, url, add_user(gw, t, "admin"), "/admin/api-keys")

    # An API key: shown once, works, then revoked.
    page.get_by_label("ใช้สำหรับ").fill("ฟอร์มเว็บไซต์")
    page.get_by_role("button", name="เพิ่ม", exact=True).click()
    key = page.locator(".key-once").input_value()
    assert key.startswith("tdk_")
    assert gw.get("/api/v1/leads", headers={"X-API-Key": key}).status_code == 200
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="ยกเลิกคีย์: ฟอร์มเว็บไซต์").click()
    page.locator(".adm-row.is-retired").wait_for()
    assert gw.get("/api/v1/leads", headers={"X-API-Key": key}).status_code == 401

    # A segment: the Inbox searched for the tag, saved as shared, picked again later.
    page.goto(f"{url}/#/leads?box=inbox&q={tag}")
    page.locator(f".lead-item:has-text('{wanted['name']}')").wait_for()
    page.get_by_role("button", name="บันทึกตัวกรองนี้เป็นกลุ่ม").click()
    page.get_by_label("ชื่อกลุ่ม").fill(f"กลุ่ม {tag}")
    page.get_by_label("ให้ทุกคนในบริษัทใช้ได้").check()
    page.locator(".seg-save button[type=submit]").click()
    page.wait_for_url(lambda u: "segment=" in u)
    segments = gw.get("/api/v1/segments", params={"entity": "lead"}, headers=t.h("admin")).json()
    saved = next(s for s in segments if s["name"] == f"กลุ่ม {tag}")
    assert saved["shared"] and saved["filters"] == {"box": "inbox", "q": tag}
    page.goto(f"{url}/#/leads?box=inbox")
    page.locator(".lead-item:has-text('ลูกค้า อื่น')").wait_for()
    page.get_by_label("กลุ่มที่บันทึกไว้").select_option(saved["id"])
    page.wait_for_url(lambda u: f"segment={saved['id']}" in u)
    page.wait_for_function("""() => document.querySelectorAll('.lead-item').length === 1""")
    assert wanted["name"] in page.locator(".lead-item").inner_text()
    assert not errors, errors


def test_an_admin_makes_a_webhook_and_reads_its_deliveries(gw, system, make_tenant,
                                                           browser_page):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท เว็บฮุก จำกัด")
    url = system.gateway.url
    sign_in(page, url, add_user(gw, t, "admin"), "/admin/webhooks")
    hook_url = "http://127.0.0.2:9/erp"  # allowed in the tests; nothing listens there

    # Created: the secret shown this once.
    page.get_by_label("URL ปลายทาง").fill(hook_url)
    page.get_by_label("เหตุการณ์").fill("lead.*, account.created")
    page.get_by_role("button", name="เพิ่ม", exact=True).click()
    secret = page.locator(".key-once").input_value()
    assert secret.startswith("whsec_")
    [made] = gw.get("/api/v1/webhooks", headers=t.h("admin")).json()["items"]
    assert made["url"] == hook_url and made["events"] == ["lead.*", "account.created"]
    assert secret not in page.locator(".adm-list").inner_text()

    # A test event: it fails (nothing listens), and the log says so, in Thai.
    page.get_by_role("button", name=f"ส่งทดสอบ: {hook_url}").click()
    log = f"/api/v1/webhooks/{made['id']}/deliveries"
    until(lambda: gw.get(log, headers=t.h("admin")),
          lambda b: b["items"] and b["items"][0]["status"] == "failed")
    page.get_by_role("button", name=f"ประวัติการส่ง: {hook_url}").click()
    line = page.locator(".adm-row .adm-extra li").first
    line.wait_for()
    assert "ส่งไม่สำเร็จ" in line.inner_text() and "webhook.test" in line.inner_text()
    page.get_by_role("button", name="ส่งอีกครั้ง: webhook.test").click()
    page.get_by_text("จะส่งอีกครั้งเดี๋ยวนี้").wait_for()
    until(lambda: gw.get(log, headers=t.h("admin")),
          lambda b: b["items"][0]["status"] == "failed" and b["items"][0]["attempts"] == 1)

    # Turned off.
    page.get_by_role("button", name=f"ปิดใช้งาน: {hook_url}").click()
    page.locator(".adm-row.is-retired").wait_for()
    assert gw.get(f"/api/v1/webhooks/{made['id']}", headers=t.h("admin")).json()["enabled"] \
        is False
    assert not errors, errors

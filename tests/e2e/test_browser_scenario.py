"""Issue 11's scenario in one run, in a real browser (Debian's Chromium, driven by Playwright)
against the real system. An admin sets up a team, a salesperson in it, a system label, a
custom field, `own` visibility and a pipeline whose stages are renamed and reordered, all on
the screens. The salesperson, opening a link to the new-lead form, signs in and makes a lead
filling the custom field, puts it on the new pipeline, drags it on the board and moves it by
keyboard (a move back is refused and said, in Thai and in English; at 375 px the columns
scroll); the admin screens are neither linked nor open to them; a colleague's lead is in none
of their list, board or link; they send three leads on in one bulk action; a link to their
lead opens it after the login; Back returns to the list and Forward to the lead; they change
their password and the old one stops working. Every step is checked through the API too.
Skipped, saying why, where no Chromium is installed."""

from __future__ import annotations

import uuid

import pytest

from .conftest import PASSWORD, login, until
from .test_browser import (
    browser_page,  # noqa: F401  (the fixture)
    settled,
)
from .test_browser_admin import add_user, go, sign_in

pytestmark = pytest.mark.e2e


def _admin_sets_up(page, gw, t, url: str, tag: str) -> dict:
    """The admin's part, on the screens; what was made, read back through the API."""
    page.wait_for_selector(".adm-title")
    page.get_by_label("ชื่อทีมใหม่").fill(f"ทีมเหนือ {tag}")
    page.get_by_role("button", name="เพิ่ม", exact=True).click()
    page.wait_for_selector(f".adm-row :text('ทีมเหนือ {tag}')")
    teams = gw.get("/api/v1/teams", headers=t.h("admin")).json()["items"]
    team_id = next(x["id"] for x in teams if x["name"] == f"ทีมเหนือ {tag}")

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

    go(page, url, "/admin/labels")
    page.get_by_label("ชื่อป้ายกำกับ").fill(f"VIP {tag}")
    page.get_by_role("button", name="เพิ่ม", exact=True).click()
    page.wait_for_selector(f".adm-row :text('VIP {tag}')")
    labels = gw.get("/api/v1/labels", headers=t.h("admin")).json()
    assert {"name": f"VIP {tag}", "scope": "system"}.items() <= next(
        x for x in labels if x["name"] == f"VIP {tag}").items()

    go(page, url, "/admin/custom-fields")
    page.get_by_text("เพิ่มฟิลด์").click()
    form = page.locator("details form")
    form.get_by_label("รหัสฟิลด์").fill("grade")
    form.get_by_label("ชื่อฟิลด์ (ไทย)").fill("เกรดลูกค้า")
    form.get_by_label("ชื่อฟิลด์ (อังกฤษ)").fill("Customer grade")
    form.get_by_label("ชนิด").select_option("select")
    form.get_by_label("ตัวเลือก").fill("A\nB\nC")
    form.get_by_label("ต้องกรอกทุกครั้ง").check()
    form.get_by_role("button", name="เพิ่ม", exact=True).click()
    page.wait_for_selector(".adm-row :text('เกรดลูกค้า')")
    fields = gw.get("/api/v1/custom-fields", params={"entity": "lead"}, headers=t.h("admin")).json()
    grade = next(f for f in (fields if isinstance(fields, list) else fields["items"])
                 if f["key"] == "grade")
    assert (grade["type"], grade["required"], [o["value"] for o in grade["options"]]) == (
        "select", True, ["A", "B", "C"])

    go(page, url, "/admin/settings")
    page.get_by_label("ใครเห็นลีดบ้าง").select_option("own")
    page.get_by_role("button", name="บันทึก").click()
    until(lambda: gw.get("/api/v1/settings", headers=t.h("admin")),
          lambda s: s["lead_visibility"] == "own")

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
    pipeline = next(p for p in gw.get("/api/v1/pipelines", headers=t.h("admin")).json()
                    if p["name"] == f"โครงการ {tag}")
    pipeline["stages"].sort(key=lambda s: s["position"])
    assert [s["name"] for s in pipeline["stages"]] == ["ติดต่อ", "เสนอราคา", "นัดพบลูกค้า"]
    return {"email": email, "pipeline": pipeline}


def test_a_tenant_is_set_up_and_worked_on_in_the_browser(gw, system, make_tenant, browser_page):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท ครบวงจร จำกัด")
    url = system.gateway.url
    tag = uuid.uuid4().hex[:4]
    t.tokens["colleague"] = login(gw, add_user(gw, t, "sales"))
    theirs = t.create_lead("colleague", name=f"ลูกค้าของเพื่อน {tag}")

    sign_in(page, url, add_user(gw, t, "admin"), "/admin/teams")
    made = _admin_sets_up(page, gw, t, url, tag)
    email, pipeline = made["email"], made["pipeline"]
    stages = pipeline["stages"]
    t.tokens["sales"] = login(gw, email)

    # The salesperson follows a link to the new-lead form: it opens after their login.
    page.click("#logout")
    sign_in(page, url, email, "/leads/new")
    form = page.locator("#detail-body form").first
    form.locator("input[name=name]").fill(f"คุณใหม่ ลูกค้าจริง {tag}")
    form.locator("input[name=phone]").fill("081-555-1234")
    form.locator("input[name=email]").fill(f"new-{tag}@example.co.th")
    form.locator("input[name=potential]").fill("150,000")
    form.locator("button[type=submit]").click()  # the custom field is required: refused
    form.locator("[name='custom.grade'][aria-invalid=true]").wait_for()
    form.locator("select[name='custom.grade']").select_option("B")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"#detail-body h2.detail-title:has-text('คุณใหม่ ลูกค้าจริง {tag}')")
    mine = gw.get(f"/api/v1/leads/{page.url.split('/leads/')[1].split('?')[0]}",
                  headers=t.h("sales")).json()
    assert mine["custom"] == {"grade": "B"} and mine["owner_id"] == made_user(gw, t, email)

    # Onto the new pipeline, from the lead's stage card.
    stage_form = page.locator("#detail-body form").filter(
        has=page.locator("select[name=stage_id]"))
    stage_form.locator("select[name=stage_id]").select_option(stages[0]["id"])
    stage_form.locator("button[type=submit]").click()
    until(lambda: gw.get(f"/api/v1/leads/{mine['id']}", headers=t.h("sales")),
          lambda lead: lead["stage_id"] == stages[0]["id"])

    # The board of that pipeline: the stages as reordered; drag, then move by keyboard.
    page.goto(f"{url}/#/board/{pipeline['id']}")
    card_sel = f".board-card[data-id='{mine['id']}']"
    column = lambda i: page.locator(f".board-col[data-stage='{stages[i]['id']}']")  # noqa: E731
    column(0).locator(card_sel).wait_for()
    heads = page.locator(".board-col-head h2").all_inner_texts()
    assert heads == ["ติดต่อ", "เสนอราคา", "นัดพบลูกค้า"], heads
    assert "฿150,000" in column(0).inner_text() and "1 ราย" in column(0).inner_text()
    page.locator(card_sel).drag_to(column(1))
    column(1).locator(card_sel).wait_for()
    until(lambda: gw.get(f"/api/v1/leads/{mine['id']}", headers=t.h("sales")),
          lambda lead: lead["stage_id"] == stages[1]["id"])
    page.locator(f"{card_sel} .board-move").focus()
    page.keyboard.press("Enter")
    page.locator(f"{card_sel} .board-target", has_text=stages[2]["name"]).focus()
    page.keyboard.press("Enter")
    column(2).locator(card_sel).wait_for()
    until(lambda: gw.get(f"/api/v1/leads/{mine['id']}", headers=t.h("sales")),
          lambda lead: lead["stage_id"] == stages[2]["id"])
    page.locator(card_sel).drag_to(column(0))  # back: refused (stage back is off), said in Thai
    page.wait_for_selector(".board-page .list-status:has-text('ย้อนกลับ')")
    column(2).locator(card_sel).wait_for()
    assert gw.get(f"/api/v1/leads/{mine['id']}",
                  headers=t.h("sales")).json()["stage_id"] == stages[2]["id"]
    page.click("#lang-toggle")  # in English, the board and its refusal say it in English
    page.wait_for_selector(".board-page h1:has-text('Pipeline board')")
    page.locator(card_sel).drag_to(column(0))
    page.wait_for_selector(".board-page .list-status:has-text('earlier stage')")
    page.set_viewport_size({"width": 375, "height": 740})  # a phone: the columns scroll sideways
    widths = page.evaluate("""() => { const b = document.querySelector('.board');
        return [b.scrollWidth, b.clientWidth, document.documentElement.scrollWidth]; }""")
    assert widths[0] > widths[1] and widths[2] <= 375, widths
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#lang-toggle")
    page.wait_for_selector(".board-page h1:has-text('บอร์ดไปป์ไลน์')")

    # A salesperson has no admin links, and an admin link is refused.
    assert page.locator("#nav a[href^='#/admin/']").count() == 0
    page.goto(f"{url}/#/admin/users")
    page.wait_for_selector(".screen-notice")
    assert page.locator(".adm-page").count() == 0

    # `own`: the colleague's lead is on no board of theirs, in no list, and its link finds nothing.
    standard = next(p for p in gw.get("/api/v1/pipelines", headers=t.h("admin")).json()
                    if p["is_standard"])
    page.goto(f"{url}/#/board/{standard['id']}")
    page.wait_for_selector(".board-col")
    settled(page)
    assert page.locator(f".board-card[data-id='{theirs['id']}']").count() == 0
    page.goto(f"{url}/#/leads?box=inbox")
    page.wait_for_selector(f"#lead-list .lead-item:has-text('{tag}')")
    assert page.locator(f"#lead-list .lead-item:has-text('{theirs['name']}')").count() == 0
    page.goto(f"{url}/#/leads/{theirs['id']}?box=inbox")
    page.wait_for_selector("#detail-body .notice")
    assert theirs["name"] not in page.locator("#main").inner_text()
    assert gw.get(f"/api/v1/leads/{theirs['id']}", headers=t.h("sales")).status_code == 404

    # Three leads sent on to the admin in one bulk action.
    sent = [t.create_lead("sales", name=f"ลีดชุด {i} {tag}", custom={"grade": "A"})
            for i in range(3)]
    page.goto(f"{url}/#/leads?box=inbox&q=ลีดชุด")
    for lead in sent:
        page.get_by_role("checkbox", name=f"เลือก {lead['name']}").check()
    page.wait_for_selector(".bulk-count:text-is('เลือกแล้ว 3 รายการ')")
    bulk = page.locator(".bulk-form")
    bulk.locator("select[name=action]").select_option("send")
    bulk.locator("input[type=search]").fill("แอดมิน")
    page.wait_for_selector(".bulk-form .people-picker :text-is('พบ 1 คน')")  # GET /people?q=
    bulk.locator("select[name=to_user_id]").select_option(t.users["admin"])
    bulk.locator("button[type=submit]").click()
    page.wait_for_selector(".bulk-results :text('สำเร็จ 3 · ไม่พบ 0 · ทำไม่ได้ 0')")
    for lead in sent:
        got = gw.get(f"/api/v1/leads/{lead['id']}", headers=t.h("admin")).json()
        assert got["owner_id"] == t.users["admin"]

    # A link to their lead, opened signed out, opens it after the login; Back to the list.
    page.click("#logout")
    sign_in(page, url, email, f"/leads/{mine['id']}?box=inbox")
    page.wait_for_selector(f"#detail-body h2.detail-title:has-text('{mine['name']}')")
    page.click("#nav a[data-box=inbox]")
    page.wait_for_selector("#detail-placeholder:not([hidden])")
    page.click(f"#lead-list a[data-id='{mine['id']}']")
    page.wait_for_selector(f"#detail-body h2.detail-title:has-text('{mine['name']}')")
    page.go_back()
    page.wait_for_selector("#detail-placeholder:not([hidden])")
    assert page.url.endswith("#/leads?box=inbox")
    page.go_forward()
    page.wait_for_selector(f"#detail-body h2.detail-title:has-text('{mine['name']}')")

    # My account: a new password; the old one no longer opens.
    page.click("#nav a[href='#/me']")
    me = page.locator("main .page")
    me.locator("input[name=current_password]").fill(PASSWORD)
    me.locator("input[name=new_password]").fill("a-new-password-2")
    me.locator("input[name=confirm]").fill("a-new-password-2")
    me.locator("button:has-text('เปลี่ยนรหัสผ่าน')").click()
    page.wait_for_selector("#toast:has-text('เปลี่ยนรหัสผ่านแล้ว')")
    old = gw.post("/api/v1/auth/token", data={"username": email, "password": PASSWORD})
    assert old.status_code == 401
    login(gw, email, "a-new-password-2")
    page.click("#nav a[data-box=inbox]")  # this tab goes on with the token the change gave it
    page.wait_for_selector("#lead-list .lead-item")
    assert not errors, errors


def made_user(gw, t, email: str) -> str:
    users = gw.get("/api/v1/users", headers=t.h("admin")).json()["items"]
    return next(u["id"] for u in users if u["email"] == email)

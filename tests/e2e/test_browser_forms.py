"""The web UI's forms in a real browser (Debian's Chromium, driven by Playwright) against the
real system: a create sent twice at once (a double submit) or sent again after its answer was
lost makes one record, because the form sends one Idempotency-Key for the same submit; the
lead's edit form has its own link that a reload keeps; switching the language keeps what was
typed into a form. Skipped, saying why, where no Chromium is installed."""

from __future__ import annotations

import uuid

import pytest

from .conftest import login
from .test_browser import (
    browser_page,  # noqa: F401  (the fixture)
    settled,
)
from .test_browser_admin import add_user, sign_in

pytestmark = pytest.mark.e2e


def _posts(page, path: str) -> list[str]:
    """The Idempotency-Key of every POST to `path` the page sends from now on."""
    keys: list[str] = []
    page.on("request", lambda r: keys.append(r.headers.get("idempotency-key", "")) if (
        r.method == "POST" and r.url.split("?")[0].endswith(path)) else None)
    return keys


def _named(gw, t, name: str) -> list[dict]:
    return [x for x in gw.get("/api/v1/leads", params={"q": name}, headers=t.h("sales")).json()[
        "items"] if x["name"] == name]


def test_a_double_submit_or_a_retry_makes_one_record(gw, system, make_tenant, browser_page):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท กดสองที จำกัด")
    email = add_user(gw, t, "sales")
    t.tokens["sales"] = login(gw, email)
    t.create_lead("sales")  # the leads service knows the salesperson by now
    url = system.gateway.url
    tag = uuid.uuid4().hex[:6]

    # A double submit of the new-lead form: two POSTs, one key, one lead.
    keys = _posts(page, "/api/v1/leads")
    sign_in(page, url, email, "/leads/new")
    form = page.locator("#detail-body form").first
    name = f"คุณกดสองที {tag}"
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=phone]").fill("081-222-3333")
    form.locator("input[name=email]").fill(f"twice-{tag}@example.co.th")
    page.evaluate("""() => { const f = document.querySelector('#detail-body form');
                             f.requestSubmit(); f.requestSubmit(); }""")
    page.wait_for_selector(f"#detail-body h2.detail-title:has-text('{name}')")
    settled(page)
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1], keys
    assert len(_named(gw, t, name)) == 1
    lead_id = page.url.split("/leads/")[1].split("?")[0]

    # A follow-up submitted twice at once: one entry in the log.
    notes = _posts(page, f"/api/v1/leads/{lead_id}/followups")
    log = page.locator("#detail-body form").filter(
        has=page.locator("select[name='next_contact_at.year']"))
    log.locator("textarea[name=note]").fill(f"โทรแล้ว {tag}")
    log.evaluate("f => { f.requestSubmit(); f.requestSubmit(); }")
    page.wait_for_selector(f"#detail-body .log-entry:has-text('โทรแล้ว {tag}')")
    settled(page)
    assert len(notes) == 2 and notes[0] == notes[1], notes
    entries = gw.get(f"/api/v1/leads/{lead_id}/followups", headers=t.h("sales")).json()
    assert [e["note"] for e in entries].count(f"โทรแล้ว {tag}") == 1

    # The answer is lost on the way back (the server made the lead); the user presses Save
    # again: the same key, the server answers with the lead it made, one lead in all.
    lost = {"n": 0}

    def lose_the_answer(route):
        if route.request.method == "POST" and lost["n"] == 0:
            lost["n"] += 1
            route.fetch()  # the request reaches the gateway and is done
            route.abort("connectionreset")
        else:
            route.continue_()

    keys.clear()
    page.goto(f"{url}/#/leads/new")
    form = page.locator("#detail-body form").first
    name = f"คุณคำตอบหาย {tag}"
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=phone]").fill("081-444-5555")
    form.locator("input[name=email]").fill(f"lost-{tag}@example.co.th")
    page.route("**/api/v1/leads", lose_the_answer)
    form.locator("button[type=submit]").click()
    form.locator(".form-error:not([hidden])").wait_for()  # the network error is said
    assert len(_named(gw, t, name)) == 1  # …yet the lead was made
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"#detail-body h2.detail-title:has-text('{name}')")
    page.unroute("**/api/v1/leads")
    assert len(keys) == 2 and keys[0] == keys[1], keys
    assert len(_named(gw, t, name)) == 1

    # An admin's create (a team) submitted twice at once: one team.
    sign_out_in = add_user(gw, t, "admin")
    page.click("#logout")
    teams = _posts(page, "/api/v1/teams")
    sign_in(page, url, sign_out_in, "/admin/teams")
    page.wait_for_selector(".adm-title")
    page.get_by_label("ชื่อทีมใหม่").fill(f"ทีมกดสองที {tag}")
    page.locator(".adm-page form").first.evaluate("f => { f.requestSubmit(); f.requestSubmit(); }")
    page.wait_for_selector(f".adm-row :text('ทีมกดสองที {tag}')")
    settled(page)
    assert len(teams) == 2 and teams[0] == teams[1], teams
    listed = gw.get("/api/v1/teams", headers=t.h("admin")).json()["items"]
    assert [x["name"] for x in listed].count(f"ทีมกดสองที {tag}") == 1
    assert not errors, errors


def test_the_edit_form_has_a_link_and_a_language_switch_keeps_the_typing(gw, system, make_tenant,
                                                                          browser_page):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท แก้ไข จำกัด")
    email = add_user(gw, t, "sales")
    t.tokens["sales"] = login(gw, email)
    lead = t.create_lead("sales", name=f"คุณแก้ไข {uuid.uuid4().hex[:4]}")
    url = system.gateway.url

    # A half-filled new-lead form, the language switched: the typing stays, the labels change.
    sign_in(page, url, email, "/leads/new")
    form = page.locator("#detail-body form").first
    form.locator("input[name=name]").fill("คุณครึ่งทาง")
    form.locator("input[name=phone]").fill("089-123-4567")
    form.locator("select[name=source]").select_option("referral")
    page.click("#lang-toggle")
    page.wait_for_selector("#detail-body h2:has-text('New lead')")
    form = page.locator("#detail-body form").first
    form.locator("input[name=name]").wait_for()
    page.wait_for_function("document.querySelector('#detail-body input[name=name]').value"
                           " === 'คุณครึ่งทาง'")
    assert form.locator("input[name=phone]").input_value() == "089-123-4567"
    assert form.locator("select[name=source]").input_value() == "referral"
    page.click("#lang-toggle")
    page.wait_for_selector("#detail-body h2:has-text('เพิ่มลีดใหม่')")

    # The edit form's own link: a reload keeps it, the language switch keeps its typing.
    page.goto(f"{url}/#/leads/{lead['id']}?box=inbox")
    page.click("#detail-body button:has-text('แก้ไขลีด')")
    page.wait_for_url(lambda u: u.split("?")[0].endswith(f"/leads/{lead['id']}/edit"))
    page.reload()
    page.wait_for_selector("#detail-body h2:has-text('แก้ไขลีด')")
    form = page.locator("#detail-body form").first
    form.locator("input[name=phone]").fill("02-765-4321")
    page.click("#lang-toggle")
    page.wait_for_selector("#detail-body h2:has-text('Edit the lead')")
    page.wait_for_function("document.querySelector('#detail-body input[name=phone]').value"
                           " === '02-765-4321'")
    page.locator("#detail-body form button[type=submit]").click()
    page.wait_for_selector("#detail-body a[href^='tel:']:has-text('02-765-4321')")
    assert page.url.split("?")[0].endswith(f"/leads/{lead['id']}")  # the lead's link again
    got = gw.get(f"/api/v1/leads/{lead['id']}", headers=t.h("sales")).json()
    assert got["phone"] == "+6627654321"
    assert not errors, errors

"""Issue 14's web UI in a real browser (Debian's Chromium, driven by Playwright) against the
real system: an admin adds, searches, edits and deactivates products; sets the company
profile; sets their document profile and uploads a signature (previewed); makes a quotation
from a lead with a catalogue line and a free-text line, a line discount, a bill discount and
WHT, and the totals and Thai words shown while typing are the API's; saves, previews the PDF
(a PDF answers), issues, sends it by email (the mail sink gets it, the PDF attached), accepts,
makes the invoice, the tax invoice from that invoice (original and copy PDFs) and a credit
note on it; the lead's and an account's documents lists show every kind with its PDF; the
editor fits 375 px. Every
step is checked through the API too. Skipped, saying why, where no Chromium is installed."""

from __future__ import annotations

import io
import uuid

import pytest

from .conftest import login, post_until_created, until
from .test_browser import (
    browser_page,  # noqa: F401  (the fixture)
    settled,
)
from .test_browser_admin import add_user, go, sign_in

pytestmark = pytest.mark.e2e


def tax_id(first12: str) -> str:
    """A Thai tax ID with its check digit (THAI.md)."""
    total = sum(int(d) * (13 - i) for i, d in enumerate(first12))
    return first12 + str((11 - total % 11) % 10)


def _png() -> bytes:
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (240, 80), "white")
    ImageDraw.Draw(img).line([(10, 60), (80, 20), (150, 60), (230, 15)], fill="navy", width=4)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def _pdf_behind(page, gw, locator) -> bytes:
    """Click a PDF button: a link to the PDF the page fetched appears (a blob: URL, which the
    page's CSP keeps a test's fetch() from reading back), typed application/pdf; what the
    API path it names answers, with the page's own session, starts as a PDF."""
    popups: list = []

    def opened(popup) -> None:
        popups.append(popup)

    page.context.on("page", opened)
    locator.locator("button[data-pdf]").click()
    link = locator.locator("a.pdf-link[href^='blob:']")
    try:  # the first PDF waits for the render workers to warm up: slow on a busy machine
        link.wait_for(timeout=150_000)
    except Exception:
        raise AssertionError(f"no PDF link; the page said: {page.locator('#toast').inner_text()}"
                             ) from None
    assert link.get_attribute("type") == "application/pdf"
    token = page.evaluate("sessionStorage.getItem('tidtam.token')")
    r = gw.get(link.get_attribute("data-pdf"), headers={"Authorization": f"Bearer {token}"})
    page.context.remove_listener("page", opened)
    for p in popups:
        p.close()
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", r.text
    return r.content[:5]


@pytest.mark.timeout(900)  # a long walk, and the system's start-up, on a loaded machine
def test_products_company_signature_and_a_quotation_in_the_browser(gw, system, make_tenant,
                                                                   mail_sink,
                                                                   browser_page):  # noqa: F811
    page, errors = browser_page
    t = make_tenant("บริษัท เอกสารครบ จำกัด")
    url = system.gateway.url
    tag = uuid.uuid4().hex[:5].upper()
    admin_email = add_user(gw, t, "admin")
    t.tokens["me"] = login(gw, admin_email)

    # --- products ----------------------------------------------------------------------
    sign_in(page, url, admin_email, "/admin/products")
    go(page, url, "/admin/products")
    page.get_by_text("เพิ่มสินค้าหรือบริการ").click()
    form = page.locator("details form")
    form.get_by_label("รหัสสินค้า (SKU)").fill(f"CAM-{tag}")
    form.get_by_label("ชื่อ (ไทย)").fill("กล้องวงจรปิด")
    form.locator("input[name=unit]").fill("ชุด")
    form.get_by_label("ราคาต่อหน่วย (บาท)").fill("2,400")
    form.get_by_label("ภาษีมูลค่าเพิ่ม").select_option("vat7")
    form.get_by_role("button", name="เพิ่ม", exact=True).click()
    page.wait_for_selector(f".adm-row[data-sku='CAM-{tag}']")
    form.get_by_label("รหัสสินค้า (SKU)").fill(f"OLD-{tag}")
    form.get_by_label("ชื่อ (ไทย)").fill("รุ่นเก่า")
    form.locator("input[name=unit]").fill("ชิ้น")
    form.get_by_label("ราคาต่อหน่วย (บาท)").fill("100")
    form.get_by_role("button", name="เพิ่ม", exact=True).click()
    page.wait_for_selector(f".adm-row[data-sku='OLD-{tag}']")
    made = {p["sku"]: p for p in gw.get("/api/v1/products", params={"q": tag},
                                        headers=t.h("me")).json()["items"]}
    cam = made[f"CAM-{tag}"]
    assert (cam["name"], cam["unit"], cam["unit_price"], cam["vat_type"], cam["active"]) == (
        "กล้องวงจรปิด", "ชุด", "2400.00", "vat7", True)
    # Search, edit in place, deactivate.
    page.locator("#product-q").fill(f"CAM-{tag}")
    page.wait_for_function(f"""() => [...document.querySelectorAll('.adm-row')]
        .map(r => r.dataset.sku).join() === 'CAM-{tag}'""")
    page.get_by_role("button", name=f"แก้ไข: CAM-{tag}").click()
    row = page.locator(f".adm-row[data-sku='CAM-{tag}']")
    row.get_by_label("ราคาต่อหน่วย (บาท)").fill("2500")
    row.get_by_role("button", name="บันทึก").click()
    row.locator(".prod-price", has_text="2,500").wait_for()
    cam = gw.get(f"/api/v1/products/{cam['id']}", headers=t.h("me")).json()
    assert cam["unit_price"] == "2500.00"
    page.locator("#product-q").fill(f"OLD-{tag}")
    page.get_by_role("button", name=f"เลิกขาย: OLD-{tag}").click()
    page.locator(f".adm-row.is-retired[data-sku='OLD-{tag}']").wait_for()
    assert gw.get(f"/api/v1/products/{made[f'OLD-{tag}']['id']}",
                  headers=t.h("me")).json()["active"] is False

    # --- the company profile --------------------------------------------------------------
    go(page, url, "/admin/company")
    page.get_by_label("ชื่อนิติบุคคล (ไทย)").fill("บริษัท เอกสารครบ จำกัด")
    page.get_by_label("เลขประจำตัวผู้เสียภาษี (13 หลัก)").fill(tax_id("010555612345"))
    page.get_by_label("ที่อยู่ตามที่จดทะเบียนกับกรมสรรพากร").fill(
        "99/1 ถนนพระราม 9 แขวงห้วยขวาง เขตห้วยขวาง กรุงเทพมหานคร 10310")
    page.get_by_role("button", name="บันทึก").click()
    profile = until(lambda: gw.get("/api/v1/company-profile", headers=t.h("me")),
                    lambda p: p["tax_id"] == tax_id("010555612345"))
    assert (profile["name"], profile["branch"]) == ("บริษัท เอกสารครบ จำกัด", "00000")

    # --- my document profile and signature ------------------------------------------------
    page.goto(f"{url}/#/me")
    card = page.locator("#document-profile")
    card.get_by_label("ตำแหน่ง").fill("ผู้จัดการฝ่ายขาย")
    card.get_by_role("button", name="บันทึกข้อมูลผู้ออกเอกสาร").click()
    card.locator("input[type=file]").set_input_files(
        files=[{"name": "sign.png", "mimeType": "image/png", "buffer": _png()}])
    card.locator("img.img-preview[src^='data:image/png']").wait_for()
    card.get_by_role("button", name="อัปโหลด").click()
    card.get_by_text("ภาพปัจจุบัน").wait_for()
    mine = until(lambda: gw.get("/api/v1/document-profile", headers=t.h("me")),
                 lambda p: p["has_signature"] and p["position"] == "ผู้จัดการฝ่ายขาย")
    assert mine["has_signature"]

    # --- a quotation from a lead, totals live ----------------------------------------------
    # A tax invoice names the buyer's address: the lead is made from an account with one.
    r = post_until_created(gw, "/api/v1/accounts", t.h("me"), {
        "kind": "company", "name": f"บริษัท ลูกค้าเอกสาร {tag} จำกัด", "phones": ["02-123-4567"],
        "emails": [f"buy-{tag.lower()}@example.co.th"],
        "address": {"line": "99/1 ถนนนิมมานเหมินท์", "subdistrict": "สุเทพ",
                    "district": "เมืองเชียงใหม่", "province": "เชียงใหม่", "postcode": "50200"}})
    assert r.status_code == 201, r.text
    account = r.json()
    r = post_until_created(gw, "/api/v1/leads", t.h("me"),
                           {"account_id": account["id"], "source": "website"})
    assert r.status_code == 201, r.text
    lead = r.json()
    until(lambda: gw.get(f"/api/v1/leads/{lead['id']}/documents", headers=t.h("me")),
          lambda d: d["items"] == [])
    page.goto(f"{url}/#/leads/{lead['id']}")
    page.locator(".doc-related a[data-new-quote]").click()
    page.wait_for_selector(".quote-line")
    assert f"#/quotes/new?lead={lead['id']}" in page.url
    first = page.locator(".quote-line").nth(0)
    first.get_by_label("สินค้า").select_option(cam["id"])
    first = page.locator(".quote-line").nth(0)
    first.get_by_label("จำนวน").fill("2")
    first.get_by_label("ส่วนลด", exact=True).fill("10")
    page.get_by_role("button", name="เพิ่มรายการ").click()
    second = page.locator(".quote-line").nth(1)
    second.get_by_label("รายละเอียด").fill("ค่าติดตั้ง")
    second.get_by_label("จำนวน").fill("1.5")
    second.get_by_label("หน่วย", exact=True).fill("ชั่วโมง")
    second.get_by_label("ราคาต่อหน่วย").fill("800")
    second.get_by_label("ภาษี").select_option("exempt")
    page.get_by_label("ส่วนลดท้ายบิล", exact=True).fill("100")
    page.get_by_label("ส่วนลดท้ายบิล: ชนิดส่วนลด").select_option("amount")
    page.get_by_label("หักภาษี ณ ที่จ่าย").select_option("3")
    body = {"lead_id": lead["id"], "bill_discount_amount": "100", "wht_rate": 3, "lines": [
        {"product_id": cam["id"], "quantity": "2", "discount_percent": "10", "vat_type": "vat7"},
        {"description": "ค่าติดตั้ง", "quantity": "1.5", "unit": "ชั่วโมง", "unit_price": "800",
         "vat_type": "exempt"}]}
    api_totals = gw.post("/api/v1/quotes/preview", headers=t.h("me"), json=body).json()
    assert api_totals["grand_total"] == "5909.47"  # 4500 + 1200 − 100, VAT on 4421.05
    shown = "[data-total=grand_total]"
    page.wait_for_function(f"""() => document.querySelector('{shown}')?.dataset.value === '5909.47'
        && document.querySelector('[data-total=wht]')?.dataset.value === '168.00'""")
    assert page.locator(shown).inner_text() == "5,909.47"
    assert page.locator("[data-total=vat]").inner_text() == "309.47"
    assert page.locator("[data-total=net_payable]").inner_text() == "5,741.47"
    assert page.locator("[data-total=amount_in_words]").inner_text() == \
        api_totals["amount_in_words"] == "ห้าพันเก้าร้อยเก้าบาทสี่สิบเจ็ดสตางค์"
    assert page.locator("[data-line-amount='0']").inner_text() == "4,500.00"
    assert "ภาษีมูลค่าเพิ่ม 7%" in page.locator(".quote-sums").inner_text()
    assert "หักภาษี ณ ที่จ่าย 3%" in page.locator(".quote-sums").inner_text()

    # Save: the draft is the API's, with the same totals.
    page.get_by_role("button", name="บันทึกฉบับร่าง").click()
    page.wait_for_function("() => /#\\/quotes\\/[0-9a-f-]{36}$/.test(location.hash)")
    qid = page.evaluate("location.hash").rsplit("/", 1)[1]
    quote = gw.get(f"/api/v1/quotes/{qid}", headers=t.h("me")).json()
    assert (quote["status"], quote["grand_total"], quote["amount_in_words"]) == (
        "draft", "5909.47", page.locator("[data-total=amount_in_words]").inner_text())
    assert len(quote["lines"]) == 2 and quote["lines"][0]["product_id"] == cam["id"]

    # Preview the PDF: what the link holds is a PDF.
    assert _pdf_behind(page, gw, page.locator(".quote-actions .pdf-open").first) == b"%PDF-"

    # Issue, accept, tax invoice.
    page.get_by_role("button", name="ออกใบเสนอราคา").click()
    page.locator("[data-status=sent]").wait_for()
    number = gw.get(f"/api/v1/quotes/{qid}", headers=t.h("me")).json()["number"]
    assert number.startswith("QT") and number in page.locator("h1.adm-title").inner_text()
    assert page.locator(".quote-line input[name=quantity]").first.is_disabled()

    # Send by email (in English): the notifications service mails the PDF; still `sent`.
    buyer = f"buyer-{tag.lower()}@example.co.th"
    send = page.locator(".quote-send")
    send.locator("summary").click()
    send.get_by_label("ถึง (อีเมล)").fill(buyer)
    send.get_by_label("สำเนาถึง (ไม่บังคับ, คั่นด้วยจุลภาค)").fill(f"boss-{tag.lower()}@example.co.th")
    send.get_by_label("ข้อความ (ไม่บังคับ)").fill("Please find our quotation attached.")
    send.get_by_label("ภาษาของอีเมล").select_option("en")
    send.get_by_role("button", name="ส่ง", exact=True).click()
    assert gw.get(f"/api/v1/quotes/{qid}", headers=t.h("me")).json()["status"] == "sent"
    mail = mail_sink.wait_for(1, buyer, timeout=180)[0]
    assert mail["Subject"].startswith(f"Quotation {number}")
    attached = [part for part in mail.iter_attachments()
                if part.get_content_type() == "application/pdf"]
    assert len(attached) == 1 and attached[0].get_content()[:5] == b"%PDF-"

    # Accept; make the invoice; the tax invoice from that invoice; a credit note on it.
    page.get_by_role("button", name="ลูกค้าตกลง").click()
    page.locator("[data-status=accepted]").wait_for()
    page.get_by_role("button", name="ออกใบแจ้งหนี้").click()
    made_inv = page.locator(".quote-made .doc-item[data-kind=invoice]")
    made_inv.wait_for()
    inv = gw.get("/api/v1/invoices", params={"quote_id": qid}, headers=t.h("me")).json()[
        "items"][0]
    assert inv["number"].startswith("IV") and inv["number"] in made_inv.inner_text()
    assert _pdf_behind(page, gw, made_inv) == b"%PDF-"
    made_inv.locator("[data-action='q.taxFromInvoice']").click()
    made_doc = page.locator(".quote-made .doc-item[data-kind=tax_invoice]")
    made_doc.wait_for()
    tx_id = made_doc.get_attribute("data-id")
    tx = gw.get(f"/api/v1/tax-invoices/{tx_id}", headers=t.h("me")).json()
    assert tx["invoice_id"] == inv["id"] and tx["number"] in made_doc.inner_text()
    assert made_inv.locator("[data-action='q.taxFromInvoice']").count() == 0
    assert _pdf_behind(page, gw, made_doc.locator(".pdf-open").nth(0)) == b"%PDF-"
    assert _pdf_behind(page, gw, made_doc.locator(".pdf-open").nth(1)) == b"%PDF-"
    credit = made_doc.locator(".quote-credit")
    credit.locator("summary").click()
    credit.get_by_label("เหตุผลที่ลดหนี้").fill("กล้องชำรุด ส่งคืน 1 ชุด")
    credit.get_by_label("รายการที่ลด").fill("กล้องวงจรปิด")
    credit.get_by_label("มูลค่าที่ลด (ก่อน VAT)").fill("2,250")
    credit.locator("button[type=submit]").click()
    made_cn = page.locator(".quote-made .doc-item[data-kind=credit_note]")
    made_cn.wait_for()
    cn = gw.get(f"/api/v1/credit-notes/{made_cn.get_attribute('data-id')}",
                headers=t.h("me")).json()
    assert (cn["tax_invoice_number"], cn["difference"]) == (tx["number"], "2250.00")
    assert _pdf_behind(page, gw, made_cn) == b"%PDF-"

    # The lead's documents list: every kind, newest first, each linking to its quote.
    page.goto(f"{url}/#/leads/{lead['id']}")
    item = page.locator(f".doc-related .doc-item[data-id='{qid}']")
    item.wait_for()
    assert page.locator(".doc-related .doc-item").evaluate_all(
        "els => els.map(e => e.dataset.kind)") == ["credit_note", "tax_invoice", "invoice",
                                                   "quote"]
    for kind, doc in (("invoice", inv), ("tax_invoice", tx), ("credit_note", cn)):
        row = page.locator(f".doc-related .doc-item[data-kind={kind}]")
        assert doc["number"] in row.inner_text()
        assert row.locator("a.doc-link").get_attribute("href") == f"#/quotes/{qid}"
    assert _pdf_behind(page, gw, page.locator(".doc-related .doc-item[data-kind=credit_note]")
                       ) == b"%PDF-"
    assert number in item.inner_text() and "ลูกค้าตกลง" in item.inner_text()
    assert item.locator("a.doc-link").get_attribute("href") == f"#/quotes/{qid}"
    assert _pdf_behind(page, gw, item) == b"%PDF-"

    # The account's documents list: its own quote and its lead's.
    r = post_until_created(gw, "/api/v1/quotes", t.h("me"), {
        "account_id": account["id"], "lines": [{"product_id": cam["id"], "quantity": 1}]})
    assert r.status_code == 201, r.text
    aq = r.json()
    page.goto(f"{url}/#/accounts/{account['id']}")
    item = page.locator(f".doc-related .doc-item[data-id='{aq['id']}']")
    item.wait_for()
    assert "ฉบับร่าง" in item.inner_text() and "2,675" in item.inner_text()
    assert number in page.locator(f".doc-related .doc-item[data-id='{qid}']").inner_text()
    assert _pdf_behind(page, gw, item) == b"%PDF-"
    item.locator("a.doc-link").click()
    page.wait_for_selector(".quote-line")
    page.wait_for_function("""() =>
        document.querySelector('[data-total=grand_total]')?.dataset.value === '2675.00'""")

    # At 375 px the editor fits the screen.
    page.set_viewport_size({"width": 375, "height": 812})
    settled(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not errors, errors

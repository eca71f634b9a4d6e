// @ts-check
// #/quotes/new?lead=<id> (or ?account=<id>) and #/quotes/<id>: the quotation editor. Lines
// from the catalogue or free text (quantity, unit, price, line discount, VAT type), the bill
// discount, withholding tax, validity and notes. The totals, VAT and WHT lines and the amount
// in Thai words are the API's own (POST /quotes/preview as the user types: no money rule is
// computed here). A draft is saved, previewed as PDF and issued; a sent quote is revised,
// accepted or rejected, sent by email, and turned into an invoice or a tax invoice when the
// API offers them.

import { api, ApiError, asList, creator } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { errorText } from "../../errors.js";
import { fieldErrorText } from "../../field-errors.js";
import { formatDate } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { state } from "../../store.js";
import { toast } from "../../ui.js";
import { dateField } from "../../when.js";
import { pdfButton, supports, useDocStyles, VAT_TYPES } from "./index.js";

addStrings({
  th: {
    "q.new": "ใบเสนอราคาใหม่", "q.title": "ใบเสนอราคา {number}", "q.for": "สำหรับ", "q.backLead": "กลับไปที่ลีด",
    "q.backAccount": "กลับไปที่ลูกค้า", "q.lines": "รายการ", "q.line": "รายการที่ {n}", "q.product": "สินค้า",
    "q.freeText": "— พิมพ์รายการเอง —", "q.description": "รายละเอียด", "q.qty": "จำนวน", "q.unit": "หน่วย",
    "q.price": "ราคาต่อหน่วย", "q.priceLocked": "ราคาตามรายการสินค้า (ผู้ดูแลระบบอนุญาตให้แก้ได้ในหน้าตั้งค่า)",
    "q.discount": "ส่วนลด", "q.discKind": "ชนิดส่วนลด", "q.percent": "%", "q.baht": "บาท", "q.vat": "ภาษี",
    "q.amount": "จำนวนเงิน", "q.addLine": "เพิ่มรายการ", "q.removeLine": "ลบรายการที่ {n}",
    "q.billDiscount": "ส่วนลดท้ายบิล", "q.billDefault": "ว่างไว้ = ส่วนลดประจำของลูกค้า (ถ้ามี)",
    "q.wht": "หักภาษี ณ ที่จ่าย", "q.noWht": "ไม่หัก", "q.validUntil": "ยืนราคาถึงวันที่", "q.notes": "หมายเหตุ",
    "q.totals": "สรุปยอด", "q.subtotal": "รวมเป็นเงิน", "q.billDiscountLine": "หักส่วนลด", "q.beforeVat": "ราคาก่อนภาษีมูลค่าเพิ่ม",
    "q.vatLine": "ภาษีมูลค่าเพิ่ม {rate}%", "q.grandTotal": "จำนวนเงินรวมทั้งสิ้น", "q.whtLine": "หักภาษี ณ ที่จ่าย {rate}%",
    "q.net": "ยอดชำระสุทธิ", "q.words": "จำนวนเงินเป็นตัวอักษร", "q.computing": "กำลังคำนวณ…",
    "q.save": "บันทึกฉบับร่าง", "q.saved": "บันทึกใบเสนอราคาแล้ว", "q.previewPdf": "ดูตัวอย่าง PDF",
    "q.issue": "ออกใบเสนอราคา", "q.issued": "ออกใบเสนอราคาเลขที่ {number} แล้ว", "q.revise": "แก้ไขเป็นฉบับปรับปรุง",
    "q.revised": "สร้างฉบับปรับปรุงแล้ว แก้ไขแล้วกดออกใบเสนอราคาอีกครั้ง", "q.accept": "ลูกค้าตกลง",
    "q.reject": "ลูกค้าปฏิเสธ", "q.accepted": "บันทึกว่าลูกค้าตกลงแล้ว", "q.rejected": "บันทึกว่าลูกค้าปฏิเสธแล้ว",
    "q.pdf": "PDF ใบเสนอราคา", "q.invoice": "ออกใบแจ้งหนี้", "q.invoiceMade": "ออกใบแจ้งหนี้ {number} แล้ว",
    "q.taxInvoice": "ออกใบกำกับภาษี/ใบเสร็จรับเงิน", "q.taxInvoiceMade": "ออกใบกำกับภาษี {number} แล้ว",
    "q.original": "ต้นฉบับ", "q.copy": "สำเนา", "q.send": "ส่งทางอีเมล",
    "q.taxFromInvoice": "ออกใบกำกับภาษีจากใบแจ้งหนี้นี้", "q.sendLang": "ภาษาของอีเมล",
    "q.credit": "ออกใบลดหนี้", "q.creditReason": "เหตุผลที่ลดหนี้", "q.creditWhat": "รายการที่ลด",
    "q.creditAmount": "มูลค่าที่ลด (ก่อน VAT)", "q.creditGo": "ออกใบลดหนี้", "q.creditMade": "ออกใบลดหนี้ {number} แล้ว", "q.sendTo": "ถึง (อีเมล)",
    "q.sendCc": "สำเนาถึง (ไม่บังคับ, คั่นด้วยจุลภาค)", "q.sendMessage": "ข้อความ (ไม่บังคับ)", "q.sendGo": "ส่ง",
    "q.sent": "ส่งใบเสนอราคาทางอีเมลแล้ว", "q.readOnly": "ใบเสนอราคาที่ออกแล้วแก้ไขไม่ได้ กด “แก้ไขเป็นฉบับปรับปรุง” เพื่อทำฉบับใหม่",
    "q.superseded": "มีฉบับปรับปรุงที่ใหม่กว่า:", "q.previous": "ฉบับก่อนหน้า", "q.newer": "เปิดฉบับใหม่",
    "q.noParty": "เปิดใบเสนอราคาใหม่จากหน้าลีดหรือหน้าลูกค้า", "q.issueDate": "วันที่ออก", "q.status": "สถานะ",
    "q.problems": "ตรวจรายการ: {text}", "q.made": "เอกสารที่ออกจากใบเสนอราคานี้", "q.needLine": "เพิ่มอย่างน้อยหนึ่งรายการ",
    "q.actions": "การดำเนินการ",
  },
  en: {
    "q.new": "New quotation", "q.title": "Quotation {number}", "q.for": "For", "q.backLead": "Back to the lead",
    "q.backAccount": "Back to the account", "q.lines": "Lines", "q.line": "Line {n}", "q.product": "Product",
    "q.freeText": "— type the line —", "q.description": "Description", "q.qty": "Quantity", "q.unit": "Unit",
    "q.price": "Unit price", "q.priceLocked": "The catalogue price (an admin may allow edits in Settings)",
    "q.discount": "Discount", "q.discKind": "Discount kind", "q.percent": "%", "q.baht": "baht", "q.vat": "VAT",
    "q.amount": "Amount", "q.addLine": "Add a line", "q.removeLine": "Remove line {n}",
    "q.billDiscount": "Bill discount", "q.billDefault": "Empty = the account's usual discount (if any)",
    "q.wht": "Withholding tax", "q.noWht": "None", "q.validUntil": "Valid until", "q.notes": "Notes",
    "q.totals": "Totals", "q.subtotal": "Subtotal", "q.billDiscountLine": "Less discount", "q.beforeVat": "Amount before VAT",
    "q.vatLine": "VAT {rate}%", "q.grandTotal": "Grand total", "q.whtLine": "Withholding tax {rate}%",
    "q.net": "Net payable", "q.words": "Amount in words", "q.computing": "Calculating…",
    "q.save": "Save draft", "q.saved": "Quotation saved", "q.previewPdf": "Preview PDF",
    "q.issue": "Issue quotation", "q.issued": "Issued quotation {number}", "q.revise": "Revise",
    "q.revised": "A new revision was made: edit it, then issue it", "q.accept": "Customer accepted",
    "q.reject": "Customer rejected", "q.accepted": "Marked as accepted", "q.rejected": "Marked as rejected",
    "q.pdf": "Quotation PDF", "q.invoice": "Issue invoice", "q.invoiceMade": "Issued invoice {number}",
    "q.taxInvoice": "Issue tax invoice / receipt", "q.taxInvoiceMade": "Issued tax invoice {number}",
    "q.original": "Original", "q.copy": "Copy", "q.send": "Send by email",
    "q.taxFromInvoice": "Issue the tax invoice of this invoice", "q.sendLang": "Email language",
    "q.credit": "Issue a credit note", "q.creditReason": "Reason for the credit", "q.creditWhat": "What is credited",
    "q.creditAmount": "Amount credited (before VAT)", "q.creditGo": "Issue credit note", "q.creditMade": "Issued credit note {number}", "q.sendTo": "To (email)",
    "q.sendCc": "Cc (optional, comma-separated)", "q.sendMessage": "Message (optional)", "q.sendGo": "Send",
    "q.sent": "Quotation emailed", "q.readOnly": "An issued quotation cannot change: use “Revise” to make a new revision",
    "q.superseded": "A newer revision replaced it:", "q.previous": "Previous revision", "q.newer": "Open the newer revision",
    "q.noParty": "Start a new quotation from a lead or an account", "q.issueDate": "Issue date", "q.status": "Status",
    "q.problems": "Check the lines: {text}", "q.made": "Documents made from this quotation", "q.needLine": "Add at least one line",
    "q.actions": "Actions",
  },
});

/** @typedef {{id: string, sku: string, name: string, name_en: string|null, unit: string, unit_price: string, vat_type: string, active: boolean}} Product */
/** @typedef {{product_id: string, description: string, quantity: string, unit: string, unit_price: string,
 *   discount_kind: "percent"|"amount", discount: string, vat_type: string}} Line */

const WHT = ["1", "2", "3", "5"];

/** "5909.47" → "5,909.47" (two places always, as the documents print). */
export function money(/** @type {string|number|null|undefined} */ value) {
  if (value === null || value === undefined || value === "") return "";
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  return new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}

/** May this user type a catalogue product's price? Admins, or anyone when the tenant allows it. */
export function mayEditPrice() {
  if (state.me?.role === "admin") return true;
  const s = state.settings;
  if (!s) return false;
  if (typeof s.allow_price_edit === "boolean") return s.allow_price_edit;
  const item = Array.isArray(s.items) ? s.items.find((/** @type {any} */ x) => x.key === "allow_price_edit") : null;
  return !!(item && item.value);
}

/** A stored line (the API's) → the editor's. @param {any} x @returns {Line} */
function lineOf(x) {
  const pct = x.discount_percent !== null && x.discount_percent !== undefined;
  const amt = x.discount_amount !== null && x.discount_amount !== undefined;
  return { product_id: x.product_id || "", description: x.description || "", quantity: String(Number(x.quantity)),
           unit: x.unit || "", unit_price: x.unit_price || "", discount_kind: amt && !pct ? "amount" : "percent",
           discount: pct ? String(Number(x.discount_percent)) : amt ? String(x.discount_amount) : "",
           vat_type: x.vat_type || "vat7" };
}

const blank = () => /** @type {Line} */ ({ product_id: "", description: "", quantity: "1", unit: "", unit_price: "",
                                            discount_kind: "percent", discount: "", vat_type: "vat7" });

/**
 * The API body of the editor's content: a product line leaves out what the catalogue gives
 * (its price unless typed otherwise, so the price rule is the server's).
 * @param {{lines: Line[], bill_kind: string, bill: string, wht: string, valid_until: string|null, notes: string}} s
 * @param {Map<string, Product>} products
 */
export function bodyOf(s, products) {
  const num = (/** @type {string} */ v) => v.replace(/,/g, "").trim();
  const lines = s.lines.map((l) => {
    /** @type {Record<string, any>} */
    const x = { quantity: num(l.quantity), vat_type: l.vat_type };
    const p = l.product_id ? products.get(l.product_id) : null;
    if (l.product_id) x.product_id = l.product_id;
    if (l.description.trim() || !l.product_id) x.description = l.description.trim();
    if (l.unit.trim()) x.unit = l.unit.trim();
    if (!p || Number(num(l.unit_price)) !== Number(p.unit_price)) x.unit_price = num(l.unit_price);
    if (num(l.discount)) x[l.discount_kind === "amount" ? "discount_amount" : "discount_percent"] = num(l.discount);
    return x;
  });
  /** @type {Record<string, any>} */
  const body = { lines, wht_rate: s.wht ? Number(s.wht) : null, valid_until: s.valid_until || null,
                 notes: s.notes.trim() || null };
  if (num(s.bill)) body[s.bill_kind === "amount" ? "bill_discount_amount" : "bill_discount_percent"] = num(s.bill);
  return body;
}

/** @param {HTMLElement} root @param {import("../../types.js").Params} params */
export function mount(root, params) {
  useDocStyles();
  let alive = true;
  let timer = 0;
  let asked = 0;
  /** @type {Map<string, Product>} */
  const products = new Map();
  const s = {
    /** @type {any} */ quote: null, /** @type {string|null} */ lead_id: null, /** @type {string|null} */ account_id: null,
    /** @type {Line[]} */ lines: [blank()], bill_kind: "percent", bill: "", wht: "", /** @type {string|null} */ valid_until: null,
    notes: "", dirty: false, /** @type {any} */ preview: null, /** @type {any[]} */ problems: [], /** @type {any[]} */ made: [],
    caps: { invoice: false, taxInvoice: false, send: false, taxFromInvoice: false, credit: false },
  };
  const create = creator();
  const act = creator();
  const heading = h("h1", { tabindex: "-1", class: "adm-title" }, t("q.new"));
  const status = h("p", { class: "muted", role: "status", "aria-live": "polite" });
  const body = h("div", { class: "quote-body" });
  root.replaceChildren(h("section", { class: "adm-page quote-page" }, heading, status, body));

  /** The quoted lead or account: the preview applies the account's usual bill discount. */
  const party = () => (s.lead_id ? { lead_id: s.lead_id } : s.account_id ? { account_id: s.account_id } : {});
  const editable = () => !s.quote || s.quote.status === "draft";
  const say = (/** @type {string} */ text) => { status.textContent = text; };

  async function load() {
    say(t("adm.loading"));
    try {
      const [list, caps] = await Promise.all([
        api("/api/v1/products", { query: { active: true, limit: 200 } }).then(asList),
        Promise.all([supports("post", /^\/api\/v1\/quotes\/\{[^}]+\}\/invoice$/),
                     supports("post", /^\/api\/v1\/quotes\/\{[^}]+\}\/tax-invoice$/),
                     supports("post", /^\/api\/v1\/quotes\/\{[^}]+\}\/send$/),
                     supports("post", /^\/api\/v1\/invoices\/\{[^}]+\}\/tax-invoice$/),
                     supports("post", /^\/api\/v1\/tax-invoices\/\{[^}]+\}\/credit-notes$/)]),
      ]);
      for (const p of list) products.set(p.id, p);
      [s.caps.invoice, s.caps.taxInvoice, s.caps.send, s.caps.taxFromInvoice, s.caps.credit] = caps;
      if (params.id) {
        take(await api(`/api/v1/quotes/${params.id}`));
        if (s.caps.invoice) { // the invoices already made from it (GET /invoices?quote_id=)
          const invoices = await api("/api/v1/invoices", { query: { quote_id: params.id } }).then(asList).catch(() => []);
          s.made = invoices.map((/** @type {any} */ x) => ({ kind: "invoice", ...x }));
          for (const inv of invoices) { // and the tax invoices made from those
            if (inv.tax_invoice_id) s.made.push({ kind: "tax_invoice", ...(await api(`/api/v1/tax-invoices/${inv.tax_invoice_id}`)) });
          }
        }
      } else {
        s.lead_id = params.lead || null;
        s.account_id = params.account || null;
        if (!s.lead_id && !s.account_id) { say(t("q.noParty")); return; }
      }
    } catch (err) { if (alive) say(errorText(err)); return; }
    if (!alive) return;
    say("");
    draw();
    if (editable()) refresh();
  }

  /** The server's quote becomes the editor's state. @param {any} q */
  function take(q) {
    s.quote = q;
    s.lead_id = q.lead_id;
    s.account_id = q.account_id;
    s.lines = q.lines.length ? q.lines.map(lineOf) : [blank()];
    s.bill_kind = q.bill_discount_amount !== null && q.bill_discount_percent === null ? "amount" : "percent";
    s.bill = q.bill_discount_percent !== null ? String(Number(q.bill_discount_percent))
      : q.bill_discount_amount !== null ? String(q.bill_discount_amount) : "";
    s.wht = q.wht_rate !== null ? String(Number(q.wht_rate)) : "";
    s.valid_until = q.valid_until;
    s.notes = q.notes || "";
    s.preview = q;
    s.dirty = false;
  }

  /** Ask the API for the totals of what is typed (after a pause while typing). */
  function refresh() {
    clearTimeout(timer);
    timer = window.setTimeout(async () => {
      const mine = ++asked;
      totals.dataset.state = "computing";
      try {
        const answer = await api("/api/v1/quotes/preview", { method: "POST", json: { ...bodyOf(s, products), ...party() } });
        if (!alive || mine !== asked) return;
        s.preview = answer;
        s.problems = [];
      } catch (err) {
        if (!alive || mine !== asked) return;
        s.problems = err instanceof ApiError && err.fields.length ? err.fields : [{ field: "", message: errorText(err) }];
      }
      drawTotals();
      markProblems();
    }, 250);
  }

  const changed = () => { s.dirty = true; refresh(); };

  // ---- the parts -------------------------------------------------------------------------
  const linesHost = h("ol", { class: "quote-lines", "aria-label": t("q.lines") });
  const totals = h("section", { class: "card quote-totals", "aria-labelledby": "quote-totals-h", "aria-live": "polite" });
  const problems = h("p", { class: "form-error", role: "alert", hidden: true });
  const actions = h("div", { class: "quote-actions" });
  const made = h("div", { class: "quote-made" });

  /** One labelled input of a line. */
  function input(/** @type {string} */ key, /** @type {string} */ labelKey, /** @type {Record<string, any>} */ attrs, /** @type {any[]} */ options = []) {
    const id = nextId(key);
    const el = options.length ? h("select", { id, name: key, ...attrs }, ...options) : h("input", { id, name: key, ...attrs });
    return { el, wrap: h("div", { class: `field quote-f quote-f-${key}` }, h("label", { for: id }, t(labelKey)), el) };
  }

  /** @param {Line} l @param {number} i */
  function lineRow(l, i) {
    const n = i + 1;
    const ro = !editable();
    const product = l.product_id ? products.get(l.product_id) : null;
    const known = !l.product_id || product;
    const productOptions = [h("option", { value: "" }, t("q.freeText")),
      ...[...products.values()].map((p) => h("option", { value: p.id, selected: p.id === l.product_id },
        `${p.sku} · ${lang() === "en" && p.name_en ? p.name_en : p.name} (${money(p.unit_price)})`)),
      known ? null : h("option", { value: l.product_id, selected: true }, l.description)].filter(Boolean);
    const pick = input("product_id", "q.product", { disabled: ro }, productOptions);
    const desc = input("description", "q.description", { value: l.description, maxlength: 500, disabled: ro,
      placeholder: product ? product.name : "" });
    const qty = input("quantity", "q.qty", { value: l.quantity, inputmode: "decimal", disabled: ro, autocomplete: "off" });
    const unit = input("unit", "q.unit", { value: l.unit, maxlength: 30, disabled: ro, placeholder: product ? product.unit : "" });
    const locked = !!product && !mayEditPrice();
    const price = input("unit_price", "q.price", { value: l.unit_price, inputmode: "decimal", disabled: ro, readonly: locked,
      autocomplete: "off", title: locked ? t("q.priceLocked") : null, "aria-describedby": null });
    const kind = h("select", { name: "discount_kind", "aria-label": `${t("q.discKind")} (${t("q.line", { n })})`, disabled: ro },
      h("option", { value: "percent", selected: l.discount_kind === "percent" }, t("q.percent")),
      h("option", { value: "amount", selected: l.discount_kind === "amount" }, t("q.baht")));
    const disc = input("discount", "q.discount", { value: l.discount, inputmode: "decimal", disabled: ro, autocomplete: "off" });
    disc.wrap.append(kind);
    const vat = input("vat_type", "q.vat", { disabled: ro },
      VAT_TYPES.map((v) => h("option", { value: v, selected: v === l.vat_type }, t(`doc.vat.${v}`))));
    const amount = h("output", { class: "quote-amount", "data-line-amount": String(i) });
    const remove = ro ? null : h("button", { type: "button", class: "btn btn-sm btn-danger quote-remove",
      "aria-label": t("q.removeLine", { n }), onclick: () => {
        s.lines.splice(i, 1);
        if (!s.lines.length) s.lines.push(blank());
        drawLines();
        changed();
      } }, "×");
    pick.el.addEventListener("change", () => {
      const p = products.get(pick.el.value);
      l.product_id = pick.el.value;
      if (p) { l.unit_price = String(p.unit_price); l.vat_type = p.vat_type; l.unit = ""; l.description = ""; }
      drawLines();
      changed();
      /** @type {HTMLElement|null} */ (linesHost.children[i]?.querySelector("[name=product_id]"))?.focus();
    });
    const bind = (/** @type {any} */ el, /** @type {keyof Line} */ key) => el.addEventListener("input", () => {
      /** @type {any} */ (l)[key] = el.value; changed(); });
    bind(desc.el, "description"); bind(qty.el, "quantity"); bind(unit.el, "unit"); bind(price.el, "unit_price");
    bind(disc.el, "discount");
    kind.addEventListener("change", () => { l.discount_kind = /** @type {any} */ (kind).value; changed(); });
    vat.el.addEventListener("change", () => { l.vat_type = /** @type {any} */ (vat.el).value; changed(); });
    return h("li", { class: "card quote-line", dataset: { line: String(i) } },
      h("div", { class: "quote-line-head" }, h("span", { class: "quote-line-n" }, t("q.line", { n })), amount, remove),
      h("div", { class: "quote-line-grid" }, pick.wrap, desc.wrap, qty.wrap, unit.wrap, price.wrap, disc.wrap, vat.wrap),
      locked ? h("p", { class: "hint" }, t("q.priceLocked")) : null);
  }

  function drawLines() {
    linesHost.replaceChildren(...s.lines.map(lineRow));
    drawTotals();
  }

  function drawTotals() {
    const p = s.preview;
    const row = (/** @type {string} */ key, /** @type {string} */ label, /** @type {any} */ value, strong = false) =>
      [h("dt", {}, label), h("dd", { "data-total": key, "data-value": value ?? "", class: strong ? "quote-strong" : "" }, money(value))];
    const rate = (/** @type {any} */ v) => String(Number(v ?? 0));
    totals.replaceChildren(h("h2", { id: "quote-totals-h" }, t("q.totals")),
      p ? h("dl", { class: "quote-sums" },
        row("subtotal", t("q.subtotal"), p.subtotal),
        Number(p.bill_discount) ? row("bill_discount", t("q.billDiscountLine"), p.bill_discount) : null,
        row("before_vat", t("q.beforeVat"), p.before_vat),
        row("vat", t("q.vatLine", { rate: rate(p.vat_rate) }), p.vat),
        row("grand_total", t("q.grandTotal"), p.grand_total, true),
        Number(p.wht) ? row("wht", t("q.whtLine", { rate: rate(p.wht_rate) }), p.wht) : null,
        Number(p.wht) ? row("net_payable", t("q.net"), p.net_payable, true) : null,
        h("dt", {}, t("q.words")), h("dd", { "data-total": "amount_in_words", lang: "th", class: "quote-words" }, p.amount_in_words))
        : h("p", { class: "muted" }, t("q.computing")));
    totals.dataset.state = "ready";
    if (p && p.lines) {
      p.lines.forEach((/** @type {any} */ x, /** @type {number} */ i) => {
        const out = linesHost.querySelector(`[data-line-amount="${i}"]`);
        if (out) out.textContent = money(x.amount);
      });
    }
  }

  function markProblems() {
    for (const el of linesHost.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
    const texts = s.problems.map((fe) => {
      const m = /^body\.lines\.(\d+)\.?(\w+)?/.exec(fe.field || "");
      if (m) {
        const target = linesHost.children[Number(m[1])]?.querySelector(`[name=${m[2] || "quantity"}]`);
        target?.setAttribute("aria-invalid", "true");
        return `${t("q.line", { n: Number(m[1]) + 1 })}: ${fieldErrorText(fe)}`;
      }
      return fe.field ? fieldErrorText(fe) : fe.message;
    });
    problems.textContent = texts.length ? t("q.problems", { text: texts.join(" · ") }) : "";
    problems.hidden = !texts.length;
  }

  /** Save what is typed: a new draft (then its own link) or the draft's PATCH. */
  async function save() {
    const content = bodyOf(s, products);
    if (!s.quote) {
      const q = await create("/api/v1/quotes", { ...content, ...party() });
      take(q);
      toast(t("q.saved"));
      history.replaceState(null, "", `#/quotes/${q.id}`);
      draw();
      return q;
    }
    if (s.dirty) {
      take(await api(`/api/v1/quotes/${s.quote.id}`, { method: "PATCH", json: content }));
      toast(t("q.saved"));
      draw();
    }
    return s.quote;
  }

  /** Run a button's work with its controls busy; errors as a toast and in the problems line. */
  const run = (/** @type {() => Promise<unknown>} */ fn) => async (/** @type {Event} */ event) => {
    const el = /** @type {HTMLButtonElement} */ (event.currentTarget);
    el.disabled = true;
    try { await fn(); } catch (err) {
      s.problems = err instanceof ApiError && err.fields.length ? err.fields : [{ field: "", message: errorText(err) }];
      markProblems();
      toast(errorText(err), "error");
    } finally { el.disabled = false; }
  };
  const btn = (/** @type {string} */ key, /** @type {() => Promise<unknown>} */ fn, cls = "btn") =>
    h("button", { type: "button", class: cls, "data-action": key, onclick: run(fn) }, t(key));

  function drawActions() {
    const q = s.quote;
    const parts = [];
    if (editable()) {
      parts.push(btn("q.save", save, "btn btn-primary"));
      if (q) {
        const preview = pdfButton(`/api/v1/quotes/${q.id}/pdf`, t("q.previewPdf"), "btn");
        parts.push(preview);
        parts.push(btn("q.issue", async () => {
          await save();
          const issued = await act(`/api/v1/quotes/${s.quote.id}/issue`, {});
          take(issued);
          toast(t("q.issued", { number: issued.number }));
          draw();
        }));
      }
    } else {
      parts.push(pdfButton(`/api/v1/quotes/${q.id}/pdf`, t("q.pdf"), "btn"));
      if (!q.superseded_by && ["sent", "rejected", "expired"].includes(q.status)) {
        parts.push(btn("q.revise", async () => {
          const next = await act(`/api/v1/quotes/${q.id}/revise`, {});
          toast(t("q.revised"));
          location.hash = `#/quotes/${next.id}`;
        }));
      }
      if (q.status === "sent" && !q.superseded_by) {
        parts.push(btn("q.accept", async () => { take(await act(`/api/v1/quotes/${q.id}/accept`, {})); toast(t("q.accepted")); draw(); }));
        parts.push(btn("q.reject", async () => { take(await act(`/api/v1/quotes/${q.id}/reject`, {})); toast(t("q.rejected")); draw(); }));
      }
      if (s.caps.invoice && ["sent", "accepted"].includes(q.status)) {
        parts.push(btn("q.invoice", async () => {
          const inv = await act(`/api/v1/quotes/${q.id}/invoice`, {});
          s.made.push({ kind: "invoice", ...inv });
          toast(t("q.invoiceMade", { number: inv.number || "" }));
          drawMade();
        }));
      }
      if (s.caps.taxInvoice && q.status === "accepted" && !s.made.length) {
        parts.push(btn("q.taxInvoice", async () => {
          const tx = await act(`/api/v1/quotes/${q.id}/tax-invoice`, {});
          s.made.push({ kind: "tax_invoice", ...tx });
          toast(t("q.taxInvoiceMade", { number: tx.number }));
          drawMade();
        }));
      }
    }
    actions.replaceChildren(h("h2", { class: "visually-hidden" }, t("q.actions")), ...parts,
      q && !editable() && s.caps.send && !q.superseded_by ? sendForm(q) : "");
  }

  /** @param {any} q */
  function sendForm(q) {
    const to = input("to", "q.sendTo", { type: "email", required: true, maxlength: 254, autocomplete: "email" });
    const cc = input("cc", "q.sendCc", { maxlength: 1000 });
    const msg = h("textarea", { id: nextId("msg"), name: "message", rows: 3, maxlength: 2000 });
    const language = input("language", "q.sendLang", {}, [["th", "ไทย"], ["en", "English"]].map(([v, label]) =>
      h("option", { value: v, selected: v === lang() }, label)));
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const form = h("form", { class: "stack", novalidate: true }, to.wrap, cc.wrap, language.wrap,
      h("div", { class: "field" }, h("label", { for: msg.id }, t("q.sendMessage")), msg), error,
      h("div", {}, h("button", { type: "submit", class: "btn btn-primary" }, t("q.sendGo"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      const ccs = /** @type {HTMLInputElement} */ (cc.el).value.split(",").map((x) => x.trim()).filter(Boolean);
      try {
        const answer = await act(`/api/v1/quotes/${q.id}/send`, { to: /** @type {HTMLInputElement} */ (to.el).value.trim(),
          language: /** @type {HTMLSelectElement} */ (language.el).value,
          ...(ccs.length ? { cc: ccs } : {}), ...(/** @type {HTMLTextAreaElement} */ (msg).value.trim() ? { message: /** @type {HTMLTextAreaElement} */ (msg).value.trim() } : {}) });
        if (answer && answer.id === q.id) take(answer);
        toast(t("q.sent"));
        draw();
      } catch (err) { error.textContent = errorText(err); error.hidden = false; }
    });
    return h("details", { class: "card adm-card quote-send" }, h("summary", {}, t("q.send")), form);
  }

  function drawMade() {
    made.replaceChildren(...(s.made.length ? [h("h2", {}, t("q.made")), h("ul", { class: "doc-list" }, s.made.map((d) => {
      const base = { tax_invoice: "tax-invoices", credit_note: "credit-notes" }[/** @type {string} */ (d.kind)] || "invoices";
      const label = `${t(`doc.kind.${d.kind}`)} ${d.number || ""}`;
      return h("li", { class: "doc-item", dataset: { id: d.id, kind: d.kind } },
        h("span", { class: "doc-link" }, label),
        pdfButton(`/api/v1/${base}/${d.id}/pdf`, d.kind === "tax_invoice" ? t("q.original") : t("doc.pdf"), "btn btn-sm"),
        d.kind === "tax_invoice" ? pdfButton(`/api/v1/${base}/${d.id}/pdf?copy=true`, t("q.copy"), "btn btn-sm") : null,
        d.kind === "invoice" && !d.tax_invoice_id && s.caps.taxFromInvoice ? btn("q.taxFromInvoice", async () => {
          const tx = await act(`/api/v1/invoices/${d.id}/tax-invoice`, {});
          d.tax_invoice_id = tx.id;
          s.made.push({ kind: "tax_invoice", ...tx });
          toast(t("q.taxInvoiceMade", { number: tx.number }));
          drawMade();
          drawActions();
        }, "btn btn-sm") : null,
        d.kind === "tax_invoice" && s.caps.credit ? creditForm(d) : null);
    }))] : []));
  }

  /** A credit note (ใบลดหนี้) against an issued tax invoice: a reason and one line. @param {any} tx */
  function creditForm(tx) {
    const reason = input("reason", "q.creditReason", { required: true, maxlength: 500 });
    const what = input("credit_description", "q.creditWhat", { required: true, maxlength: 500 });
    const amount = input("credit_amount", "q.creditAmount", { required: true, inputmode: "decimal", autocomplete: "off" });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const value = (/** @type {{el: Element}} */ f) => /** @type {HTMLInputElement} */ (f.el).value.trim();
    const form = h("form", { class: "stack", novalidate: true }, reason.wrap, what.wrap, amount.wrap, error,
      h("div", {}, h("button", { type: "submit", class: "btn btn-primary" }, t("q.creditGo"))));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      try {
        const cn = await act(`/api/v1/tax-invoices/${tx.id}/credit-notes`, { reason: value(reason),
          lines: [{ description: value(what), quantity: 1, unit_price: value(amount).replace(/,/g, "") }] });
        s.made.push({ kind: "credit_note", ...cn });
        toast(t("q.creditMade", { number: cn.number }));
        drawMade();
      } catch (err) { error.textContent = errorText(err); error.hidden = false; }
    });
    return h("details", { class: "card adm-card quote-credit" }, h("summary", {}, t("q.credit")), form);
  }

  function draw() {
    const q = s.quote;
    heading.textContent = q ? t("q.title", { number: q.number || `(${t("doc.draftNo")})` }) : t("q.new");
    const ro = !editable();
    const back = s.lead_id ? h("a", { href: `#/leads/${s.lead_id}` }, t("q.backLead"))
      : s.account_id ? h("a", { href: `#/accounts/${s.account_id}` }, t("q.backAccount")) : null;
    const facts = h("dl", { class: "facts quote-facts" },
      q ? [h("dt", {}, t("q.status")), h("dd", {}, h("span", { class: `badge doc-status doc-status-${q.status}`, "data-status": q.status }, t(`doc.status.${q.status}`)))] : null,
      q && q.issue_date ? [h("dt", {}, t("q.issueDate")), h("dd", {}, formatDate(q.issue_date, lang()))] : null);
    const notes = [];
    if (ro) notes.push(h("p", { class: "notice" }, t("q.readOnly")));
    if (q && q.superseded_by) notes.push(h("p", { class: "notice notice-warn" }, t("q.superseded"), " ",
      h("a", { href: `#/quotes/${q.superseded_by}` }, t("q.newer"))));
    if (q && q.previous_id) notes.push(h("p", {}, h("a", { href: `#/quotes/${q.previous_id}` }, t("q.previous"))));

    const bill = input("bill", "q.billDiscount", { value: s.bill, inputmode: "decimal", disabled: ro, autocomplete: "off",
      placeholder: t("q.billDefault") });
    const billKind = h("select", { name: "bill_kind", "aria-label": `${t("q.billDiscount")}: ${t("q.discKind")}`, disabled: ro },
      h("option", { value: "percent", selected: s.bill_kind === "percent" }, t("q.percent")),
      h("option", { value: "amount", selected: s.bill_kind === "amount" }, t("q.baht")));
    bill.wrap.append(billKind);
    const wht = input("wht", "q.wht", { disabled: ro }, [h("option", { value: "" }, t("q.noWht")),
      ...WHT.map((r) => h("option", { value: r, selected: r === s.wht }, `${r}%`))]);
    const valid = dateField({ name: "valid_until", label: "q.validUntil", value: s.valid_until });
    for (const el of valid.wrap.querySelectorAll("select, button")) if (ro) /** @type {any} */ (el).disabled = true;
    const notesId = nextId("notes");
    const notesEl = /** @type {HTMLTextAreaElement} */ (h("textarea", { id: notesId, name: "notes", rows: 3, maxlength: 2000, disabled: ro }));
    notesEl.value = s.notes;
    bill.el.addEventListener("input", () => { s.bill = /** @type {HTMLInputElement} */ (bill.el).value; changed(); });
    billKind.addEventListener("change", () => { s.bill_kind = /** @type {any} */ (billKind).value; changed(); });
    wht.el.addEventListener("change", () => { s.wht = /** @type {any} */ (wht.el).value; changed(); });
    valid.wrap.addEventListener("change", () => { const v = valid.read(); if (v !== null) { s.valid_until = v || null; changed(); } });
    valid.wrap.addEventListener("click", () => setTimeout(() => { const v = valid.read(); if (v !== null && (v || null) !== s.valid_until) { s.valid_until = v || null; changed(); } }));
    notesEl.addEventListener("input", () => { s.notes = notesEl.value; s.dirty = true; });

    body.replaceChildren(
      h("div", { class: "quote-head" }, back, facts), ...notes,
      h("h2", {}, t("q.lines")), linesHost,
      ro ? "" : h("div", {}, h("button", { type: "button", class: "btn", "data-action": "add-line", onclick: () => {
        s.lines.push(blank());
        drawLines();
        /** @type {HTMLElement|null} */ (linesHost.lastElementChild?.querySelector("[name=product_id]"))?.focus();
      } }, t("q.addLine"))),
      problems,
      h("div", { class: "quote-bottom" },
        h("div", { class: "card quote-terms stack" }, h("div", { class: "grid-2" }, bill.wrap, wht.wrap), valid.wrap,
          h("div", { class: "field" }, h("label", { for: notesId }, t("q.notes")), notesEl)),
        totals),
      actions, made);
    drawLines();
    drawActions();
    drawMade();
    markProblems();
  }

  load();
  const stop = () => { alive = false; clearTimeout(timer); };
  /** @param {import("../../types.js").Params} next */
  stop.update = (next) => { if (next.id && s.quote && next.id === s.quote.id) return; params = next; s.quote = null; s.made = []; s.lines = [blank()]; s.bill = ""; s.wht = ""; s.valid_until = null; s.notes = ""; s.preview = null; load(); };
  return stop;
}

// @ts-check
// #/admin/capture: web forms that make leads by themselves (capture service). Create a form
// (its consent text in Thai and English, with a version, and the sites allowed to post to
// it, the catalogue products its leads are interested in), list the forms with their hosted
// page, submissions and products, change a form's products, copy a form's HTML snippet,
// switch a form off or delete it.

import { api } from "../../api.js";
import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { toast, tx } from "../../ui.js";
import { loadProducts, productNames, productPicker } from "./capture-products.js";
import { adminPage, button, creator, del, errorText, smallForm } from "./common.js";

addStrings({
  th: {
    "cap.name": "ชื่อฟอร์ม", "cap.consentTh": "ข้อความขอความยินยอม (ภาษาไทย)",
    "cap.consentEn": "ข้อความขอความยินยอม (ภาษาอังกฤษ)", "cap.version": "เวอร์ชันของข้อความยินยอม",
    "cap.origins": "เว็บไซต์ที่ส่งฟอร์มได้ (คั่นด้วยจุลภาค เช่น https://shop.example.co.th)",
    "cap.created": "สร้างฟอร์ม “{name}” แล้ว", "cap.deleted": "ลบฟอร์ม “{name}” แล้ว",
    "cap.confirmDelete": "ลบฟอร์ม “{name}”? ลิงก์และฟอร์มบนเว็บไซต์จะใช้ไม่ได้ทันที (ลีดที่ได้มาแล้วยังอยู่)",
    "cap.open": "เปิดหน้าฟอร์ม", "cap.snippet": "โค้ด HTML สำหรับวางบนเว็บไซต์", "cap.count": "ส่งมาแล้ว {n} ครั้ง",
    "cap.off": "ปิดรับ", "cap.on": "เปิดรับ", "cap.isOff": "ปิดรับอยู่", "cap.copied": "คัดลอกโค้ดแล้ว",
    "cap.fields": "ฟิลด์: ชื่อ, เบอร์โทร, อีเมล, ข้อความ",
    "cap.products": "สินค้าของฟอร์ม", "cap.productsSaved": "บันทึกสินค้าของฟอร์ม “{name}” แล้ว",
  },
  en: {
    "cap.name": "Form name", "cap.consentTh": "Consent text (Thai)", "cap.consentEn": "Consent text (English)",
    "cap.version": "Consent text version",
    "cap.origins": "Sites that may post it (comma-separated, e.g. https://shop.example.co.th)",
    "cap.created": "Created the form “{name}”", "cap.deleted": "Deleted the form “{name}”",
    "cap.confirmDelete": "Delete the form “{name}”? Its page and the forms on sites stop working at once (leads it made stay)",
    "cap.open": "Open its page", "cap.snippet": "HTML to paste into a site", "cap.count": "{n} submissions",
    "cap.off": "Switch off", "cap.on": "Switch on", "cap.isOff": "switched off", "cap.copied": "Copied the code",
    "cap.fields": "Fields: name, phone, email, message",
    "cap.products": "The form's products", "cap.productsSaved": "Saved the products of “{name}”",
  },
});

/** @typedef {{id: string, name: string, enabled: boolean, hosted_url: string, snippet_html: string,
 *   submissions: number, consent_version: string, product_ids: string[]}} CaptureForm */

const FIELDS = [
  { key: "name", label_th: "ชื่อ-นามสกุล", label_en: "Name", required: true },
  { key: "phone", label_th: "เบอร์โทร", label_en: "Phone" },
  { key: "email", label_th: "อีเมล", label_en: "Email" },
  { key: "note", label_th: "ข้อความ", label_en: "Message" },
];
const BASE = "/api/v1/capture/forms";

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.capture");
  const list = h("ul", { class: "adm-list" });
  let alive = true;
  /** @type {import("./capture-products.js").Product[]} */
  let products = [];

  async function load() {
    /** @type {CaptureForm[]} */
    let forms;
    try { forms = (await api(BASE)).items; } catch (err) { if (alive) page.say(errorText(err)); return; }
    if (!alive) return;
    page.say(forms.length ? "" : t("adm.empty"));
    list.replaceChildren(...forms.map(row));
  }

  /** @param {CaptureForm} f */
  function row(f) {
    const code = h("textarea", { readonly: true, rows: 4, class: "key-once", "aria-label": `${t("cap.snippet")}: ${f.name}` },
      f.snippet_html);
    return h("li", { class: `adm-row${f.enabled ? "" : " is-retired"}`, dataset: { id: f.id } },
      h("div", { class: "adm-main stack" },
        h("span", { class: "adm-name" }, f.name),
        h("span", { class: "muted adm-sub" },
          [t("cap.count", { n: String(f.submissions) }), `v${f.consent_version}`, f.enabled ? "" : t("cap.isOff"),
           productNames(products, f.product_ids)].filter(Boolean).join(" · ")),
        h("a", { href: f.hosted_url, target: "_blank", rel: "noopener" }, t("cap.open")),
        productsEditor(f),
        h("details", {}, h("summary", {}, t("cap.snippet")), code,
          button("adm.copy", async () => {
            try { await navigator.clipboard.writeText(f.snippet_html); toast(t("cap.copied")); }
            catch { code.focus(); /** @type {HTMLTextAreaElement} */ (code).select(); }
          }))),
      h("div", { class: "adm-controls" },
        button(f.enabled ? "cap.off" : "cap.on", async () => {
          try { await api(`${BASE}/${f.id}`, { method: "PATCH", json: { enabled: !f.enabled } }); }
          catch (err) { toast(errorText(err), "error"); }
          await load();
        }, { "aria-label": `${t(f.enabled ? "cap.off" : "cap.on")}: ${f.name}` }),
        button("adm.delete", async () => {
          if (!confirm(t("cap.confirmDelete", { name: f.name }))) return;
          try { await del(`${BASE}/${f.id}`); toast(t("cap.deleted", { name: f.name })); }
          catch (err) { toast(errorText(err), "error"); }
          await load();
        }, { class: "btn btn-danger", "aria-label": `${t("adm.delete")}: ${f.name}` })));
  }

  /** The form's products, changed in place (PATCH product_ids). @param {CaptureForm} f */
  function productsEditor(f) {
    const picker = productPicker(products, f.product_ids || []);
    const { form } = smallForm({
      specs: [], submitKey: "adm.save", className: "adm-form adm-inline",
      submit: async () => {
        await api(`${BASE}/${f.id}`, { method: "PATCH", json: { product_ids: picker.read() } });
        toast(t("cap.productsSaved", { name: f.name }));
        await load();
      },
    });
    form.insertBefore(picker.box, form.querySelector(".form-error"));
    return h("details", { dataset: { products: f.id } }, tx("summary", "cap.products"), form);
  }

  const add = creator();
  let picker = productPicker([], []);
  const create = smallForm({
    specs: [
      { name: "name", label: "cap.name", required: true, attrs: { maxlength: 200 } },
      { name: "consent_th", label: "cap.consentTh", required: true, control: "textarea", attrs: { maxlength: 4000, rows: 3 } },
      { name: "consent_en", label: "cap.consentEn", required: true, control: "textarea", attrs: { maxlength: 4000, rows: 3 } },
      { name: "consent_version", label: "cap.version", required: true, attrs: { maxlength: 40, value: "1" } },
      { name: "allowed_origins", label: "cap.origins", attrs: { maxlength: 2000, inputmode: "url" } },
    ],
    submitKey: "adm.create",
    submit: async (v) => {
      const origins = v.allowed_origins.split(",").map((o) => o.trim()).filter(Boolean);
      const made = await add(BASE, { name: v.name, consent_th: v.consent_th, consent_en: v.consent_en,
        consent_version: v.consent_version, allowed_origins: origins, fields: FIELDS, product_ids: picker.read() });
      toast(t("cap.created", { name: made.name }));
      create.form.reset();
      await load();
    },
  });
  /** The create form's picker, once the catalogue is read (before: none offered). */
  function placePicker() {
    const next = productPicker(products, picker.read());
    picker.box.replaceWith(next.box);
    picker = next;
  }
  create.form.insertBefore(picker.box, create.form.querySelector(".form-error"));
  page.body.append(h("p", { class: "muted" }, t("cap.fields")), create.form, list);
  loadProducts().then((found) => { if (!alive) return; products = found; placePicker(); load(); });
  load();
  return () => { alive = false; };
}

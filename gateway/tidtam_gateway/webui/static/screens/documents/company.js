// @ts-check
// #/admin/company: the seller as quotations and tax invoices print it (legal names, tax ID and
// branch, address, phone), and the logo when the API takes one.

import { api, ApiError } from "../../api.js";
import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { toast } from "../../ui.js";
import { adminPage, errorText, smallForm } from "../admin/common.js";
import { imageUpload } from "./images.js";
import { supports, useDocStyles } from "./index.js";

addStrings({
  th: {
    "co.name": "ชื่อนิติบุคคล (ไทย)", "co.nameHint": "ตามที่จดทะเบียน เช่น บริษัท ติดตาม จำกัด",
    "co.nameEn": "ชื่อภาษาอังกฤษ (ไม่บังคับ)", "co.taxId": "เลขประจำตัวผู้เสียภาษี (13 หลัก)",
    "co.branch": "สาขา", "co.branchHint": "00000 คือสำนักงานใหญ่ หรือเลขสาขา 5 หลัก เช่น 00001",
    "co.address": "ที่อยู่ตามที่จดทะเบียนกับกรมสรรพากร", "co.phone": "โทรศัพท์ (ไม่บังคับ)",
    "co.saved": "บันทึกข้อมูลบริษัทแล้ว", "co.missing": "ยังไม่ได้ตั้งข้อมูลบริษัท ใบเสนอราคาและใบกำกับภาษีต้องใช้ข้อมูลนี้",
    "co.logo": "โลโก้บริษัท", "co.logoAlt": "โลโก้บริษัท", "co.logoSoon": "การอัปโหลดโลโก้ยังไม่เปิดให้ใช้ในระบบนี้",
  },
  en: {
    "co.name": "Legal name (Thai)", "co.nameHint": "As registered, e.g. บริษัท ติดตาม จำกัด",
    "co.nameEn": "English name (optional)", "co.taxId": "Tax ID (13 digits)",
    "co.branch": "Branch", "co.branchHint": "00000 is the head office, else the 5-digit branch number, e.g. 00001",
    "co.address": "Address as registered with the Revenue Department", "co.phone": "Phone (optional)",
    "co.saved": "Company profile saved", "co.missing": "No company profile yet: quotations and tax invoices need it",
    "co.logo": "Company logo", "co.logoAlt": "The company logo", "co.logoSoon": "Logo upload is not available on this system yet",
  },
});

/** @param {HTMLElement} root */
export function mount(root) {
  useDocStyles();
  const page = adminPage(root, "nav.company");
  let alive = true;

  async function load() {
    page.say(t("adm.loading"));
    /** @type {any} */
    let profile = null;
    try {
      profile = await api("/api/v1/company-profile");
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) { if (alive) page.say(errorText(err)); return; }
    }
    const logo = await supports("put", /^\/api\/v1\/company-profile\/logo$/);
    if (!alive) return;
    page.say(profile ? "" : t("co.missing"));
    draw(profile || {}, logo);
  }

  /** @param {any} p @param {boolean} logo */
  function draw(p, logo) {
    const { form } = smallForm({
      className: "adm-form card adm-card",
      specs: [
        { name: "name", label: "co.name", required: true, hint: "co.nameHint", attrs: { maxlength: 200, value: p.name || "" } },
        { name: "name_en", label: "co.nameEn", attrs: { maxlength: 200, value: p.name_en || "" } },
        { name: "tax_id", label: "co.taxId", required: true, attrs: { inputmode: "numeric", maxlength: 17, value: p.tax_id || "", autocomplete: "off" } },
        { name: "branch", label: "co.branch", required: true, hint: "co.branchHint", attrs: { inputmode: "numeric", maxlength: 5, value: p.branch || "00000" } },
        { name: "address", label: "co.address", required: true, control: "textarea", attrs: { maxlength: 500, rows: 3 } },
        { name: "phone", label: "co.phone", type: "tel", attrs: { maxlength: 50, value: p.phone || "" } },
      ],
      submitKey: "adm.save",
      submit: async (v) => {
        const saved = await api("/api/v1/company-profile", { method: "PUT", json: {
          name: v.name, name_en: v.name_en || null, tax_id: v.tax_id.replace(/[\s-]/g, ""),
          branch: v.branch || "00000", address: v.address, phone: v.phone || null } });
        page.say("");
        toast(t("co.saved"));
        Object.assign(p, saved);
      },
    });
    /** @type {HTMLTextAreaElement} */ (form.querySelector("textarea[name=address]")).value = p.address || "";
    const logoPart = logo
      ? h("section", { class: "card adm-card" }, h("h2", {}, t("co.logo")),
        imageUpload({ path: "/api/v1/company-profile/logo", label: t("img.choose"), alt: t("co.logoAlt"),
                      has: !!(p.has_logo ?? p.logo) }).wrap)
      : h("p", { class: "muted" }, t("co.logoSoon"));
    page.body.replaceChildren(form, logoPart);
  }

  load();
  return () => { alive = false; };
}

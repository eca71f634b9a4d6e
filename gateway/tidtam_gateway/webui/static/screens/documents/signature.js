// @ts-check
// "My document profile" on My account: the position, phone and email printed under my name on
// my quotations, and my signature image (uploaded with a preview).

import { api } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { errorText } from "../../errors.js";
import { addStrings, t } from "../../i18n.js";
import { busy, clearErrors, field, showErrors, toast } from "../../ui.js";
import { imageUpload } from "./images.js";
import { useDocStyles } from "./index.js";

addStrings({
  th: {
    "sig.title": "ข้อมูลผู้ออกเอกสารและลายเซ็น", "sig.intro": "พิมพ์ใต้ชื่อของคุณในใบเสนอราคาที่คุณออก",
    "sig.position": "ตำแหน่ง", "sig.positionHint": "เช่น ผู้จัดการฝ่ายขาย", "sig.phone": "โทรศัพท์",
    "sig.email": "อีเมล", "sig.save": "บันทึกข้อมูลผู้ออกเอกสาร", "sig.saved": "บันทึกข้อมูลผู้ออกเอกสารแล้ว",
    "sig.image": "ลายเซ็น", "sig.alt": "ลายเซ็นของฉัน",
  },
  en: {
    "sig.title": "Document profile and signature", "sig.intro": "Printed under your name on the quotations you issue",
    "sig.position": "Position", "sig.positionHint": "e.g. Sales manager", "sig.phone": "Phone",
    "sig.email": "Email", "sig.save": "Save document profile", "sig.saved": "Document profile saved",
    "sig.image": "Signature", "sig.alt": "My signature",
  },
});

/** The card for My account; it fills itself once the profile is read. */
export function signatureCard() {
  useDocStyles();
  const id = nextId("card");
  const body = h("div", { class: "stack" }, h("p", { class: "muted" }, t("sig.intro")));
  const card = h("section", { class: "action-card", id: "document-profile", "aria-labelledby": id },
    h("h2", { id }, t("sig.title")), body);
  api("/api/v1/document-profile").then((p) => body.append(...parts(p)))
    .catch((err) => body.append(h("p", { class: "form-error" }, errorText(err))));
  return card;
}

/** @param {{position: string|null, phone: string|null, email: string|null, has_signature: boolean}} p */
function parts(p) {
  const fields = {
    position: field({ name: "position", label: "sig.position", hint: "sig.positionHint", attrs: { maxlength: 100, value: p.position || "" } }),
    phone: field({ name: "phone", label: "sig.phone", type: "tel", attrs: { maxlength: 50, value: p.phone || "", autocomplete: "tel" } }),
    email: field({ name: "email", label: "sig.email", type: "email", attrs: { maxlength: 254, value: p.email || "", autocomplete: "email" } }),
  };
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const form = h("form", { class: "stack", novalidate: true }, fields.position.wrap,
    h("div", { class: "grid-2" }, fields.phone.wrap, fields.email.wrap), general,
    h("div", {}, h("button", { type: "submit", class: "btn" }, t("sig.save"))));
  const value = (/** @type {keyof typeof fields} */ k) => /** @type {HTMLInputElement} */ (fields[k].input).value.trim() || null;
  form.addEventListener("submit", async (/** @type {Event} */ event) => {
    event.preventDefault();
    clearErrors(fields, general);
    await busy(form, async () => {
      try {
        await api("/api/v1/document-profile", { method: "PUT", json: {
          position: value("position"), phone: value("phone"), email: value("email") } });
        toast(t("sig.saved"));
      } catch (err) { if (err.status !== 401) showErrors(err, fields, general); }
    });
  });
  const image = imageUpload({ path: "/api/v1/document-profile/signature", label: `${t("sig.image")}: ${t("img.choose")}`,
                              alt: t("sig.alt"), has: p.has_signature });
  return [form, image.wrap];
}

// @ts-check
// "#/me": my account. My name and language (PATCH /me), and my password (POST /me/password:
// the current one is required, every other session of mine ends, this tab keeps going with
// the token it answers).

import { api, ApiError, setToken } from "../api.js";
import { h, nextId } from "../dom.js";
import { addStrings, t } from "../i18n.js";
import { changed, state } from "../store.js";
import { busy, clearErrors, field, showErrors } from "../ui.js";
import { feedCard } from "./activities/feed.js";
import { signatureCard } from "./documents/signature.js";

addStrings({
  th: {
    "me.title": "บัญชีของฉัน", "me.profile": "ชื่อและภาษา", "me.email": "อีเมลสำหรับเข้าสู่ระบบ",
    "me.language": "ภาษา", "me.lang.th": "ไทย", "me.lang.en": "English", "me.save": "บันทึก",
    "me.saved": "บันทึกแล้ว", "me.password": "เปลี่ยนรหัสผ่าน",
    "me.current": "รหัสผ่านปัจจุบัน", "me.new": "รหัสผ่านใหม่", "me.newHint": "อย่างน้อย 8 ตัวอักษร",
    "me.confirm": "ยืนยันรหัสผ่านใหม่", "me.mismatch": "รหัสผ่านใหม่ทั้งสองช่องไม่ตรงกัน",
    "me.changePassword": "เปลี่ยนรหัสผ่าน",
    "me.passwordChanged": "เปลี่ยนรหัสผ่านแล้ว อุปกรณ์อื่นที่เข้าสู่ระบบไว้จะต้องเข้าสู่ระบบใหม่",
    "me.mustChange": "ผู้ดูแลระบบตั้งรหัสผ่านให้คุณ กรุณาตั้งรหัสผ่านของคุณเอง",
    "fe.wrong_password": "รหัสผ่านปัจจุบันไม่ถูกต้อง",
  },
  en: {
    "me.title": "My account", "me.profile": "Name and language", "me.email": "Sign-in email",
    "me.language": "Language", "me.lang.th": "ไทย", "me.lang.en": "English", "me.save": "Save",
    "me.saved": "Saved", "me.password": "Change password",
    "me.current": "Current password", "me.new": "New password", "me.newHint": "At least 8 characters",
    "me.confirm": "New password again", "me.mismatch": "The two new passwords differ",
    "me.changePassword": "Change password",
    "me.passwordChanged": "Password changed. Your other signed-in devices must sign in again",
    "me.mustChange": "An administrator set your password: please choose your own",
    "fe.wrong_password": "The current password is wrong",
  },
});

/** @typedef {import("../types.js").Params} Params */
/** @typedef {import("../types.js").App} App */

/** @param {HTMLElement} root @param {Params} _params @param {App} app */
export function mount(root, _params, app) {
  const me = state.me;
  const heading = h("h1", { tabindex: "-1" }, t("me.title"));
  root.replaceChildren(h("div", { class: "page" }, heading,
    me?.must_change_password ? h("p", { class: "notice notice-warn", role: "note" }, t("me.mustChange")) : null,
    profileCard(app), signatureCard(), passwordCard(app), feedCard()));
  heading.focus();
  return () => {};
}

function card(/** @type {string} */ titleKey, /** @type {HTMLElement[]} */ ...body) {
  const id = nextId("card");
  return h("section", { class: "action-card", "aria-labelledby": id }, h("h2", { id }, t(titleKey)), ...body);
}

function profileCard(/** @type {App} */ app) {
  const me = state.me;
  const name = field({ name: "name", label: "field.name", required: true, attrs: { maxlength: 200, autocomplete: "name" } });
  /** @type {HTMLInputElement} */ (name.input).value = me?.name || "";
  const group = nextId("lang");
  const radios = ["th", "en"].map((l) => h("input", { type: "radio", name: group, value: l,
                                                      checked: (me?.language || "th") === l }));
  const language = { wrap: h("fieldset", { class: "choices" }, h("legend", {}, t("me.language")),
    radios.map((r, i) => h("label", { class: "choice", lang: ["th", "en"][i] }, r, " ", t(`me.lang.${["th", "en"][i]}`)))),
  input: radios[0], error: h("p", { class: "field-error", hidden: true }) };
  language.wrap.append(language.error);
  const fields = { name, language };
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const form = h("form", { class: "stack", novalidate: true },
    h("p", {}, h("span", { class: "muted" }, `${t("me.email")}: `), me?.email || ""),
    name.wrap, language.wrap, general,
    h("div", {}, h("button", { type: "submit", class: "btn btn-primary" }, t("me.save"))));
  form.addEventListener("submit", async (/** @type {Event} */ event) => {
    event.preventDefault();
    clearErrors(fields, general);
    /** @type {Record<string, string>} */
    const body = {};
    const newName = /** @type {HTMLInputElement} */ (name.input).value.trim();
    const newLang = radios.find((r) => r.checked)?.value || "th";
    if (newName !== me?.name) body.name = newName;
    if (newLang !== (me?.language || "th")) body.language = newLang;
    if (!Object.keys(body).length) { app.toast(t("me.saved")); return; }
    await busy(form, async () => {
      try {
        const saved = await api("/api/v1/me", { method: "PATCH", json: body });
        Object.assign(/** @type {object} */ (state.me), saved);
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general);
        return;
      }
      changed();
      app.toast(t("me.saved"));
      if (body.language) app.setLanguage(body.language);
      else app.refreshShell();
    });
  });
  return card("me.profile", form);
}

function passwordCard(/** @type {App} */ app) {
  const pw = (/** @type {string} */ name, /** @type {string} */ label, /** @type {string} */ complete, hint = undefined) =>
    field({ name, label, type: "password", required: true, hint, attrs: { autocomplete: complete, maxlength: 128 } });
  const fields = {
    current_password: pw("current_password", "me.current", "current-password"),
    new_password: pw("new_password", "me.new", "new-password", "me.newHint"),
    confirm: pw("confirm", "me.confirm", "new-password"),
  };
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const form = h("form", { class: "stack", novalidate: true },
    fields.current_password.wrap, h("div", { class: "grid-2" }, fields.new_password.wrap, fields.confirm.wrap),
    general, h("div", {}, h("button", { type: "submit", class: "btn" }, t("me.changePassword"))));
  const value = (/** @type {keyof typeof fields} */ k) => /** @type {HTMLInputElement} */ (fields[k].input).value;
  form.addEventListener("submit", async (/** @type {Event} */ event) => {
    event.preventDefault();
    clearErrors(fields, general);
    if (value("new_password") !== value("confirm")) {
      showErrors(new ApiError(422, { message: t("me.mismatch"),
        fields: [{ field: "body.confirm", message: t("me.mismatch") }] }), fields, general);
      return;
    }
    await busy(form, async () => {
      let token;
      try {
        token = await api("/api/v1/me/password", { method: "POST", json: {
          current_password: value("current_password"), new_password: value("new_password") } });
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general);
        return;
      }
      setToken(token.access_token); // the old token ended with the other sessions
      for (const f of Object.values(fields)) /** @type {HTMLInputElement} */ (f.input).value = "";
      if (state.me) state.me.must_change_password = false;
      app.toast(t("me.passwordChanged"));
    });
  });
  return card("me.password", form);
}

// @ts-check
// #/notifications/preferences: per kind of notice, by email and/or in the app
// (GET/PUT /notification-preferences; the PUT names only the kinds that changed).

import { api } from "../api.js";
import { h } from "../dom.js";
import { errorText } from "../errors.js";
import { addStrings, t } from "../i18n.js";
import { toast } from "../ui.js";
import { kindLabel } from "./notifications.js";

addStrings({
  th: {
    "prefs.title": "ตั้งค่าการแจ้งเตือน", "prefs.kind": "เรื่อง", "prefs.email": "อีเมล",
    "prefs.inApp": "ในระบบ", "prefs.save": "บันทึก", "prefs.saved": "บันทึกการตั้งค่าแล้ว",
    "prefs.unchanged": "ไม่มีอะไรเปลี่ยน", "prefs.back": "กลับไปที่การแจ้งเตือน",
    "prefs.hint": "เลือกว่าจะรับการแจ้งเตือนแต่ละเรื่องทางอีเมล ในระบบ (กระดิ่ง) หรือทั้งสองทาง",
  },
  en: {
    "prefs.title": "Notification settings", "prefs.kind": "About", "prefs.email": "Email",
    "prefs.inApp": "In the app", "prefs.save": "Save", "prefs.saved": "Settings saved",
    "prefs.unchanged": "Nothing changed", "prefs.back": "Back to notifications",
    "prefs.hint": "Choose how you hear of each kind of notice: by email, in the app (the bell), or both",
  },
});

/** @typedef {{email: boolean, in_app: boolean}} Choice */
/** @typedef {Record<string, Choice>} Choices */

/** The PUT body: only the kinds whose choice differs from what was loaded (null: none). */
export function changedKinds(/** @type {Choices} */ before, /** @type {Choices} */ after) {
  /** @type {Choices} */
  const kinds = {};
  for (const [kind, choice] of Object.entries(after)) {
    const was = before[kind];
    if (!was || was.email !== choice.email || was.in_app !== choice.in_app) kinds[kind] = { ...choice };
  }
  return Object.keys(kinds).length ? { kinds } : null;
}

/** @param {HTMLElement} root */
export function mount(root) {
  const status = h("p", { class: "muted", role: "status", "aria-live": "polite" }, t("notif.loading"));
  const body = h("tbody");
  const save = h("button", { type: "submit", class: "btn btn-primary", disabled: true }, t("prefs.save"));
  const form = h("form", { class: "stack", novalidate: true, onsubmit: onSave },
    h("table", { class: "prefs-table" },
      h("thead", {}, h("tr", {},
        h("th", { scope: "col" }, t("prefs.kind")),
        h("th", { scope: "col", class: "prefs-box" }, t("prefs.email")),
        h("th", { scope: "col", class: "prefs-box" }, t("prefs.inApp")))),
      body),
    h("div", { class: "form-actions" }, save));
  root.replaceChildren(h("section", { class: "notif-page" },
    h("h1", { tabindex: "-1" }, t("prefs.title")),
    h("p", { class: "hint" }, t("prefs.hint")),
    h("p", {}, h("a", { href: "#/notifications" }, t("prefs.back"))),
    status, form));
  let alive = true;
  /** @type {Choices} */
  let loaded = {};
  /** @type {Record<string, {email: HTMLInputElement, in_app: HTMLInputElement}>} */
  let boxes = {};

  function draw(/** @type {Choices} */ kinds) {
    loaded = kinds;
    boxes = {};
    body.replaceChildren(...Object.entries(kinds).map(([kind, choice]) => {
      const box = (/** @type {"email" | "in_app"} */ channel, /** @type {string} */ key) =>
        /** @type {HTMLInputElement} */ (h("input", { type: "checkbox", name: `${kind}.${channel}`,
          checked: choice[channel], "aria-label": `${kindLabel(kind)}: ${t(key)}` }));
      boxes[kind] = { email: box("email", "prefs.email"), in_app: box("in_app", "prefs.inApp") };
      return h("tr", { dataset: { kind } },
        h("th", { scope: "row" }, kindLabel(kind)),
        h("td", { class: "prefs-box" }, boxes[kind].email),
        h("td", { class: "prefs-box" }, boxes[kind].in_app));
    }));
    save.disabled = false;
  }

  async function onSave(/** @type {Event} */ event) {
    event.preventDefault();
    /** @type {Choices} */
    const now = {};
    for (const [kind, b] of Object.entries(boxes)) now[kind] = { email: b.email.checked, in_app: b.in_app.checked };
    const changed = changedKinds(loaded, now);
    if (!changed) { toast(t("prefs.unchanged")); return; }
    save.disabled = true;
    try {
      const saved = await api("/api/v1/notification-preferences", { method: "PUT", json: changed });
      if (!alive) return;
      draw(saved.kinds);
      toast(t("prefs.saved"));
    } catch (err) { toast(errorText(err), "error"); }
    finally { save.disabled = false; }
  }

  api("/api/v1/notification-preferences").then((data) => {
    if (!alive) return;
    status.textContent = "";
    draw(data.kinds);
  }, (err) => { if (alive) status.textContent = errorText(err); });
  return () => { alive = false; };
}

// @ts-check
// #/admin/settings: every setting GET /settings lists, each by its type (a visibility by its
// three choices, a yes/no as a checkbox, the rest as text or a number); PATCH sends what changed.

import { h, nextId } from "../../dom.js";
import { addStrings, has, t } from "../../i18n.js";
import { busy, toast, tx } from "../../ui.js";
import { adminPage, errorText, patch } from "./common.js";
import { api } from "../../api.js";

addStrings({
  th: {
    
    "settings.lead_visibility": "ใครเห็นลีดบ้าง", "settings.account_visibility": "ใครเห็นลูกค้าบ้าง",
    "settings.allow_stage_back": "ให้ผู้ใช้ทุกคนย้ายลีดย้อนกลับไปขั้นตอนก่อนหน้าได้",
    "settings.allow_stage_back.hint": "ถ้าไม่เลือก เฉพาะผู้ดูแลระบบย้อนขั้นตอนได้",
    "settings.vis.all": "ทุกคนเห็นทั้งหมด", "settings.vis.team": "ฝ่ายขายเห็นเฉพาะของทีมตัวเอง",
    "settings.vis.own": "ฝ่ายขายเห็นเฉพาะของตัวเอง",
    "settings.vis.hint": "ผู้จัดการเห็นของทีมตนเอง ผู้ดูแลระบบเห็นทั้งหมดเสมอ",
    "settings.saved": "บันทึกการตั้งค่าแล้ว", "settings.unchanged": "ไม่มีอะไรเปลี่ยน",
  },
  en: {
    
    "settings.lead_visibility": "Who sees leads", "settings.account_visibility": "Who sees accounts",
    "settings.allow_stage_back": "Everyone may move a lead back to an earlier stage",
    "settings.allow_stage_back.hint": "Unticked, only admins may move a lead back",
    "settings.vis.all": "Everyone sees everything", "settings.vis.team": "Sales see their team's",
    "settings.vis.own": "Sales see only their own",
    "settings.vis.hint": "Managers see their team's; admins always see everything",
    "settings.saved": "Settings saved", "settings.unchanged": "Nothing changed",
  },
});

const VISIBILITY = ["all", "team", "own"];

/** The label of a setting: its own text, else the key made readable ("max_items" → "max items").
 * @param {string} key */
export const settingLabel = (key) => (has(`settings.${key}`) ? t(`settings.${key}`) : key.replaceAll("_", " "));

/** Which control a setting gets. @param {string} key @param {unknown} value
 * @returns {"visibility"|"checkbox"|"number"|"text"} */
export function controlFor(key, value) {
  if (key.endsWith("_visibility")) return "visibility";
  if (typeof value === "boolean") return "checkbox";
  if (typeof value === "number") return "number";
  return "text";
}

/** The PATCH body: only the settings whose value changed. @param {Record<string, unknown>} before
 * @param {Record<string, unknown>} after */
export function changedSettings(before, after) {
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => before[k] !== v));
}

/** @param {string} key @param {unknown} value */
function control(key, value) {
  const id = nextId(key);
  const kind = controlFor(key, value);
  if (kind === "checkbox") {
    const input = h("input", { type: "checkbox", id, name: key, checked: !!value,
      "aria-describedby": has(`settings.${key}.hint`) ? `${id}-hint` : null });
    return { input, wrap: h("div", { class: "field" },
      h("label", { class: "choice", for: id }, input, h("span", {}, settingLabel(key))),
      has(`settings.${key}.hint`) ? h("p", { class: "hint", id: `${id}-hint` }, t(`settings.${key}.hint`)) : null) };
  }
  if (kind === "visibility") {
    const input = h("select", { id, name: key, "aria-describedby": `${id}-hint` },
      ...VISIBILITY.map((v) => h("option", { value: v, selected: v === value }, t(`settings.vis.${v}`))));
    return { input, wrap: h("div", { class: "field" }, h("label", { for: id }, settingLabel(key)), input,
      h("p", { class: "hint", id: `${id}-hint` }, t("settings.vis.hint"))) };
  }
  const input = h("input", { id, name: key, type: kind, value: value === null || value === undefined ? "" : String(value) });
  return { input, wrap: h("div", { class: "field" }, h("label", { for: id }, settingLabel(key)), input) };
}

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.settings");
  let alive = true;
  /** @type {Record<string, unknown>} */
  let current = {};

  async function load() {
    page.say(t("adm.loading"));
    try { current = await api("/api/v1/settings"); } catch (err) { if (alive) page.say(errorText(err)); return; }
    if (alive) { page.say(""); draw(); }
  }

  function draw() {
    const controls = Object.entries(current).map(([key, value]) => ({ key, value, ...control(key, value) }));
    const error = h("p", { class: "form-error", role: "alert", hidden: true, tabindex: "-1" });
    const form = h("form", { class: "card adm-card stack", novalidate: true },
      ...controls.map((c) => c.wrap), error,
      h("div", { class: "form-actions" }, tx("button", "adm.save", { type: "submit", class: "btn btn-primary" })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      /** @type {Record<string, unknown>} */
      const after = {};
      for (const c of controls) {
        const kind = controlFor(c.key, c.value);
        after[c.key] = kind === "checkbox" ? c.input.checked : kind === "number" ? Number(c.input.value) : c.input.value;
      }
      const body = changedSettings(current, after);
      if (!Object.keys(body).length) { toast(t("settings.unchanged")); return; }
      await busy(form, async () => {
        try {
          current = await patch("/api/v1/settings", body);
          toast(t("settings.saved"));
        } catch (err) {
          error.textContent = errorText(err);
          error.hidden = false;
          error.focus();
        }
      });
    });
    page.body.replaceChildren(form);
  }

  load();
  return () => { alive = false; };
}

// @ts-check
// #/admin/settings: every setting GET /settings lists, each drawn from its description in
// `items` (a choice as a select of its `allowed` values, a boolean as a checkbox), so a setting
// the gateway adds appears here by itself; PATCH sends only what changed.

import { api } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, has, t } from "../../i18n.js";
import { busy, toast, tx } from "../../ui.js";
import { adminPage, errorText, patch } from "./common.js";

addStrings({
  th: {
    "settings.lead_visibility": "ใครเห็นลีดบ้าง", "settings.account_visibility": "ใครเห็นลูกค้าบ้าง",
    "settings.allow_stage_back": "ให้ผู้ใช้ทุกคนย้ายลีดย้อนกลับไปขั้นตอนก่อนหน้าได้",
    "settings.allow_stage_back.hint": "ถ้าไม่เลือก เฉพาะผู้ดูแลระบบย้อนขั้นตอนได้",
    "settings.allow_price_edit": "ให้ผู้ใช้ทุกคนแก้ราคาสินค้าในใบเสนอราคาและใบแจ้งหนี้ได้",
    "settings.allow_price_edit.hint": "ถ้าไม่เลือก ราคาต้องตรงกับรายการสินค้า ยกเว้นผู้ดูแลระบบ",
    "settings.lead_visibility.hint": "ผู้จัดการเห็นของทีมตนเอง ผู้ดูแลระบบเห็นทั้งหมดเสมอ",
    "settings.account_visibility.hint": "ผู้จัดการเห็นของทีมตนเอง ผู้ดูแลระบบเห็นทั้งหมดเสมอ",
    "settings.choice.all": "ทุกคนเห็นทั้งหมด", "settings.choice.team": "ฝ่ายขายเห็นเฉพาะของทีมตัวเอง",
    "settings.choice.own": "ฝ่ายขายเห็นเฉพาะของตัวเอง",
    "settings.time_zone": "เขตเวลาของปฏิทิน", "settings.agenda_time": "เวลาส่งสรุปงานประจำวัน",
    "settings.time_zone.hint": "วันในปฏิทินและเวลาส่งสรุปงานนับตามเขตเวลานี้",
    "settings.saved": "บันทึกการตั้งค่าแล้ว", "settings.unchanged": "ไม่มีอะไรเปลี่ยน",
  },
  en: {
    "settings.lead_visibility": "Who sees leads", "settings.account_visibility": "Who sees accounts",
    "settings.allow_stage_back": "Everyone may move a lead back to an earlier stage",
    "settings.allow_stage_back.hint": "Unticked, only admins may move a lead back",
    "settings.allow_price_edit": "Everyone may change a product's price on a quotation or invoice",
    "settings.allow_price_edit.hint": "Unticked, a line's price must be the catalogue's, except for admins",
    "settings.lead_visibility.hint": "Managers see their team's; admins always see everything",
    "settings.account_visibility.hint": "Managers see their team's; admins always see everything",
    "settings.choice.all": "Everyone sees everything", "settings.choice.team": "Sales see their team's",
    "settings.choice.own": "Sales see only their own",
    "settings.time_zone": "Calendar time zone", "settings.agenda_time": "When the daily agenda is sent",
    "settings.time_zone.hint": "Calendar days and the daily agenda follow this time zone",
    "settings.saved": "Settings saved", "settings.unchanged": "Nothing changed",
  },
});

/** @typedef {{key: string, value: any, type: "boolean"|"choice"|"text", allowed: string[]|null, description: string}} Setting */

/** The choices of the settings a gateway without `items` has. @type {Record<string, string[]>} */
const VISIBILITY = { lead_visibility: ["all", "team", "own"], account_visibility: ["all", "team", "own"] };

/**
 * The settings to draw: GET /settings' `items`, or (from a gateway that does not describe
 * them) each value by its type: the visibilities as choices, a boolean, else text.
 * @param {Record<string, any>} data @returns {Setting[]}
 */
export function settingItems(data) {
  if (Array.isArray(data.items)) return data.items;
  return Object.entries(data).map(([key, value]) => {
    const allowed = VISIBILITY[key] || null;
    const type = allowed ? "choice" : typeof value === "boolean" ? "boolean" : "text";
    return { key, value, type, allowed, description: "" };
  });
}

/** A setting's label: its own text here, else the API's description, else its key.
 * @param {Setting} s */
export const settingLabel = (s) => (has(`settings.${s.key}`) ? t(`settings.${s.key}`) : s.description || s.key);

/** A choice's label: its own text here, else the value itself. @param {string} value */
const choiceLabel = (value) => (has(`settings.choice.${value}`) ? t(`settings.choice.${value}`) : value);

/** The PATCH body: only the settings whose value changed. @param {Setting[]} items
 * @param {Record<string, unknown>} after */
export function changedSettings(items, after) {
  return Object.fromEntries(items.filter((s) => s.key in after && after[s.key] !== s.value).map((s) => [s.key, after[s.key]]));
}

/** @param {Setting} s */
function control(s) {
  const id = nextId(s.key);
  const hint = has(`settings.${s.key}.hint`) ? h("p", { class: "hint", id: `${id}-hint` }, t(`settings.${s.key}.hint`)) : null;
  const describedBy = hint ? `${id}-hint` : null;
  if (s.type === "boolean") {
    const input = h("input", { type: "checkbox", id, name: s.key, checked: !!s.value, "aria-describedby": describedBy });
    return { input, wrap: h("div", { class: "field" },
      h("label", { class: "choice", for: id }, input, h("span", {}, settingLabel(s))), hint) };
  }
  const input = s.type === "choice"
    ? h("select", { id, name: s.key, "aria-describedby": describedBy },
      ...(s.allowed || []).map((v) => h("option", { value: v, selected: v === s.value }, choiceLabel(v))))
    : h("input", { id, name: s.key, value: s.value === null || s.value === undefined ? "" : String(s.value), "aria-describedby": describedBy });
  return { input, wrap: h("div", { class: "field" }, h("label", { for: id }, settingLabel(s)), input, hint) };
}

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.settings");
  let alive = true;
  /** @type {Setting[]} */
  let items = [];

  async function load() {
    page.say(t("adm.loading"));
    try { items = settingItems(await api("/api/v1/settings")); } catch (err) { if (alive) page.say(errorText(err)); return; }
    if (alive) { page.say(""); draw(); }
  }

  function draw() {
    const controls = items.map((s) => ({ s, ...control(s) }));
    const error = h("p", { class: "form-error", role: "alert", hidden: true, tabindex: "-1" });
    const form = h("form", { class: "card adm-card stack", novalidate: true },
      ...controls.map((c) => c.wrap), error,
      h("div", { class: "form-actions" }, tx("button", "adm.save", { type: "submit", class: "btn btn-primary" })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      const after = Object.fromEntries(controls.map((c) => [c.s.key, c.s.type === "boolean" ? c.input.checked : c.input.value]));
      const body = changedSettings(items, after);
      if (!Object.keys(body).length) { toast(t("settings.unchanged")); return; }
      await busy(form, async () => {
        try {
          items = settingItems(await patch("/api/v1/settings", body));
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

// @ts-check
// What the admin screens share: the page frame, an inline form, a rename form, small
// buttons, and short calls for writes and for reading every page of a list.

import { api, ApiError, asList, creator } from "../../api.js";
import { errorText } from "../../errors.js";
import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { busy, clearErrors, field, showErrors, toast, tx } from "../../ui.js";
import "./index.js"; // the screens' titles (nav.*)

export { errorText };
/** A form's creating POST with its Idempotency-Key (api.js): one per add form. */
export { creator };

addStrings({
  th: {
    "adm.create": "เพิ่ม", "adm.save": "บันทึก", "adm.cancel": "ยกเลิก", "adm.rename": "เปลี่ยนชื่อ",
    "adm.delete": "ลบ", "adm.retire": "เลิกใช้", "adm.unretire": "ใช้อีกครั้ง", "adm.retired": "เลิกใช้แล้ว",
    "adm.name": "ชื่อ", "adm.nameEn": "ชื่อภาษาอังกฤษ (ไม่บังคับ)",
    "adm.empty": "ยังไม่มีรายการ", "adm.loading": "กำลังโหลด…",
    "adm.confirmDelete": "ลบ “{name}” ใช่หรือไม่", "adm.copy": "คัดลอก", "adm.copied": "คัดลอกแล้ว",
  },
  en: {
    "adm.create": "Add", "adm.save": "Save", "adm.cancel": "Cancel", "adm.rename": "Rename",
    "adm.delete": "Delete", "adm.retire": "Retire", "adm.unretire": "Use again", "adm.retired": "retired",
    "adm.name": "Name", "adm.nameEn": "English name (optional)",
    "adm.empty": "Nothing here yet", "adm.loading": "Loading…",
    "adm.confirmDelete": "Delete “{name}”?", "adm.copy": "Copy", "adm.copied": "Copied",
  },
});

/** Translate an error's codes, then place it beside the inputs (ui.showErrors).
 * @param {unknown} err @param {Record<string, {input: HTMLElement, error: HTMLElement}>} fields
 * @param {HTMLElement} general */
export function showApiErrors(err, fields, general) {
  const text = errorText(err);
  showErrors(err, fields, general);
  if (err instanceof ApiError && !err.fields.length) general.textContent = text;
}

/** Short call sites for the screens' writes.
 * @param {string} path @param {any} [json] */
export const post = (path, json) => api(path, { method: "POST", json: json ?? {} });
/** @param {string} path @param {any} json */
export const patch = (path, json) => api(path, { method: "PATCH", json });
/** @param {string} path @param {Record<string, string>} [query] */
export const del = (path, query) => api(path, { method: "DELETE", query });
/** Every page of a cursor-paged list (GET …?limit=200&cursor=…), or a bare list.
 * @param {string} path @param {Record<string, string>} [query] @returns {Promise<any[]>} */
export async function getAll(path, query = {}) {
  const items = [];
  let cursor;
  for (let i = 0; i < 100; i++) {
    const data = await api(path, { query: { ...query, limit: 200, cursor } });
    items.push(...asList(data));
    cursor = data && !Array.isArray(data) ? data.next_cursor : null;
    if (!cursor) break;
  }
  return items;
}

let styled = false;
/** The admin screens' and the board's styles, added once (same origin: the CSP allows it). */
export function useStyles() {
  if (styled || typeof document.head?.append !== "function") return;
  styled = true;
  document.head.append(h("link", { rel: "stylesheet", href: "/ui/static/screens/admin.css" }));
}

/**
 * The frame of an admin page: a heading, a status line (role=status) and a body.
 * @param {HTMLElement} root @param {string} titleKey
 * @returns {{body: HTMLElement, status: HTMLElement, say: (text: string) => void}}
 */
export function adminPage(root, titleKey) {
  useStyles();
  const status = h("p", { class: "muted list-status", role: "status", "aria-live": "polite" });
  const body = h("div", { class: "adm-body stack" });
  const heading = tx("h1", titleKey, { tabindex: "-1", class: "adm-title" });
  root.replaceChildren(h("section", { class: "adm-page" }, heading, status, body));
  return { body, status, say: (text) => { status.textContent = text; } };
}

/**
 * A small form: labelled fields (ui.field specs), an error line and a submit button.
 * `submit(values)` runs with the controls disabled; a failure is shown beside the fields.
 * @param {{specs: any[], submitKey: string, submit: (values: Record<string, string>) => Promise<unknown>,
 *          cancel?: () => void, className?: string}} opts
 * @returns {{form: HTMLFormElement, fields: Record<string, {input: any, error: HTMLElement, wrap: HTMLElement}>}}
 */
export function smallForm({ specs, submitKey, submit, cancel, className = "adm-form" }) {
  /** @type {Record<string, any>} */
  const fields = {};
  for (const spec of specs) fields[spec.name] = field(spec);
  const general = h("p", { class: "form-error", role: "alert", hidden: true, tabindex: "-1" });
  const form = /** @type {HTMLFormElement} */ (h("form", { class: className, novalidate: true },
    ...Object.values(fields).map((f) => f.wrap), general,
    h("div", { class: "form-actions" },
      tx("button", submitKey, { type: "submit", class: "btn btn-primary" }),
      cancel ? tx("button", "adm.cancel", { type: "button", class: "btn", onclick: cancel }) : null)));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(fields, general);
    /** @type {Record<string, string>} */
    const values = {};
    for (const [name, f] of Object.entries(fields)) {
      values[name] = f.input.type === "checkbox" ? (f.input.checked ? "1" : "") : String(f.input.value).trim();
    }
    await busy(form, async () => {
      try { await submit(values); } catch (err) { showApiErrors(err, fields, general); }
    });
  });
  return { form, fields };
}

/**
 * Rename in place: the name (and, with `english`, the English name) with Save/Cancel, shown
 * in `host` until saved or cancelled.
 * @param {HTMLElement} host
 * @param {{name: string, name_en?: string|null}} current
 * @param {(names: {name: string, name_en?: string|null}) => Promise<unknown>} save
 * @param {() => void} done
 * @param {{english?: boolean, maxlength?: number}} [opts]
 */
export function renameForm(host, current, save, done, { english = false, maxlength = 100 } = {}) {
  /** @type {any[]} */
  const specs = [{ name: "name", label: "adm.name", required: true, attrs: { value: current.name, maxlength } }];
  if (english) specs.push({ name: "name_en", label: "adm.nameEn", attrs: { value: current.name_en || "", maxlength } });
  const { form, fields } = smallForm({
    specs, submitKey: "adm.save", cancel: done, className: "adm-form adm-inline",
    submit: async (v) => {
      await save(english ? { name: v.name, name_en: v.name_en || null } : { name: v.name });
      done();
    },
  });
  host.replaceChildren(form);
  fields.name.input.focus();
}

/** A button with a translated label (`aria-label` in attrs names what it acts on).
 * @param {string} key @param {() => unknown} onclick @param {Record<string, any>} [attrs] */
export const button = (key, onclick, attrs = {}) =>
  tx("button", key, { type: "button", class: "btn", onclick, ...attrs });

/** A secret shown this once (an API key, a webhook's signing secret): a warning, the value
 * selected on focus and a Copy button, in `host`.
 * @param {HTMLElement} host @param {string} warningKey @param {string} label @param {string} value */
export function shownOnce(host, warningKey, label, value) {
  const input = h("input", { type: "text", readonly: true, value, class: "key-once", "aria-label": label,
    onfocus: (/** @type {Event} */ e) => /** @type {HTMLInputElement} */ (e.target).select() });
  host.replaceChildren(h("div", { class: "notice notice-warn stack", role: "alert" },
    tx("p", warningKey, { class: "notice-title" }), input,
    button("adm.copy", async () => {
      try { await navigator.clipboard.writeText(value); toast(t("adm.copied")); }
      catch { input.focus(); } // no clipboard (plain http): the value is selected to copy by hand
    })));
  input.focus();
}

// @ts-check
// What the admin screens share: the page frame, error text in the user's language (by the
// API's stable codes), an inline form and a row of small buttons.

import { api, ApiError, asList } from "../../api.js";
import { h } from "../../dom.js";
import { bodyField } from "../../format.js";
import { addStrings, has, t } from "../../i18n.js";
import { busy, clearErrors, errorMessage, field, showErrors, tx } from "../../ui.js";

addStrings({
  th: {
    "adm.nav": "ตั้งค่าระบบ",
    "adm.create": "เพิ่ม", "adm.save": "บันทึก", "adm.cancel": "ยกเลิก", "adm.rename": "เปลี่ยนชื่อ",
    "adm.delete": "ลบ", "adm.retire": "เลิกใช้", "adm.unretire": "ใช้อีกครั้ง", "adm.retired": "เลิกใช้แล้ว",
    "adm.name": "ชื่อ", "adm.nameEn": "ชื่อภาษาอังกฤษ (ไม่บังคับ)", "adm.saved": "บันทึกแล้ว",
    "adm.deleted": "ลบแล้ว", "adm.empty": "ยังไม่มีรายการ", "adm.loading": "กำลังโหลด…",
    "adm.confirmDelete": "ลบ “{name}” ใช่หรือไม่",
    "err.code.conflict": "ขัดแย้งกับข้อมูลปัจจุบัน",
    "err.code.not_found": "ไม่พบรายการนี้ หรือคุณไม่มีสิทธิ์เห็น",
    "err.code.forbidden": "คุณไม่มีสิทธิ์ทำรายการนี้",
    "err.code.validation_error": "ข้อมูลไม่ถูกต้อง",
    "err.code.team_exists": "มีทีมชื่อนี้อยู่แล้ว",
    "err.code.team_not_empty": "ยังมีสมาชิกในทีมนี้ ย้ายสมาชิกออกก่อนจึงจะลบได้",
    "err.code.email_taken": "อีเมลนี้มีผู้ใช้อยู่แล้ว",
    "err.code.cannot_change_self": "คุณลดสิทธิ์หรือปิดบัญชีของตัวเองไม่ได้ ให้ผู้ดูแลคนอื่นทำ",
    "err.code.stage_back_not_allowed": "ย้อนกลับไปขั้นตอนก่อนหน้าไม่ได้ (ผู้ดูแลปิดการย้อนขั้นตอนไว้)",
    "err.code.limit_reached": "ถึงจำนวนสูงสุดแล้ว",
    "err.code.stage_has_leads": "ขั้นตอนนี้ยังมีลีดอยู่ เลือกขั้นตอนที่จะย้ายลีดไป",
    "err.code.pipeline_has_leads": "ไปป์ไลน์นี้ยังมีลีดอยู่ เลือกที่จะย้ายลีดไป",
    "err.code.last_stage": "ลบขั้นตอนสุดท้ายของไปป์ไลน์ไม่ได้",
    "err.code.standard_pipeline": "ลบไปป์ไลน์มาตรฐานไม่ได้",
    "err.code.already_exists": "มีชื่อนี้อยู่แล้ว",
    "err.code.source_retired": "ช่องทางนี้เลิกใช้แล้ว", "err.code.reason_retired": "เหตุผลนี้เลิกใช้แล้ว",
    "err.code.label_retired": "ป้ายกำกับนี้เลิกใช้แล้ว",
    "err.field.missing": "จำเป็นต้องกรอก",
    "err.field.string_too_long": "ยาวเกินไป",
    "err.field.string_too_short": "สั้นเกินไป",
    "err.field.string_pattern_mismatch": "รูปแบบไม่ถูกต้อง",
    "err.field.value_error": "ค่าไม่ถูกต้อง",
    "err.field.literal_error": "ค่าที่เลือกไม่ถูกต้อง",
    "err.field.email": "อีเมลไม่ถูกต้อง",
    "err.field.duplicate": "ซ้ำกับที่มีอยู่แล้ว",
  },
  en: {
    "adm.nav": "Administration",
    "adm.create": "Add", "adm.save": "Save", "adm.cancel": "Cancel", "adm.rename": "Rename",
    "adm.delete": "Delete", "adm.retire": "Retire", "adm.unretire": "Use again", "adm.retired": "retired",
    "adm.name": "Name", "adm.nameEn": "English name (optional)", "adm.saved": "Saved",
    "adm.deleted": "Deleted", "adm.empty": "Nothing here yet", "adm.loading": "Loading…",
    "adm.confirmDelete": "Delete “{name}”?",
    "err.code.conflict": "This conflicts with the current state",
    "err.code.not_found": "Not found, or not visible to you",
    "err.code.forbidden": "You may not do this",
    "err.code.validation_error": "Some input is not valid",
    "err.code.team_exists": "A team with this name already exists",
    "err.code.team_not_empty": "The team still has members: move them first",
    "err.code.email_taken": "A user with this email already exists",
    "err.code.cannot_change_self": "You cannot demote or deactivate yourself; ask another admin",
    "err.code.stage_back_not_allowed": "Moving back to an earlier stage is not allowed (the admin turned it off)",
    "err.code.limit_reached": "The limit is reached",
    "err.code.stage_has_leads": "This stage still has leads: choose the stage to move them to",
    "err.code.pipeline_has_leads": "This pipeline still has leads: choose where they go",
    "err.code.last_stage": "A pipeline's last stage cannot be deleted",
    "err.code.standard_pipeline": "The standard pipeline cannot be deleted",
    "err.code.already_exists": "This name is already taken",
    "err.code.source_retired": "This source is retired", "err.code.reason_retired": "This reason is retired",
    "err.code.label_retired": "This label is retired",
    "err.field.missing": "Required",
    "err.field.string_too_long": "Too long",
    "err.field.string_too_short": "Too short",
    "err.field.string_pattern_mismatch": "Not in the right form",
    "err.field.value_error": "Not a valid value",
    "err.field.literal_error": "Not one of the choices",
    "err.field.email": "Not a valid email address",
    "err.field.duplicate": "Already taken",
  },
});

/**
 * Say an API error in the user's language: a known `code` by its text, else the server's
 * message. Field errors with a known `code` are translated in place (so showErrors shows
 * them translated); the others keep the server's sentence.
 * @param {unknown} err
 * @returns {string}
 */
export function errorText(err) {
  if (!(err instanceof ApiError)) return errorMessage(err);
  for (const fe of err.fields) {
    if (fe && fe.code && has(`err.field.${fe.code}`)) fe.message = t(`err.field.${fe.code}`);
  }
  // A 422 names its fields: say each (translated when its code is known).
  if (err.fields.length) return err.fields.map((fe) => `${bodyField(fe.field) || fe.field}: ${fe.message}`).join(" · ");
  if (err.code && has(`err.code.${err.code}`)) return t(`err.code.${err.code}`);
  return errorMessage(err);
}

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

// @ts-check
// Excel and CSV on the leads and accounts lists: the list head's "Import" link (to the
// import wizard, screens/imports.js) and "Export" button, whose dialog picks the columns and
// the format, exports what the list shows now (its current filters: POST /exports), waits
// for the file and downloads it. Also the two calls the wizard needs beyond api(): a
// multipart upload and a download with the session's token.

import { ApiError, NetworkError, api, creator, getToken } from "./api.js";
import { h, nextId } from "./dom.js";
import { errorMessage } from "./errors.js";
import { addStrings, lang, t } from "./i18n.js";

addStrings({
  th: {
    "sheets.import": "นำเข้าจาก Excel", "sheets.export": "ส่งออก",
    "sheets.exportTitle": "ส่งออกเป็นไฟล์", "sheets.exportHint": "ส่งออกรายการตามตัวกรองที่ใช้อยู่ตอนนี้",
    "sheets.columns": "คอลัมน์", "sheets.format": "รูปแบบไฟล์", "sheets.headers": "หัวคอลัมน์",
    "sheets.headers.th": "ภาษาไทย", "sheets.headers.en": "ภาษาอังกฤษ",
    "sheets.all": "เลือกทั้งหมด", "sheets.none": "ไม่เลือกเลย",
    "sheets.start": "ส่งออก", "sheets.close": "ปิด", "sheets.working": "กำลังเตรียมไฟล์…",
    "sheets.ready": "ไฟล์พร้อมแล้ว: {n} รายการ", "sheets.download": "ดาวน์โหลด",
    "sheets.failed": "ส่งออกไม่สำเร็จ: {why}", "sheets.pickOne": "เลือกอย่างน้อยหนึ่งคอลัมน์",
  },
  en: {
    "sheets.import": "Import from Excel", "sheets.export": "Export",
    "sheets.exportTitle": "Export to a file", "sheets.exportHint": "Exports the list as filtered now",
    "sheets.columns": "Columns", "sheets.format": "File format", "sheets.headers": "Column headers",
    "sheets.headers.th": "Thai", "sheets.headers.en": "English",
    "sheets.all": "Select all", "sheets.none": "Select none",
    "sheets.start": "Export", "sheets.close": "Close", "sheets.working": "Preparing the file…",
    "sheets.ready": "The file is ready: {n} rows", "sheets.download": "Download",
    "sheets.failed": "The export failed: {why}", "sheets.pickOne": "Pick at least one column",
  },
});

/** @typedef {{key: string, label_th: string, label_en: string, importable?: boolean}} FieldChoice */

const authHeaders = () => {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json", "Accept-Language": lang() };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
};

async function failure(/** @type {Response} */ res) {
  let body = null;
  try { body = await res.json(); } catch { /* not JSON */ }
  return new ApiError(res.status, body);
}

/**
 * POST a file (multipart, field "file") with an Idempotency-Key → the parsed answer.
 * @param {string} path @param {File} file @param {Record<string, string>} query @param {string} key
 */
export async function upload(path, file, query, key) {
  const body = new FormData();
  body.append("file", file, file.name);
  let res;
  try {
    res = await fetch(`${path}?${new URLSearchParams(query)}`, {
      method: "POST", body, credentials: "same-origin",
      headers: { ...authHeaders(), "Idempotency-Key": key } });
  } catch (err) {
    throw new NetworkError(String(err));
  }
  if (!res.ok) throw await failure(res);
  return res.json();
}

/** Fetch a file with the session's token and hand it to the browser as a download. */
export async function download(/** @type {string} */ url, /** @type {string} */ filename) {
  let res;
  try {
    res = await fetch(url, { headers: authHeaders(), credentials: "same-origin" });
  } catch (err) {
    throw new NetworkError(String(err));
  }
  if (!res.ok) throw await failure(res);
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = h("a", { href, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** A field's label in the UI's language. */
export const fieldLabel = (/** @type {FieldChoice} */ f) => (lang() === "en" ? f.label_en : f.label_th);

/** The fields of an entity's records (GET /imports/fields), asked once per page load. */
const fieldCache = new Map();
export function fieldsOf(/** @type {string} */ entity) {
  if (!fieldCache.has(entity)) {
    const asked = api("/api/v1/imports/fields", { query: { entity } });
    asked.catch(() => fieldCache.delete(entity));
    fieldCache.set(entity, asked);
  }
  return /** @type {Promise<FieldChoice[]>} */ (fieldCache.get(entity));
}

const wait = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The list head's tools: an "Import" link and an "Export" button with its dialog.
 * `filters()` gives the list's current filters (as its query parameters).
 * @param {{entity: "lead"|"account", filters: () => Record<string, string>}} spec
 */
export function sheetTools({ entity, filters }) {
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "sheet-dialog",
    "aria-labelledby": `${entity}-export-title` }));
  const open = h("button", { type: "button", class: "btn btn-sm", id: `${entity}-export-btn`,
                             "aria-haspopup": "dialog", onclick: () => showDialog() }, t("sheets.export"));
  const importLink = h("a", { class: "btn btn-sm", id: `${entity}-import-link`,
                              href: `#/imports/new?entity=${entity}` }, t("sheets.import"));
  const wrap = h("div", { class: "sheet-tools" }, importLink, open, dialog);
  const create = creator();
  let seq = 0;

  async function showDialog() {
    const mine = ++seq;
    const status = h("p", { role: "status", "aria-live": "polite", class: "muted" }, t("list.loading"));
    dialog.replaceChildren(h("h2", { id: `${entity}-export-title` }, t("sheets.exportTitle")), status);
    dialog.showModal();
    let fields;
    try { fields = await fieldsOf(entity); } catch (err) {
      if (mine === seq) status.textContent = errorMessage(err);
      return;
    }
    if (mine !== seq) return;
    drawForm(fields, status, mine);
  }

  function radios(/** @type {string} */ name, /** @type {[string, string][]} */ choices, /** @type {string} */ value) {
    return choices.map(([v, label]) => {
      const id = nextId(name);
      return h("span", { class: "sheet-choice" },
        h("input", { type: "radio", id, name, value: v, checked: v === value }),
        h("label", { for: id }, label));
    });
  }

  function drawForm(/** @type {FieldChoice[]} */ fields, /** @type {HTMLElement} */ status, /** @type {number} */ mine) {
    const boxes = fields.map((f) => {
      const id = nextId("col");
      return h("li", {}, h("input", { type: "checkbox", id, value: f.key, name: "columns",
                                      checked: f.importable !== false || f.key === "created_at" }),
        h("label", { for: id }, fieldLabel(f)));
    });
    const setAll = (/** @type {boolean} */ on) => boxes.forEach((li) => {
      /** @type {HTMLInputElement} */ (li.querySelector("input")).checked = on; });
    const result = h("div", { class: "sheet-result" });
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("sheets.start"));
    const form = h("form", { class: "stack", novalidate: true, onsubmit: (/** @type {Event} */ e) => {
      e.preventDefault(); run(); } },
      h("p", { class: "hint" }, t("sheets.exportHint")),
      h("fieldset", {}, h("legend", {}, t("sheets.format")),
        radios(`${entity}-format`, [["xlsx", "Excel (.xlsx)"], ["csv", "CSV"]], "xlsx")),
      h("fieldset", {}, h("legend", {}, t("sheets.headers")),
        radios(`${entity}-lang`, [["th", t("sheets.headers.th")], ["en", t("sheets.headers.en")]], lang())),
      h("fieldset", {}, h("legend", {}, t("sheets.columns")),
        h("div", { class: "form-actions" },
          h("button", { type: "button", class: "btn btn-sm", onclick: () => setAll(true) }, t("sheets.all")),
          h("button", { type: "button", class: "btn btn-sm", onclick: () => setAll(false) }, t("sheets.none"))),
        h("ul", { class: "sheet-columns" }, boxes)),
      result,
      h("div", { class: "form-actions" }, submit,
        h("button", { type: "button", class: "btn", onclick: () => { seq++; dialog.close(); } }, t("sheets.close"))));
    status.remove();
    dialog.append(form);

    async function run() {
      const data = new FormData(form);
      const columns = /** @type {string[]} */ (data.getAll("columns"));
      if (!columns.length) { result.replaceChildren(h("p", { class: "field-error", role: "alert" }, t("sheets.pickOne"))); return; }
      const body = { columns, format: String(data.get(`${entity}-format`)),
                     language: String(data.get(`${entity}-lang`)),
                     filters: Object.fromEntries(Object.entries(filters()).filter(([, v]) => v)) };
      const say = h("p", { role: "status", "aria-live": "polite" }, t("sheets.working"));
      result.replaceChildren(say);
      submit.disabled = true;
      try {
        let job = await create("/api/v1/exports", body, { entity });
        for (let delay = 300; job.status === "running"; delay = Math.min(delay * 1.5, 2000)) {
          await wait(delay);
          if (mine !== seq) return;
          job = await api(`/api/v1/exports/${encodeURIComponent(job.id)}`, { query: { entity } });
        }
        if (job.status !== "done" || !job.download_url) throw new Error(job.error || job.status);
        say.textContent = t("sheets.ready", { n: job.rows.toLocaleString(lang() === "th" ? "th-TH" : "en-US") });
        const name = `${entity}s.${job.format}`;
        const get = h("button", { type: "button", class: "btn btn-primary", id: `${entity}-export-download`,
          onclick: () => download(job.download_url, name).catch((err) =>
            result.append(h("p", { class: "field-error", role: "alert" }, errorMessage(err)))) },
          t("sheets.download"));
        result.append(get);
        get.focus();
      } catch (err) {
        if (mine === seq) say.textContent = t("sheets.failed", { why: errorMessage(err) });
      } finally {
        submit.disabled = false;
      }
    }
  }

  return { wrap };
}

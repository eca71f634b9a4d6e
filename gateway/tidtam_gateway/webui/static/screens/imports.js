// @ts-check
// The import wizard. "#/imports/new?entity=lead|account": upload a file (POST /imports).
// "#/imports/<id>?entity=…": before it runs, pick the sheet, check the mapping of each column
// with its sample values, the owner and the duplicate policy, and start it; while it runs, a
// progress bar (GET /imports/<id> polled) and Cancel; after, the counts and errors.xlsx.

import { api, creator, idempotencyKey } from "../api.js";
import { h, nextId } from "../dom.js";
import { errorMessage, errorText } from "../errors.js";
import { addStrings, lang, t } from "../i18n.js";
import { peoplePicker } from "../people-picker.js";
import { download, fieldLabel, upload } from "../sheets.js";

addStrings({
  th: {
    "imp.title.lead": "นำเข้าลีดจากไฟล์", "imp.title.account": "นำเข้าบัญชีลูกค้าจากไฟล์",
    "imp.file": "ไฟล์ (.xlsx, .xls, .ods หรือ .csv ไม่เกิน 50 MB)", "imp.upload": "อัปโหลด",
    "imp.uploading": "กำลังอัปโหลดและตรวจไฟล์…", "imp.noFile": "เลือกไฟล์ก่อน",
    "imp.back.lead": "กลับไปที่ลีด", "imp.back.account": "กลับไปที่บัญชีลูกค้า",
    "imp.sheet": "ชีต", "imp.headerRow": "แถวหัวตาราง", "imp.mapping": "จับคู่คอลัมน์กับฟิลด์",
    "imp.column": "คอลัมน์ในไฟล์", "imp.samples": "ตัวอย่างข้อมูล", "imp.field": "ฟิลด์",
    "imp.skipCol": "— ไม่นำเข้า —", "imp.sheetNote": "การจับคู่ด้านล่างมาจากชีตแรก ถ้าชีตที่เลือกมีหัวตารางต่างกัน ระบบจะแจ้งเมื่อเริ่มนำเข้า",
    "imp.preview": "ตรวจ {n} แถวแรก: ผ่าน {ok} ซ้ำ {dup} มีปัญหา {bad}", "imp.row": "แถว {n}",
    "imp.owner": "ผู้รับผิดชอบ", "imp.owner.me": "ฉันเอง", "imp.owner.user": "ผู้ใช้คนหนึ่ง",
    "imp.owner.column": "ตามอีเมลในคอลัมน์", "imp.ownerUser": "ผู้ใช้", "imp.ownerColumn": "คอลัมน์อีเมลผู้รับผิดชอบ",
    "imp.dups": "ถ้าซ้ำกับที่มีอยู่ (เบอร์โทร อีเมล เลขผู้เสียภาษี)",
    "imp.dup.skip": "ข้าม", "imp.dup.update": "อัปเดตรายการเดิม", "imp.dup.create": "สร้างใหม่อีกรายการ",
    "imp.start": "เริ่มนำเข้า", "imp.cancel": "ยกเลิก", "imp.again": "นำเข้าไฟล์อื่น",
    "imp.status.uploaded": "รอเริ่ม", "imp.status.running": "กำลังนำเข้า", "imp.status.done": "นำเข้าเสร็จแล้ว",
    "imp.status.cancelled": "ยกเลิกแล้ว (รายการที่นำเข้าแล้วยังอยู่)", "imp.status.failed": "นำเข้าไม่สำเร็จ",
    "imp.progress": "ความคืบหน้า", "imp.done": "{done} จาก {total} แถว",
    "imp.counts": "สร้าง {created} · อัปเดต {updated} · ข้าม {skipped} · มีปัญหา {failed}",
    "imp.eta": "อีกประมาณ {s} วินาที", "imp.errors": "ดาวน์โหลดแถวที่มีปัญหา (errors.xlsx)",
    "imp.errorsHint": "แก้ไขในไฟล์แล้วอัปโหลดอีกครั้ง", "imp.pickOwner": "เลือกผู้ใช้",
    "imp.pickOwnerColumn": "เลือกคอลัมน์",
  },
  en: {
    "imp.title.lead": "Import leads from a file", "imp.title.account": "Import accounts from a file",
    "imp.file": "File (.xlsx, .xls, .ods or .csv, at most 50 MB)", "imp.upload": "Upload",
    "imp.uploading": "Uploading and checking the file…", "imp.noFile": "Choose a file first",
    "imp.back.lead": "Back to leads", "imp.back.account": "Back to accounts",
    "imp.sheet": "Sheet", "imp.headerRow": "Header row", "imp.mapping": "Match columns to fields",
    "imp.column": "Column in the file", "imp.samples": "Sample values", "imp.field": "Field",
    "imp.skipCol": "— not imported —", "imp.sheetNote": "The matching below is from the first sheet; if the sheet chosen has other headers, starting says so",
    "imp.preview": "First {n} rows checked: {ok} fine, {dup} duplicates, {bad} with problems", "imp.row": "Row {n}",
    "imp.owner": "Owner", "imp.owner.me": "Me", "imp.owner.user": "One user",
    "imp.owner.column": "The email in a column", "imp.ownerUser": "User", "imp.ownerColumn": "Column of owners' emails",
    "imp.dups": "When a row matches an existing record (phone, email, tax ID)",
    "imp.dup.skip": "Skip it", "imp.dup.update": "Update the record", "imp.dup.create": "Create another",
    "imp.start": "Start the import", "imp.cancel": "Cancel", "imp.again": "Import another file",
    "imp.status.uploaded": "Waiting to start", "imp.status.running": "Importing", "imp.status.done": "Import done",
    "imp.status.cancelled": "Cancelled (the rows imported stay)", "imp.status.failed": "The import failed",
    "imp.progress": "Progress", "imp.done": "{done} of {total} rows",
    "imp.counts": "Created {created} · updated {updated} · skipped {skipped} · problems {failed}",
    "imp.eta": "About {s} s left", "imp.errors": "Download the rows with problems (errors.xlsx)",
    "imp.errorsHint": "Correct them in the file and upload it again", "imp.pickOwner": "Pick a user",
    "imp.pickOwnerColumn": "Pick a column",
  },
});

const ENTITIES = ["lead", "account"];
const num = (/** @type {number} */ n) => n.toLocaleString(lang() === "th" ? "th-TH" : "en-US");

/** @param {HTMLElement} root @param {import("../types.js").Params} params @param {import("../types.js").App} app */
export function mount(root, params, app) {
  const entity = ENTITIES.includes(params.entity) ? params.entity : "lead";
  const listHref = entity === "lead" ? "#/leads?box=inbox" : "#/accounts";
  const heading = h("h1", { tabindex: "-1", id: "imp-title" }, t(`imp.title.${entity}`));
  const body = h("div", { class: "stack" });
  root.replaceChildren(h("section", { class: "page imp-page", "aria-labelledby": "imp-title" },
    heading, h("p", {}, h("a", { href: listHref }, t(`imp.back.${entity}`))), body));
  let alive = true;
  let timer = 0;
  const jobUrl = (/** @type {string} */ id, tail = "") => `/api/v1/imports/${encodeURIComponent(id)}${tail}`;
  const query = { entity };

  if (params.id) load(params.id); else drawUpload();
  heading.focus();

  function drawUpload() {
    const id = nextId("imp-file");
    const input = h("input", { type: "file", id, name: "file", required: true,
                               accept: ".xlsx,.xls,.ods,.csv", "aria-describedby": `${id}-msg` });
    const msg = h("p", { id: `${id}-msg`, role: "status", "aria-live": "polite" });
    const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("imp.upload"));
    let key = idempotencyKey();
    let sent = "";
    body.replaceChildren(h("form", { class: "stack", novalidate: true, onsubmit: async (/** @type {Event} */ e) => {
      e.preventDefault();
      const file = /** @type {HTMLInputElement} */ (input).files?.[0];
      if (!file) { msg.textContent = t("imp.noFile"); msg.className = "field-error"; return; }
      const what = `${file.name}/${file.size}/${file.lastModified}`;
      if (what !== sent) { key = idempotencyKey(); sent = what; }
      msg.className = "muted";
      msg.textContent = t("imp.uploading");
      submit.disabled = true;
      try {
        const job = await upload("/api/v1/imports", file, query, key);
        if (alive) app.navigate(app.href(`/imports/${encodeURIComponent(job.id)}`, query), { replace: true });
      } catch (err) {
        msg.className = "field-error";
        msg.textContent = errorText(err);
      } finally {
        submit.disabled = false;
      }
    } },
    h("div", { class: "field" }, h("label", { for: id }, t("imp.file")), input, msg),
    h("div", { class: "form-actions" }, submit)));
  }

  async function load(/** @type {string} */ id) {
    body.replaceChildren(h("p", { class: "muted" }, t("list.loading")));
    let job;
    try { job = await api(jobUrl(id), { query }); } catch (err) {
      if (alive) body.replaceChildren(h("p", { class: "notice", role: "alert" }, errorMessage(err)));
      return;
    }
    if (!alive) return;
    if (job.status === "uploaded") drawSetup(job); else drawProgress(job);
  }

  function radioGroup(/** @type {string} */ legend, /** @type {string} */ name,
                      /** @type {[string, string][]} */ choices, /** @type {string} */ value,
                      /** @type {(v: string) => void} */ changed = () => {}) {
    return h("fieldset", { class: "imp-radios" }, h("legend", {}, legend),
      choices.map(([v, label]) => {
        const id = nextId(name);
        return h("span", { class: "sheet-choice" },
          h("input", { type: "radio", id, name, value: v, checked: v === value, onchange: () => changed(v) }),
          h("label", { for: id }, label));
      }));
  }

  function drawSetup(/** @type {any} */ job) {
    const fields = /** @type {import("../sheets.js").FieldChoice[]} */ (job.fields).filter((f) => f.importable !== false);
    const samples = /** @type {string[][]} */ (job.samples || []);
    const selects = job.columns.map((/** @type {string} */ column, /** @type {number} */ i) => {
      const id = nextId("map");
      const select = h("select", { id, dataset: { column } },
        h("option", { value: "" }, t("imp.skipCol")),
        fields.map((f) => h("option", { value: f.key, selected: job.mapping[column] === f.key }, fieldLabel(f))));
      const values = samples.map((r) => r[i] || "").filter(Boolean).slice(0, 3);
      return { column, select, row: h("tr", {},
        h("th", { scope: "row" }, h("label", { for: id }, column)),
        h("td", { class: "imp-samples" }, values.map((v) => h("span", { class: "imp-sample" }, v))),
        h("td", {}, select)) };
    });
    const sheetId = nextId("imp-sheet");
    const sheet = h("select", { id: sheetId, name: "sheet" },
      job.sheets.map((/** @type {string} */ s) => h("option", { value: s, selected: s === job.sheet }, s)));
    const headerId = nextId("imp-header");
    const headerRow = h("input", { type: "number", id: headerId, min: 1, max: 50, value: String(job.header_row),
                                   inputmode: "numeric" });
    const counts = { ok: 0, duplicate: 0, failed: 0 };
    for (const r of job.preview) counts[/** @type {"ok"|"duplicate"|"failed"} */ (r.status)]++;
    const problems = job.preview.filter((/** @type {any} */ r) => r.errors.length).slice(0, 5).map((/** @type {any} */ r) =>
      h("li", {}, `${t("imp.row", { n: r.row })}: `, r.errors.map((/** @type {any} */ e) =>
        `${e.field} — ${lang() === "en" ? e.message : e.message_th}`).join("; ")));
    let ownerKind = "me";
    const picker = peoplePicker({ name: "owner", label: "imp.ownerUser" });
    const ownerColId = nextId("imp-owner-col");
    const ownerColumn = h("select", { id: ownerColId },
      h("option", { value: "" }, t("imp.pickOwnerColumn")),
      job.columns.map((/** @type {string} */ c) => h("option", { value: c }, c)));
    const ownerColWrap = h("div", { class: "field", hidden: true }, h("label", { for: ownerColId }, t("imp.ownerColumn")), ownerColumn);
    picker.wrap.hidden = true;
    let policy = "skip";
    const msg = h("p", { role: "status", "aria-live": "polite" });
    const start = h("button", { type: "submit", class: "btn btn-primary", id: "imp-start" }, t("imp.start"));
    const post = creator();
    body.replaceChildren(h("form", { class: "stack", novalidate: true, onsubmit: onStart },
      h("p", { class: "muted" }, job.filename),
      h("div", { class: "imp-row" },
        h("div", { class: "field" }, h("label", { for: sheetId }, t("imp.sheet")), sheet),
        h("div", { class: "field" }, h("label", { for: headerId }, t("imp.headerRow")), headerRow)),
      job.sheets.length > 1 ? h("p", { class: "hint" }, t("imp.sheetNote")) : null,
      h("h2", {}, t("imp.mapping")),
      h("div", { class: "imp-table-wrap" }, h("table", { class: "imp-map" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("imp.column")),
          h("th", { scope: "col" }, t("imp.samples")), h("th", { scope: "col" }, t("imp.field")))),
        h("tbody", {}, selects.map((/** @type {any} */ s) => s.row)))),
      h("p", { class: "notice", id: "imp-preview" }, t("imp.preview", { n: job.preview.length, ok: counts.ok,
                                                       dup: counts.duplicate, bad: counts.failed })),
      problems.length ? h("ul", { class: "imp-problems" }, problems) : null,
      radioGroup(t("imp.owner"), "imp-owner", [["me", t("imp.owner.me")], ["user", t("imp.owner.user")],
        ["column", t("imp.owner.column")]], ownerKind, (v) => {
        ownerKind = v; picker.wrap.hidden = v !== "user"; ownerColWrap.hidden = v !== "column"; }),
      picker.wrap, ownerColWrap,
      radioGroup(t("imp.dups"), "imp-dups", [["skip", t("imp.dup.skip")], ["update", t("imp.dup.update")],
        ["create", t("imp.dup.create")]], policy, (v) => { policy = v; }),
      msg,
      h("div", { class: "form-actions" }, start,
        h("button", { type: "button", class: "btn", onclick: () => cancel(job.id) }, t("imp.cancel")))));

    async function onStart(/** @type {Event} */ e) {
      e.preventDefault();
      /** @type {Record<string, string|null>} */
      const mapping = {};
      for (const s of selects) mapping[s.column] = /** @type {HTMLSelectElement} */ (s.select).value || null;
      /** @type {any} */
      const payload = { mapping, duplicates: policy, sheet: /** @type {HTMLSelectElement} */ (sheet).value,
                        header_row: Number(/** @type {HTMLInputElement} */ (headerRow).value) || undefined };
      if (ownerKind === "user") {
        if (!picker.value()) { msg.className = "field-error"; msg.textContent = t("imp.pickOwner"); return; }
        payload.owner = { user_id: picker.value() };
      } else if (ownerKind === "column") {
        const column = /** @type {HTMLSelectElement} */ (ownerColumn).value;
        if (!column) { msg.className = "field-error"; msg.textContent = t("imp.pickOwnerColumn"); return; }
        payload.owner = { column };
      }
      start.disabled = true;
      msg.className = "muted";
      msg.textContent = "";
      try {
        const running = await post(jobUrl(job.id, "/start"), payload, query);
        if (alive) drawProgress(running);
      } catch (err) {
        msg.className = "field-error";
        msg.textContent = errorText(err);
      } finally {
        start.disabled = false;
      }
    }
  }

  async function cancel(/** @type {string} */ id) {
    try {
      const job = await api(jobUrl(id, "/cancel"), { method: "POST", query,
                                                     headers: { "Idempotency-Key": idempotencyKey() } });
      if (alive) drawProgress(job);
    } catch (err) {
      app.toast(errorMessage(err), "error");
    }
  }

  function drawProgress(/** @type {any} */ job) {
    clearTimeout(timer);
    const total = Math.max(job.total, job.done, 1);
    const bar = h("progress", { id: "imp-bar", max: String(total), value: String(job.done),
                                "aria-labelledby": "imp-progress-label" });
    const running = job.status === "running";
    const status = h("p", { role: "status", "aria-live": "polite", id: "imp-status" },
      h("strong", {}, t(`imp.status.${job.status}`)), " · ", t("imp.done", { done: num(job.done), total: num(job.total) }),
      running && job.eta_seconds !== null ? ` · ${t("imp.eta", { s: num(Math.ceil(job.eta_seconds)) })}` : "");
    const tail = [];
    if (job.error) tail.push(h("p", { class: "notice notice-warn", role: "alert" }, job.error));
    if (running) {
      tail.push(h("div", { class: "form-actions" },
        h("button", { type: "button", class: "btn btn-danger", id: "imp-cancel", onclick: () => cancel(job.id) }, t("imp.cancel"))));
    } else {
      if (job.failed > 0) {
        tail.push(h("p", {}, h("button", { type: "button", class: "btn", id: "imp-errors",
          onclick: () => download(jobUrl(job.id, `/errors.xlsx?entity=${entity}`), "errors.xlsx")
            .catch((err) => app.toast(errorMessage(err), "error")) }, t("imp.errors"))),
        h("p", { class: "hint" }, t("imp.errorsHint")));
      }
      tail.push(h("div", { class: "form-actions" },
        h("a", { class: "btn", href: `#/imports/new?entity=${entity}` }, t("imp.again")),
        h("a", { class: "btn btn-primary", href: listHref }, t(`imp.back.${entity}`))));
    }
    body.replaceChildren(
      h("p", { class: "muted" }, job.filename),
      h("label", { id: "imp-progress-label", class: "visually-hidden" }, t("imp.progress")),
      bar, status,
      h("p", { id: "imp-counts" }, t("imp.counts", { created: num(job.created), updated: num(job.updated),
                                                      skipped: num(job.skipped), failed: num(job.failed) })),
      ...tail);
    if (running) timer = window.setTimeout(() => poll(job.id), 700);
  }

  async function poll(/** @type {string} */ id) {
    if (!alive) return;
    try {
      const job = await api(jobUrl(id), { query });
      if (alive) drawProgress(job);
    } catch {
      if (alive) timer = window.setTimeout(() => poll(id), 2000);
    }
  }

  return () => { alive = false; clearTimeout(timer); };
}

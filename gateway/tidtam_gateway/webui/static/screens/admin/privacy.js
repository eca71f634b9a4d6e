// @ts-check
// #/admin/privacy (the list and the "new request" form) and #/admin/privacy/:id (one request):
// a person's PDPA request to see (export) or erase their data. The request page shows each
// service's progress, asked again every few seconds while it is pending (and no longer once it
// is done or the page is left), what was kept and why, and an export's archive to download.

import { api, asList } from "../../api.js";
import { h } from "../../dom.js";
import { formatDateTime } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { download } from "../../sheets.js";
import { toast, tx } from "../../ui.js";
import { adminPage, button, creator, errorText, smallForm } from "./common.js";

addStrings({
  th: {
    "pv.kind": "ประเภทคำขอ", "pv.kind.export": "ขอดูและรับสำเนาข้อมูล (export)",
    "pv.kind.erase": "ขอลบข้อมูล (erase)", "pv.email": "อีเมล", "pv.phone": "เบอร์โทรศัพท์",
    "pv.lineId": "LINE ID", "pv.keysHint": "กรอกอย่างน้อยหนึ่งช่อง ระบบเก็บไว้เพียงค่าแฮช ไม่เก็บตัวข้อมูล",
    "pv.needKey": "กรอกอีเมล เบอร์โทรศัพท์ หรือ LINE ID อย่างน้อยหนึ่งอย่าง",
    "pv.eraseWarn": "การลบข้อมูลย้อนกลับไม่ได้ ชื่อ เบอร์โทร อีเมล LINE ID และบันทึกของบุคคลนี้ในทุกบริการจะถูกลบ เหลือไว้เฉพาะที่กฎหมายกำหนดให้เก็บ",
    "pv.confirmErase": "ลบข้อมูลของบุคคลนี้ในทุกบริการ? ย้อนกลับไม่ได้",
    "pv.send": "ส่งคำขอ", "pv.sent": "ส่งคำขอแล้ว", "pv.status.pending": "กำลังดำเนินการ",
    "pv.status.done": "เสร็จแล้ว", "pv.by": "ระบุตัวด้วย {keys}", "pv.key.email": "อีเมล",
    "pv.key.phone": "เบอร์โทร", "pv.key.line_id": "LINE ID", "pv.open": "เปิด",
    "pv.back": "กลับไปที่รายการคำขอ", "pv.services": "ความคืบหน้าของแต่ละบริการ",
    "pv.found": "พบ: {what}", "pv.foundNone": "ไม่พบข้อมูล", "pv.answered": "ตอบเมื่อ {when}",
    "pv.waiting": "รอคำตอบ", "pv.kept": "สิ่งที่เก็บไว้และเหตุผล", "pv.keptNone": "ไม่มีสิ่งที่ต้องเก็บไว้",
    "pv.keptLine": "{what} ({count} รายการ): {reason}", "pv.download": "ดาวน์โหลดไฟล์ข้อมูล (.zip)",
    "pv.downloadFailed": "ดาวน์โหลดไม่สำเร็จ: {why}", "pv.completed": "เสร็จเมื่อ {when}",
    "pv.requested": "ขอเมื่อ {when}", "pv.more": "แสดงเพิ่ม",
    "err.code.privacy_request_pending": "คำขอยังดำเนินการไม่เสร็จ", "err.code.not_an_export": "คำขอลบข้อมูลไม่มีไฟล์ให้ดาวน์โหลด",
  },
  en: {
    "pv.kind": "Kind of request", "pv.kind.export": "See and get a copy of the data (export)",
    "pv.kind.erase": "Erase the data (erase)", "pv.email": "Email", "pv.phone": "Phone",
    "pv.lineId": "LINE ID", "pv.keysHint": "At least one; only keyed hashes of them are kept",
    "pv.needKey": "Give an email, a phone or a LINE ID (at least one)",
    "pv.eraseWarn": "Erasing cannot be undone: this person's name, phones, emails, LINE ID and notes are erased in every service; only what the law requires is kept",
    "pv.confirmErase": "Erase this person's data in every service? This cannot be undone",
    "pv.send": "Send request", "pv.sent": "Request sent", "pv.status.pending": "in progress",
    "pv.status.done": "done", "pv.by": "identified by {keys}", "pv.key.email": "email",
    "pv.key.phone": "phone", "pv.key.line_id": "LINE ID", "pv.open": "Open",
    "pv.back": "Back to the requests", "pv.services": "Each service's progress",
    "pv.found": "found: {what}", "pv.foundNone": "nothing found", "pv.answered": "answered {when}",
    "pv.waiting": "waiting for its answer", "pv.kept": "What was kept, and why", "pv.keptNone": "Nothing had to be kept",
    "pv.keptLine": "{what} ({count}): {reason}", "pv.download": "Download archive (.zip)",
    "pv.downloadFailed": "The download failed: {why}", "pv.completed": "done {when}",
    "pv.requested": "requested {when}", "pv.more": "Show more",
    "err.code.privacy_request_pending": "The request is still in progress", "err.code.not_an_export": "An erase request has no archive",
  },
});

/** @typedef {{what: string, count: number, reason: string}} Kept */
/** @typedef {{service: string, status: string, found: Record<string, number>, kept: Kept[],
 *             answered_at: string|null}} Progress */
/** @typedef {{id: string, kind: string, keys: string[], status: string, created_at: string,
 *             completed_at: string|null, services: Progress[], archive_url: string|null}} Request */
/** @typedef {{body: HTMLElement, say: (text: string) => void}} Page */

/** How often a pending request is asked again (ms). */
export const POLL_MS = 3000;
const BASE = "/api/v1/privacy/requests";

/** What a create sends: the kind and the keys given (blanks left out), or an Error naming the
 * missing key. @param {Record<string, string>} v */
export function requestBody(v) {
  /** @type {Record<string, string>} */
  const body = { kind: v.kind === "erase" ? "erase" : "export" };
  for (const key of ["email", "phone", "line_id"]) {
    const value = (v[key] || "").trim();
    if (value) body[key] = value;
  }
  if (Object.keys(body).length < 2) throw new Error(t("pv.needKey"));
  return body;
}

/** A request's line in the list: kind, status, keys and when. @param {Request} r @param {string} L */
export function requestLine(r, L) {
  return [t(`pv.kind.${r.kind}`), t(`pv.status.${r.status}`),
    t("pv.by", { keys: r.keys.map((k) => t(`pv.key.${k}`)).join(", ") }),
    t("pv.requested", { when: formatDateTime(r.created_at, L) })].join(" · ");
}

/** One service's progress: "leads · done · found: leads 2, history 5 · answered …".
 * @param {Progress} s @param {string} L */
export function progressLine(s, L) {
  if (s.status !== "done") return [s.service, t("pv.status.pending"), t("pv.waiting")].join(" · ");
  const found = Object.entries(s.found || {}).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`);
  return [s.service, t("pv.status.done"), found.length ? t("pv.found", { what: found.join(", ") }) : t("pv.foundNone"),
    s.answered_at ? t("pv.answered", { when: formatDateTime(s.answered_at, L) }) : ""].filter(Boolean).join(" · ");
}

/** What was kept, over every service: "service: what (count): reason". @param {Request} r */
export const keptLines = (r) => r.services.flatMap((s) => (s.kept || []).map((k) =>
  `${s.service}: ${t("pv.keptLine", { what: k.what, count: k.count, reason: k.reason })}`));

/** @param {HTMLElement} root @param {import("../../types.js").Params} params */
export function mount(root, params) {
  const page = adminPage(root, "nav.privacy");
  const state = { alive: true, timer: /** @type {any} */ (null) };
  if (params.id) showRequest(page, params.id, state);
  else showList(page, state);
  return () => { state.alive = false; clearTimeout(state.timer); };
}

/** The list (newest first, "Show more" for the next page) and the new-request form.
 * @param {Page} page @param {{alive: boolean}} state */
function showList(page, state) {
  const list = h("ul", { class: "adm-list" });
  const more = button("pv.more", () => load(cursor), { hidden: true });
  /** @type {string|null} */
  let cursor = null;

  /** @param {string|null} after */
  async function load(after) {
    let data;
    try { data = await api(BASE, { query: { limit: 50, ...(after ? { cursor: after } : {}) } }); }
    catch (err) { if (state.alive) page.say(errorText(err)); return; }
    if (!state.alive) return;
    /** @type {Request[]} */
    const items = asList(data);
    cursor = data && !Array.isArray(data) ? data.next_cursor || null : null;
    more.hidden = !cursor;
    const L = lang();
    const rows = items.map((r) => h("li", { class: "adm-row", dataset: { id: r.id } },
      h("div", { class: "adm-main" }, h("a", { href: `#/admin/privacy/${r.id}`, class: "adm-name adm-sub" },
        requestLine(r, L))),
      h("div", { class: "adm-controls" }, h("a", { class: "btn", href: `#/admin/privacy/${r.id}`,
        "aria-label": `${t("pv.open")}: ${requestLine(r, L)}` }, t("pv.open")))));
    if (after) list.append(...rows); else list.replaceChildren(...rows);
    page.say(list.children.length ? "" : t("adm.empty"));
  }

  const add = creator();
  const warn = tx("p", "pv.eraseWarn", { class: "notice notice-warn", role: "alert", hidden: true });
  const create = smallForm({
    specs: [{ name: "kind", label: "pv.kind", control: "select", required: true,
              options: [["export", t("pv.kind.export"), "pv.kind.export"], ["erase", t("pv.kind.erase"), "pv.kind.erase"]] },
            { name: "email", label: "pv.email", type: "email", hint: "pv.keysHint", attrs: { maxlength: 254, autocomplete: "off" } },
            { name: "phone", label: "pv.phone", type: "tel", attrs: { maxlength: 40, autocomplete: "off" } },
            { name: "line_id", label: "pv.lineId", attrs: { maxlength: 100, autocomplete: "off" } }],
    submitKey: "pv.send", className: "adm-form",
    submit: async (v) => {
      const body = requestBody(v);
      if (body.kind === "erase" && !confirm(t("pv.confirmErase"))) return;
      const made = await add(BASE, body);
      toast(t("pv.sent"));
      location.hash = `#/admin/privacy/${made.id}`;
    },
  });
  const kind = create.fields.kind.input;
  kind.addEventListener("change", () => { warn.hidden = kind.value !== "erase"; });
  create.fields.kind.wrap.after(warn);
  page.body.append(create.form, list, more);
  load(null);
}

/** One request: its status, each service's progress, what was kept, the archive; asked again
 * every POLL_MS while pending. @param {Page} page @param {string} id
 * @param {{alive: boolean, timer: any}} state */
function showRequest(page, id, state) {
  const view = h("div", { class: "stack", "aria-live": "polite" });
  page.body.append(h("p", {}, h("a", { href: "#/admin/privacy" }, t("pv.back"))), view);
  page.say(t("adm.loading"));

  async function load() {
    /** @type {Request} */
    let r;
    try { r = await api(`${BASE}/${encodeURIComponent(id)}`); }
    catch (err) { if (state.alive) page.say(errorText(err)); return; }
    if (!state.alive) return;
    const L = lang();
    page.say([requestLine(r, L), r.completed_at ? t("pv.completed", { when: formatDateTime(r.completed_at, L) }) : ""]
      .filter(Boolean).join(" · "));
    const kept = keptLines(r);
    view.replaceChildren(
      tx("h2", "pv.services"),
      h("ul", { class: "adm-list" }, ...r.services.map((s) =>
        h("li", { class: "adm-row", dataset: { service: s.service, status: s.status } },
          h("span", { class: "adm-sub" }, progressLine(s, L))))),
      tx("h2", "pv.kept"),
      kept.length ? h("ul", {}, ...kept.map((k) => h("li", {}, k))) : tx("p", "pv.keptNone", { class: "muted" }),
      r.kind === "export" && r.status === "done" ? archiveButton(r) : null);
    if (r.status === "pending") state.timer = setTimeout(load, POLL_MS);
  }
  load();
}

/** "Download archive": fetched with the session's token (a plain link cannot send it).
 * @param {Request} r */
function archiveButton(r) {
  return button("pv.download", () =>
    download(r.archive_url || `${BASE}/${r.id}/archive`, `privacy-${r.id}.zip`)
      .catch((err) => toast(t("pv.downloadFailed", { why: errorText(err) }), "error")),
  { id: "pv-archive" });
}

// @ts-check
// #/notifications (?unread=1): the signed-in user's notices, newest first, a page at a time;
// each opens its record (and is marked read); mark one or all read. A new notice (the bell's
// count goes up) puts the first page in again.

import { api, asList, idempotencyKey } from "../api.js";
import { onUnread, unreadCount } from "../bell.js";
import { h } from "../dom.js";
import { errorText } from "../errors.js";
import { formatDateTime } from "../format.js";
import { addStrings, has, lang, t } from "../i18n.js";
import { toast } from "../ui.js";

addStrings({
  th: {
    "notif.title": "การแจ้งเตือน", "notif.all": "ทั้งหมด", "notif.unread": "ยังไม่ได้อ่าน",
    "notif.markAll": "ทำเครื่องหมายว่าอ่านแล้วทั้งหมด", "notif.markOne": "อ่านแล้ว",
    "notif.markedAll": "อ่านแล้วทั้งหมด ({n} รายการ)", "notif.more": "แสดงเพิ่มเติม",
    "notif.empty": "ไม่มีการแจ้งเตือน", "notif.emptyUnread": "อ่านครบทุกรายการแล้ว",
    "notif.loading": "กำลังโหลด…", "notif.prefs": "ตั้งค่าการแจ้งเตือน", "notif.new": "ใหม่",
    "notif.kind.lead_sent": "ลีดส่งถึงคุณ", "notif.kind.lead_assigned": "ลีดมอบหมายให้คุณ",
    "notif.kind.leads_transferred": "ลีดโอนมาให้คุณ",
    "notif.kind.webhook_disabled": "เว็บฮุกถูกปิดใช้งาน",
    "notif.kind.activity_reminder": "เตือนกิจกรรม", "notif.kind.agenda_daily": "กำหนดการวันนี้",
  },
  en: {
    "notif.title": "Notifications", "notif.all": "All", "notif.unread": "Unread",
    "notif.markAll": "Mark all as read", "notif.markOne": "Mark read",
    "notif.markedAll": "All read ({n})", "notif.more": "Show more",
    "notif.empty": "No notifications", "notif.emptyUnread": "You have read them all",
    "notif.loading": "Loading…", "notif.prefs": "Notification settings", "notif.new": "new",
    "notif.kind.lead_sent": "Lead sent to you", "notif.kind.lead_assigned": "Lead assigned to you",
    "notif.kind.leads_transferred": "Leads transferred to you",
    "notif.kind.webhook_disabled": "Webhook disabled",
    "notif.kind.activity_reminder": "Activity reminder", "notif.kind.agenda_daily": "Today's agenda",
  },
});

/** @typedef {{id: string, kind: string, title: string, link: string, count: number,
 *             created_at: string, read_at: string | null}} Notice */

export const PAGE = 20;

/** What a kind of notice is called (its key when this UI has no words for it yet). */
export const kindLabel = (/** @type {string} */ kind) =>
  has(`notif.kind.${kind}`) ? t(`notif.kind.${kind}`) : kind;

/** A notice's link, if it is one of this UI's own routes ("#/leads/<id>"), else null: a
 * link is followed only inside the app. */
export const safeLink = (/** @type {string} */ link) =>
  /^#\/[\w\-/]+(\?[\w\-=&%.]*)?$/.test(link || "") ? link : null;

/** The body of POST /notifications/read for one notice, or for every one. */
export const readBody = (/** @type {string | null} */ id) => (id ? { ids: [id] } : { all: true });

const markRead = (/** @type {string | null} */ id) => api("/api/v1/notifications/read",
  { method: "POST", json: readBody(id), headers: { "Idempotency-Key": idempotencyKey() } });

/** @param {HTMLElement} root @param {import("../types.js").Params} params
 *  @param {import("../types.js").App} app */
export function mount(root, params, app) {
  const unreadOnly = params.unread === "1" || params.unread === "true";
  const status = h("p", { class: "muted", role: "status", "aria-live": "polite" });
  const list = h("ul", { class: "notif-list" });
  const more = h("button", { type: "button", class: "btn", hidden: true, onclick: () => load(cursor) },
    t("notif.more"));
  const markAll = h("button", { type: "button", class: "btn", onclick: onMarkAll }, t("notif.markAll"));
  const filter = (/** @type {string} */ key, /** @type {boolean} */ on, /** @type {string} */ href) =>
    h("a", { href, "aria-current": on ? "page" : null }, t(key));
  root.replaceChildren(h("section", { class: "notif-page" },
    h("h1", { tabindex: "-1" }, t("notif.title")),
    h("div", { class: "notif-bar" },
      h("nav", { class: "notif-filter", "aria-label": t("notif.title") },
        filter("notif.all", !unreadOnly, "#/notifications"),
        filter("notif.unread", unreadOnly, "#/notifications?unread=1")),
      markAll,
      h("a", { class: "notif-prefs", href: "#/notifications/preferences" }, t("notif.prefs"))),
    status, list, more));
  let alive = true;
  /** @type {string | null} */
  let cursor = null;
  let lastCount = unreadCount();

  /** A page from `from` (null: the first, replacing what is shown). */
  async function load(/** @type {string | null} */ from) {
    if (!from) status.textContent = t("notif.loading");
    let data;
    try {
      data = await api("/api/v1/notifications",
        { query: { limit: PAGE, cursor: from, unread: unreadOnly ? "true" : undefined } });
    } catch (err) { if (alive) status.textContent = errorText(err); return; }
    if (!alive) return;
    /** @type {Notice[]} */
    const items = asList(data);
    cursor = data.next_cursor || null;
    more.hidden = !cursor;
    if (from) list.append(...items.map(row)); else list.replaceChildren(...items.map(row));
    status.textContent = list.children.length ? "" : t(unreadOnly ? "notif.emptyUnread" : "notif.empty");
  }

  /** @param {Notice} n */
  function row(n) {
    const link = safeLink(n.link);
    const title = link
      ? h("a", { href: link, class: "notif-title", onclick: (/** @type {Event} */ e) => open(e, n, link) }, n.title)
      : h("span", { class: "notif-title" }, n.title);
    const meta = h("span", { class: "notif-meta" },
      `${kindLabel(n.kind)} · ${formatDateTime(n.created_at, lang())}`,
      n.read_at ? null : ` · ${t("notif.new")}`);
    const mark = n.read_at ? null : h("button", { type: "button", class: "btn",
      "aria-label": `${t("notif.markOne")}: ${n.title}`,
      onclick: async () => {
        try { await markRead(n.id); } catch (err) { toast(errorText(err), "error"); return; }
        n.read_at = new Date().toISOString();
        if (unreadOnly) item.remove(); else item.replaceWith(row(n));
        if (!list.children.length) status.textContent = t("notif.emptyUnread");
      } }, t("notif.markOne"));
    const item = h("li", { class: `notif-item${n.read_at ? "" : " is-unread"}`, dataset: { id: n.id } },
      h("div", { class: "notif-main" }, title, meta), mark);
    return item;
  }

  /** Opening a notice marks it read, then goes to its record. */
  async function open(/** @type {Event} */ event, /** @type {Notice} */ n, /** @type {string} */ link) {
    event.preventDefault();
    if (!n.read_at) await markRead(n.id).catch(() => {}); // the record opens anyway
    app.navigate(link);
  }

  async function onMarkAll() {
    markAll.disabled = true;
    try {
      const done = await markRead(null);
      toast(t("notif.markedAll", { n: done.marked }));
      await load(null);
    } catch (err) { toast(errorText(err), "error"); }
    finally { markAll.disabled = false; }
  }

  const unsubscribe = onUnread((count) => {
    if (count > lastCount) load(null); // a new notice arrived
    lastCount = count;
  });
  load(null);
  return () => { alive = false; unsubscribe(); };
}

// @ts-check
// "#/calendar?view=month|week|day|agenda&date=YYYY-MM-DD&user=<id>": My Calendar (GET
// /calendar) — activities, planned next contacts and anniversaries in three colours, with a
// legend; a month grid, a week, a day, or an agenda list (the default on a phone). The view
// and the date are in the link, so a calendar can be bookmarked and Back steps through what
// was shown. Managers and admins may pick a colleague. Days are the tenant's (each item's
// `day`); times are shown in the tenant's time zone.

import { api, asList } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, lang, t } from "../../i18n.js";
import { errorMessage, state, userLabel } from "../../ui.js";
import { kindLabel, useCss } from "./parts.js";

addStrings({
  th: {
    "cal.title": "ปฏิทินของฉัน", "cal.view": "มุมมอง",
    "cal.view.month": "เดือน", "cal.view.week": "สัปดาห์", "cal.view.day": "วัน", "cal.view.agenda": "รายการ",
    "cal.prev": "ก่อนหน้า", "cal.next": "ถัดไป", "cal.today": "วันนี้", "cal.new": "กิจกรรมใหม่",
    "cal.user": "ปฏิทินของ", "cal.legend": "สัญลักษณ์",
    "cal.type.activity": "กิจกรรม", "cal.type.next_contact": "นัดติดต่อลีด",
    "cal.type.anniversary": "วันสำคัญของลูกค้า",
    "cal.empty": "ไม่มีรายการในช่วงนี้", "cal.nothing": "ว่าง", "cal.more": "+{n} รายการ",
    "cal.items": "{n} รายการ", "cal.tz": "เวลาตามเขตเวลา {tz}",
    "cal.ann.birthday": "วันเกิด", "cal.ann.founding": "วันก่อตั้ง", "cal.ann.other": "วันสำคัญ",
    "cal.ann.years": "ครบ {n} ปี", "cal.done": "เสร็จแล้ว", "cal.overdue": "เลยกำหนด",
  },
  en: {
    "cal.title": "My calendar", "cal.view": "View",
    "cal.view.month": "Month", "cal.view.week": "Week", "cal.view.day": "Day", "cal.view.agenda": "Agenda",
    "cal.prev": "Previous", "cal.next": "Next", "cal.today": "Today", "cal.new": "New activity",
    "cal.user": "Calendar of", "cal.legend": "Legend",
    "cal.type.activity": "Activity", "cal.type.next_contact": "Planned lead contact",
    "cal.type.anniversary": "Customer anniversary",
    "cal.empty": "Nothing in this period", "cal.nothing": "Free", "cal.more": "+{n} more",
    "cal.items": "{n} items", "cal.tz": "Times in {tz}",
    "cal.ann.birthday": "Birthday", "cal.ann.founding": "Founding day", "cal.ann.other": "Anniversary",
    "cal.ann.years": "{n} years", "cal.done": "Done", "cal.overdue": "Overdue",
  },
});

/** @typedef {import("../../types.js").Params} Params */
/** @typedef {import("../../types.js").App} App */

export const VIEWS = ["month", "week", "day", "agenda"];
// A month cell shows a day's first items and "+N more" (the API's month mode, `per_day`).
export const PER_DAY = 3;
const VIEW_KEYS = { month: "cal.view.month", week: "cal.view.week", day: "cal.view.day", agenda: "cal.view.agenda" };
const TYPE_KEYS = { activity: "cal.type.activity", next_contact: "cal.type.next_contact",
                    anniversary: "cal.type.anniversary" };
const ANN_KEYS = { birthday: "cal.ann.birthday", founding: "cal.ann.founding", other: "cal.ann.other" };
const AGENDA_DAYS = 14;
const LOCALES = { th: "th-TH-u-ca-buddhist", en: "en-GB-u-ca-gregory" };

// ---- days as "YYYY-MM-DD" (no time zone: the tenant's days come from the server) ----------

const toDate = (/** @type {string} */ day) => new Date(`${day}T00:00:00Z`);
const toDay = (/** @type {Date} */ d) => d.toISOString().slice(0, 10);
export const addDays = (/** @type {string} */ day, /** @type {number} */ n) => {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return toDay(d);
};
/** Monday of the week of `day`. */
export const weekStart = (/** @type {string} */ day) => addDays(day, -((toDate(day).getUTCDay() + 6) % 7));
export const isDay = (/** @type {any} */ v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)
  && !Number.isNaN(toDate(v).getTime()) && toDay(toDate(v)) === v;

/** Today in `timeZone` (the tenant's). */
export function today(/** @type {string | undefined} */ timeZone) {
  try { return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date()); } catch {
    return new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
  }
}

/** The days a view shows around `day`: [from, to] (both included), and the step of prev/next. */
export function rangeOf(/** @type {string} */ view, /** @type {string} */ day) {
  if (view === "day") return { from: day, to: day, prev: addDays(day, -1), next: addDays(day, 1) };
  if (view === "week") {
    const from = weekStart(day);
    return { from, to: addDays(from, 6), prev: addDays(day, -7), next: addDays(day, 7) };
  }
  if (view === "agenda") {
    return { from: day, to: addDays(day, AGENDA_DAYS - 1), prev: addDays(day, -AGENDA_DAYS), next: addDays(day, AGENDA_DAYS) };
  }
  const first = `${day.slice(0, 8)}01`;
  const nextMonth = addDays(first, 32).slice(0, 8) + "01";
  const prevMonth = addDays(first, -1).slice(0, 8) + "01";
  const from = weekStart(first);
  const to = addDays(weekStart(addDays(nextMonth, -1)), 6);
  return { from, to, prev: prevMonth, next: nextMonth };
}

const fmt = (/** @type {Intl.DateTimeFormatOptions} */ opts) => new Intl.DateTimeFormat(LOCALES[lang()] ?? LOCALES.th, { timeZone: "UTC", ...opts });
const dayName = (/** @type {string} */ day, long = false) => fmt(long
  ? { weekday: "long", day: "numeric", month: "long", year: "numeric" }
  : { weekday: "short", day: "numeric", month: "short" }).format(toDate(day));

/** The item's time in the tenant's zone ("14:05"), "" for all-day items. */
function timeOf(/** @type {any} */ item, /** @type {string} */ tz) {
  if (item.all_day || !item.starts_at) return "";
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(item.starts_at));
  } catch { return ""; }
}

/** Where an item leads: its activity, the lead, or the account. */
function hrefOf(/** @type {any} */ item) {
  if (item.activity) return `#/activities/${encodeURIComponent(item.activity.id)}`;
  if (item.lead_id) return `#/leads/${encodeURIComponent(item.lead_id)}`;
  if (item.account_id) return `#/accounts/${encodeURIComponent(item.account_id)}`;
  return null;
}

function itemText(/** @type {any} */ item) {
  if (item.type === "anniversary" && item.anniversary) {
    const a = item.anniversary;
    return `${t(ANN_KEYS[a.kind] || "cal.ann.other")}: ${item.title}${a.years > 0 ? ` (${t("cal.ann.years", { n: a.years })})` : ""}`;
  }
  if (item.type === "next_contact") return `${kindLabel("call")}: ${item.title}`;
  return item.activity ? `${kindLabel(item.activity.kind)}: ${item.title}` : item.title;
}

/** One item: a link in its type's colour, its time first, done/overdue said in words. */
function itemEl(/** @type {any} */ item, /** @type {string} */ tz) {
  const time = timeOf(item, tz);
  const flags = [item.activity?.status === "done" ? t("cal.done") : null, item.activity?.overdue ? t("cal.overdue") : null].filter(Boolean);
  const href = hrefOf(item);
  const cls = `cal-item cal-${item.type}${item.activity?.status === "done" ? " cal-done" : ""}${item.activity?.overdue ? " cal-late" : ""}`;
  const body = [
    h("span", { class: "visually-hidden" }, `${t(TYPE_KEYS[item.type] || "cal.type.activity")}: `),
    time ? h("span", { class: "cal-time" }, time) : null, " ", h("span", { class: "cal-text" }, itemText(item)),
    flags.length ? h("span", { class: "cal-flag" }, ` · ${flags.join(" · ")}`) : null,
  ];
  return h("li", { class: cls, dataset: { type: item.type, uid: item.uid } },
    href ? h("a", { href }, body) : h("span", {}, body));
}

const byDay = (/** @type {any[]} */ items) => {
  /** @type {Map<string, any[]>} */
  const days = new Map();
  for (const item of items) {
    if (!days.has(item.day)) days.set(item.day, []);
    /** @type {any[]} */ (days.get(item.day)).push(item);
  }
  return days;
};

/** @param {HTMLElement} root @param {Params} params @param {App} app */
export function mount(root, params, app) {
  useCss();
  const phone = typeof matchMedia === "function" && matchMedia("(max-width: 760px)").matches;
  const ui = { seq: 0, tz: state.settings?.time_zone || undefined };
  const heading = h("h1", { tabindex: "-1", id: "cal-title" }, t("cal.title"));
  const toolbar = h("div", { class: "cal-toolbar" });
  const status = h("p", { class: "muted", role: "status", id: "cal-status" });
  const body = h("div", { class: "cal-body", id: "cal-body" });
  const legend = h("ul", { class: "cal-legend", "aria-label": t("cal.legend") },
    Object.entries(TYPE_KEYS).map(([type, key]) => h("li", { class: `cal-key cal-${type}` },
      h("span", { class: "cal-swatch", "aria-hidden": "true" }), t(key))));
  root.replaceChildren(h("div", { class: "page cal-page" },
    h("div", { class: "list-title-row" }, heading,
      h("a", { class: "btn btn-primary", id: "cal-new", href: "#/activities/new" },
        h("span", { "aria-hidden": "true", class: "plus" }, "+"), " ", t("cal.new"))),
    toolbar, legend, status, body));

  /** @param {Params} p */
  function current(p) {
    const view = VIEWS.includes(p.view) ? p.view : phone ? "agenda" : "month";
    const day = isDay(p.date) ? p.date : today(ui.tz);
    return { view, day, user: p.user || "" };
  }

  function link(/** @type {{view: string, day: string, user: string}} */ c) {
    return app.href("/calendar", { view: c.view, date: c.day, user: c.user });
  }

  function drawToolbar(/** @type {{view: string, day: string, user: string}} */ c) {
    const range = rangeOf(c.view, c.day);
    const views = h("nav", { class: "cal-views", "aria-label": t("cal.view") },
      VIEWS.map((v) => h("a", { class: "btn btn-sm", href: link({ ...c, view: v }), dataset: { view: v },
                                "aria-current": v === c.view ? "page" : null }, t(VIEW_KEYS[v]))));
    const moves = h("div", { class: "cal-moves" },
      h("a", { class: "btn btn-sm", id: "cal-prev", href: link({ ...c, day: range.prev }) },
        h("span", { "aria-hidden": "true" }, "‹ "), t("cal.prev")),
      h("a", { class: "btn btn-sm", id: "cal-today", href: link({ ...c, day: today(ui.tz) }) }, t("cal.today")),
      h("a", { class: "btn btn-sm", id: "cal-next", href: link({ ...c, day: range.next }) },
        t("cal.next"), h("span", { "aria-hidden": "true" }, " ›")));
    const label = c.view === "month" ? fmt({ month: "long", year: "numeric" }).format(toDate(c.day))
      : c.view === "day" ? dayName(c.day, true)
        : `${fmt({ day: "numeric", month: "short" }).format(toDate(range.from))} – ${fmt({ day: "numeric", month: "short", year: "numeric" }).format(toDate(range.to))}`;
    const manager = state.me && ["manager", "admin"].includes(state.me.role);
    let picker = null;
    if (manager) {
      const id = nextId("cal-user");
      const people = (state.users || []).filter((u) => u.active !== false && u.id !== state.me?.id);
      const select = h("select", { id, name: "user" },
        h("option", { value: "" }, userLabel(state.me?.id || "")),
        people.map((u) => h("option", { value: u.id, selected: u.id === c.user }, u.name)));
      select.value = c.user;
      select.addEventListener("change", () => app.navigate(link({ ...c, user: select.value })));
      picker = h("div", { class: "field cal-user" }, h("label", { for: id }, t("cal.user")), select);
    }
    // replaceChildren() would print null as text: the picker only when there is one.
    toolbar.replaceChildren(...[h("h2", { class: "cal-range", id: "cal-range" }, label), moves, views, picker].filter(Boolean));
    const add = /** @type {HTMLAnchorElement} */ (root.querySelector("#cal-new"));
    add.href = app.href("/activities/new", { date: c.day, back: link(c) });
  }

  async function load(/** @type {Params} */ p) {
    const c = current(p);
    const seq = ++ui.seq;
    drawToolbar(c);
    const range = rangeOf(c.view, c.day);
    status.textContent = t("list.loading");
    body.setAttribute("aria-busy", "true");
    let data;
    try {
      data = await api("/api/v1/calendar", { query: {
        from: range.from, to: range.to, user_id: c.user || undefined,
        per_day: c.view === "month" ? PER_DAY : undefined,
      } });
    } catch (err) {
      if (seq !== ui.seq) return;
      body.removeAttribute("aria-busy");
      status.textContent = err.status === 401 ? "" : errorMessage(err);
      body.replaceChildren();
      return;
    }
    if (seq !== ui.seq) return;
    body.removeAttribute("aria-busy");
    const tzChanged = data.time_zone && data.time_zone !== ui.tz;
    ui.tz = data.time_zone || ui.tz;
    if (tzChanged && !isDay(p.date)) drawToolbar(current(p)); // "today" in the tenant's zone
    const items = asList(data.items);
    // The month mode: each day's counts (its items are only the first PER_DAY).
    /** @type {Map<string, {total: number, more: number}>} */
    const totals = new Map(asList(data.days).map((d) => [d.day, d]));
    const count = data.days ? [...totals.values()].reduce((n, d) => n + d.total, 0) : items.length;
    status.textContent = `${count ? t("cal.items", { n: count }) : t("cal.empty")} · ${t("cal.tz", { tz: ui.tz || "" })}`;
    const days = byDay(items);
    body.dataset.view = c.view;
    body.dataset.from = range.from;
    if (c.view === "month") body.replaceChildren(month(c, range, days, totals));
    else if (c.view === "agenda") body.replaceChildren(agenda(range, days));
    else body.replaceChildren(week(c, range, days));
  }

  const dayHeading = (/** @type {string} */ day, /** @type {string} */ tag = "h3") => h(tag, { class: "cal-day-name" },
    h("a", { href: link({ view: "day", day, user: current(params).user }) }, dayName(day)),
    day === today(ui.tz) ? h("span", { class: "tag cal-today-tag" }, t("cal.today")) : null);

  function month(/** @type {any} */ c, /** @type {any} */ range, /** @type {Map<string, any[]>} */ days,
    /** @type {Map<string, {total: number, more: number}>} */ totals) {
    const cells = [];
    for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
      const items = days.get(d) || [];
      const total = totals.get(d)?.total ?? items.length;
      const more = totals.get(d)?.more ?? 0;
      const dayLink = link({ view: "day", day: d, user: c.user });
      const other = d.slice(0, 7) !== c.day.slice(0, 7);
      cells.push(h("li", { class: `cal-cell${other ? " cal-other" : ""}${d === today(ui.tz) ? " cal-is-today" : ""}`, dataset: { day: d } },
        dayHeading(d),
        items.length ? h("ul", { class: "cal-items" }, items.map((i) => itemEl(i, ui.tz))) : null,
        more > 0 ? h("a", { class: "cal-more", href: dayLink }, t("cal.more", { n: more })) : null,
        total ? h("a", { class: "cal-count", href: dayLink }, t("cal.items", { n: total })) : null));
    }
    const names = [];
    for (let i = 0; i < 7; i++) names.push(h("li", { "aria-hidden": "true" }, fmt({ weekday: "short" }).format(toDate(addDays(range.from, i)))));
    return h("div", { class: "cal-month" }, h("ol", { class: "cal-weekdays" }, names), h("ol", { class: "cal-grid" }, cells));
  }

  function week(/** @type {any} */ c, /** @type {any} */ range, /** @type {Map<string, any[]>} */ days) {
    const cols = [];
    for (let d = range.from; d <= range.to; d = addDays(d, 1)) {
      const items = days.get(d) || [];
      cols.push(h("li", { class: `cal-col${d === today(ui.tz) ? " cal-is-today" : ""}`, dataset: { day: d } },
        c.view === "week" ? dayHeading(d) : null,
        items.length ? h("ul", { class: "cal-items" }, items.map((i) => itemEl(i, ui.tz)))
          : h("p", { class: "muted" }, t("cal.nothing"))));
    }
    return h("ol", { class: `cal-${c.view}` }, cols);
  }

  function agenda(/** @type {any} */ range, /** @type {Map<string, any[]>} */ days) {
    const shown = [...days.keys()].filter((d) => d >= range.from && d <= range.to).sort();
    if (!shown.length) return h("p", { class: "muted cal-none" }, t("cal.empty"));
    return h("ol", { class: "cal-agenda" }, shown.map((d) => h("li", { class: "cal-agenda-day", dataset: { day: d } },
      dayHeading(d), h("ul", { class: "cal-items" }, (days.get(d) || []).map((i) => itemEl(i, ui.tz))))));
  }

  load(params);
  heading.focus();
  const unmount = () => { ui.seq++; };
  unmount.update = (/** @type {Params} */ p) => { params = p; load(p); };
  return unmount;
}

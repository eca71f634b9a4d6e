// @ts-check
// What the activities screens share with the lead and account pages: the words for kinds and
// statuses, an activity as a list item, the activities panel of a lead or an account (its
// activities and "new"), the check-in button (the browser's geolocation → POST /checkins;
// refused farther than 1 km, saying how far) and an account's check-ins.

import { api, asList, ApiError, creator } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { errorMessage } from "../../errors.js";
import { formatDate, formatDateTime } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { userLabel } from "../../ui.js";

addStrings({
  th: {
    "act.kind.task": "งาน", "act.kind.meeting": "นัดพบ", "act.kind.call": "โทร", "act.kind.email": "อีเมล",
    "act.status.planned": "วางแผนไว้", "act.status.done": "เสร็จแล้ว", "act.status.cancelled": "ยกเลิกแล้ว",
    "act.overdue": "เลยกำหนด", "act.allDay": "ทั้งวัน",
    "act.panel": "กิจกรรม", "act.panel.new": "กิจกรรมใหม่", "act.panel.empty": "ยังไม่มีกิจกรรม",
    "act.loading": "กำลังโหลด…",
    "ci.button": "เช็กอินที่นี่", "ci.locating": "กำลังหาตำแหน่งของคุณ…",
    "ci.done": "เช็กอินแล้ว ห่างจากสถานที่ {distance} ม.",
    "ci.tooFar": "เช็กอินไม่ได้: คุณอยู่ห่างจากสถานที่ {distance} ม. ต้องอยู่ภายใน 1,000 ม.",
    "ci.denied": "เบราว์เซอร์ไม่อนุญาตให้ใช้ตำแหน่ง: เปิดสิทธิ์ตำแหน่งแล้วลองอีกครั้ง",
    "ci.unavailable": "หาตำแหน่งไม่ได้ ลองอีกครั้งในที่โล่ง",
    "ci.noGeo": "เบราว์เซอร์นี้ไม่มีบริการตำแหน่ง",
    "ci.history": "ประวัติการเช็กอิน", "ci.empty": "ยังไม่มีการเช็กอิน",
    "ci.entry": "{user} · ห่าง {distance} ม.",
    "fe.too_far": "อยู่ห่างจากสถานที่ {distance_m} ม. (ต้องไม่เกิน 1,000 ม.)",
    "fe.position_stale": "ตำแหน่งเก่าเกิน 2 นาที ลองอีกครั้ง",
    "fe.position_in_future": "เวลาของตำแหน่งอยู่ในอนาคต ตรวจเวลาของเครื่อง",
    "fe.position_inaccurate": "ตำแหน่งคลาดเคลื่อนเกิน 1,000 ม. ลองอีกครั้งในที่โล่ง",
    "fe.account_without_location": "ลูกค้ารายนี้ยังไม่มีพิกัด: ใส่พิกัดของลูกค้าก่อน",
    "fe.unknown_activity": "ไม่พบกิจกรรมนี้",
    "fe.ends_before_start": "เวลาสิ้นสุดต้องอยู่หลังเวลาเริ่ม",
    "fe.reminders_without_time": "การเตือนต้องมีเวลาของกิจกรรม",
    "err.code.activity_closed": "กิจกรรมนี้เสร็จหรือยกเลิกแล้ว แก้ไขไม่ได้",
  },
  en: {
    "act.kind.task": "Task", "act.kind.meeting": "Meeting", "act.kind.call": "Call", "act.kind.email": "Email",
    "act.status.planned": "Planned", "act.status.done": "Done", "act.status.cancelled": "Cancelled",
    "act.overdue": "Overdue", "act.allDay": "All day",
    "act.panel": "Activities", "act.panel.new": "New activity", "act.panel.empty": "No activities yet",
    "act.loading": "Loading…",
    "ci.button": "Check in here", "ci.locating": "Finding where you are…",
    "ci.done": "Checked in, {distance} m from the place",
    "ci.tooFar": "Not checked in: you are {distance} m from the place; it must be within 1,000 m",
    "ci.denied": "The browser may not use your location: allow it and try again",
    "ci.unavailable": "Your location could not be found; try again in the open",
    "ci.noGeo": "This browser has no location service",
    "ci.history": "Check-ins", "ci.empty": "No check-ins yet",
    "ci.entry": "{user} · {distance} m away",
    "fe.too_far": "{distance_m} m from the place (at most 1,000 m)",
    "fe.position_stale": "The position is more than 2 minutes old; try again",
    "fe.position_in_future": "The position's time is in the future: check the device's clock",
    "fe.position_inaccurate": "The position is accurate only to more than 1,000 m; try again in the open",
    "fe.account_without_location": "This account has no location yet: set it first",
    "fe.unknown_activity": "No such activity",
    "fe.ends_before_start": "The end must be after the start",
    "fe.reminders_without_time": "Reminders need the activity's time",
    "err.code.activity_closed": "This activity is done or cancelled and cannot be changed",
  },
});

export const KINDS = ["task", "meeting", "call", "email"];
const KIND_KEYS = { task: "act.kind.task", meeting: "act.kind.meeting", call: "act.kind.call",
                    email: "act.kind.email" };
const STATUS_KEYS = { planned: "act.status.planned", done: "act.status.done",
                      cancelled: "act.status.cancelled" };
export const kindLabel = (/** @type {string} */ kind) => t(KIND_KEYS[kind] || "act.kind.task");
export const statusLabel = (/** @type {string} */ s) => t(STATUS_KEYS[s] || "act.status.planned");

/** Load the activities screens' stylesheet once. */
export function useCss() {
  if (!document.head || document.querySelector("link[data-css=activities]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/ui/static/screens/activities/activities.css",
                                   dataset: { css: "activities" } }));
}

export const activityHref = (/** @type {string} */ id) => `#/activities/${encodeURIComponent(id)}`;

/** An activity's time in words: "all day 7 Mar 2026", "7 Mar 2026, 14:05", or "". */
export function whenText(/** @type {any} */ a, L = lang()) {
  const at = a.starts_at || a.due_at;
  if (!at) return "";
  return a.all_day ? `${t("act.allDay")} ${formatDate(at, L)}` : formatDateTime(at, L);
}

/** An activity as a list item: kind, subject (a link to it), time, status. */
export function activityItem(/** @type {any} */ a) {
  return h("li", { class: `act-item act-${a.status}${a.overdue ? " act-overdue" : ""}` },
    h("span", { class: "badge" }, kindLabel(a.kind)), " ",
    h("a", { href: activityHref(a.id), class: "act-subject" }, a.subject),
    h("span", { class: "muted act-when" }, whenText(a)),
    a.status !== "planned" ? h("span", { class: `tag act-status-${a.status}` }, statusLabel(a.status)) : null,
    a.overdue ? h("span", { class: "tag act-overdue-tag" }, t("act.overdue")) : null);
}

/**
 * A lead's or account's activities with a "new" link (`of`: {lead_id} or {account_id}); the
 * page shown is where a create comes back to.
 * @param {{lead_id?: string, account_id?: string}} of @param {boolean} [canAdd]
 */
export function activitiesPanel(of, canAdd = true) {
  const back = globalThis.location?.hash || "";
  useCss();
  const id = nextId("acts");
  const list = h("ul", { class: "act-list" });
  const status = h("p", { class: "muted", role: "status" }, t("act.loading"));
  api("/api/v1/activities", { query: { ...of, limit: 50 } }).then((page) => {
    const items = asList(page);
    list.replaceChildren(...items.map(activityItem));
    status.textContent = items.length ? "" : t("act.panel.empty");
  }, (err) => { status.textContent = err.status === 401 ? "" : errorMessage(err); });
  const add = canAdd ? h("a", { class: "btn btn-sm act-new", href: `#/activities/new?${new URLSearchParams({ ...of, back })}` },
    h("span", { "aria-hidden": "true", class: "plus" }, "+ "), t("act.panel.new")) : null;
  return h("section", { class: "act-panel stack-sm", "aria-labelledby": id },
    h("div", { class: "log-title-row" }, h("h3", { id }, t("act.panel")), add), status, list);
}

/** The browser's position now (rejects with a GeolocationPositionError or an Error). */
function position() {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) { reject(new Error(t("ci.noGeo"))); return; }
    navigator.geolocation.getCurrentPosition(resolve, reject,
      { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
  });
}

/** What to say about a failed check-in: the distance when too far, else the error. */
export function checkinError(/** @type {any} */ err) {
  if (err instanceof ApiError) {
    const far = err.fields.find((f) => f.code === "too_far");
    if (far) return t("ci.tooFar", { distance: Number(far.params?.distance_m).toLocaleString("en-US") });
    const known = err.fields.find((f) => f.code);
    if (known) return t(`fe.${known.code}`, known.params || {});
    return errorMessage(err);
  }
  if (err && typeof err.code === "number") return t(err.code === 1 ? "ci.denied" : "ci.unavailable");
  return errorMessage(err);
}

/**
 * The check-in button: `place` is {account_id} or {lat, lon, name}; `done(checkin)` after it.
 * @param {Record<string, any>} place @param {{activity_id?: string, done?: (c: any) => void}} [opts]
 */
export function checkinButton(place, opts = {}) {
  const say = h("p", { class: "ci-status", role: "status", "aria-live": "polite" });
  const post = creator();
  const button = h("button", { type: "button", class: "btn btn-primary ci-button" }, t("ci.button"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    say.className = "ci-status";
    say.textContent = t("ci.locating");
    try {
      const pos = /** @type {GeolocationPosition} */ (await position());
      const body = { place, position: { lat: pos.coords.latitude, lon: pos.coords.longitude,
        accuracy_m: pos.coords.accuracy, taken_at: new Date(pos.timestamp).toISOString() } };
      if (opts.activity_id) body.activity_id = opts.activity_id;
      const made = await post("/api/v1/checkins", body);
      say.className = "ci-status ci-ok";
      say.textContent = t("ci.done", { distance: Math.round(made.distance_m).toLocaleString("en-US") });
      opts.done?.(made);
    } catch (err) {
      say.className = "ci-status form-error";
      say.textContent = checkinError(err);
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "ci" }, button, say);
}

/** One check-in in a history list. */
export const checkinItem = (/** @type {any} */ c) => h("li", { class: "ci-item" },
  h("time", { datetime: c.created_at }, formatDateTime(c.created_at, lang())), " · ",
  t("ci.entry", { user: userLabel(c.user_id), distance: Math.round(c.distance_m).toLocaleString("en-US") }),
  c.note ? h("span", { class: "muted" }, ` · ${c.note}`) : null);

/** An account's check-in button and its check-ins, newest first. */
export function checkinsSection(/** @type {string} */ accountId) {
  useCss();
  const id = nextId("ci");
  const list = h("ul", { class: "ci-list" });
  const status = h("p", { class: "muted" }, t("act.loading"));
  const load = () => api("/api/v1/checkins", { query: { account_id: accountId, limit: 20 } }).then((page) => {
    const items = asList(page);
    list.replaceChildren(...items.map(checkinItem));
    status.textContent = items.length ? "" : t("ci.empty");
  }, (err) => { status.textContent = err.status === 401 ? "" : errorMessage(err); });
  load();
  return h("section", { class: "ci-section stack-sm", "aria-labelledby": id },
    h("h3", { id }, t("ci.history")),
    checkinButton({ account_id: accountId }, { done: () => load() }), status, list);
}

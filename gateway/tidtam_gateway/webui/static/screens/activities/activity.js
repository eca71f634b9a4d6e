// @ts-check
// One activity: "#/activities/<id>" (its facts; mark done with a result, cancel, check in at
// its place), "#/activities/<id>/edit" and "#/activities/new?date=&lead_id=&account_id=&back="
// (the form: kind, subject, note, times or due, all day, place, reminders, owner).

import { api, creator } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, lang, t } from "../../i18n.js";
import { peoplePicker } from "../../people-picker.js";
import { busy, clearErrors, errorMessage, field, showErrors, state, userLabel } from "../../ui.js";
import { dateField } from "../../when.js";
import { checkinButton, kindLabel, KINDS, statusLabel, useCss, whenText } from "./parts.js";
import { formatDateTime } from "../../format.js";

addStrings({
  th: {
    "act.new": "กิจกรรมใหม่", "act.edit": "แก้ไขกิจกรรม", "act.editButton": "แก้ไข",
    "act.kind": "ประเภท", "act.subject": "เรื่อง", "act.note": "รายละเอียด",
    "act.starts": "เริ่ม", "act.ends": "สิ้นสุด", "act.due": "กำหนดเวลา", "act.allDayField": "ทั้งวัน",
    "act.placeText": "สถานที่", "act.lat": "ละติจูด", "act.lon": "ลองจิจูด",
    "act.placeHint": "ใส่ละติจูดและลองจิจูดคู่กัน เพื่อเช็กอินที่สถานที่นี้ได้",
    "act.reminders": "เตือนล่วงหน้า", "act.owner": "ผู้รับผิดชอบ",
    "act.rem.0": "ตรงเวลา", "act.rem.min": "{n} นาทีก่อน", "act.rem.hour": "{n} ชั่วโมงก่อน",
    "act.rem.day": "{n} วันก่อน",
    "act.save": "บันทึกกิจกรรม", "act.saved": "บันทึกกิจกรรม “{subject}” แล้ว", "act.cancelEdit": "ยกเลิก",
    "act.lead": "ลีด", "act.account": "ลูกค้า", "act.openLead": "เปิดลีด", "act.openAccount": "เปิดข้อมูลลูกค้า",
    "act.status": "สถานะ", "act.when": "เวลา", "act.result": "ผลลัพธ์", "act.place": "สถานที่",
    "act.complete": "ทำเสร็จแล้ว", "act.completeSubmit": "บันทึกว่าเสร็จ",
    "act.completed": "บันทึกว่าเสร็จแล้ว",
    "act.cancel": "ยกเลิกกิจกรรมนี้", "act.cancelled": "ยกเลิกกิจกรรมแล้ว",
    "act.cancelHint": "กิจกรรมที่ยกเลิกจะไม่แสดงในปฏิทิน และจะไม่มีการเตือน",
    "act.checkin": "เช็กอินที่สถานที่", "act.back": "กลับ",
  },
  en: {
    "act.new": "New activity", "act.edit": "Edit activity", "act.editButton": "Edit",
    "act.kind": "Kind", "act.subject": "Subject", "act.note": "Details",
    "act.starts": "Starts", "act.ends": "Ends", "act.due": "Due", "act.allDayField": "All day",
    "act.placeText": "Place", "act.lat": "Latitude", "act.lon": "Longitude",
    "act.placeHint": "Latitude and longitude together let you check in at this place",
    "act.reminders": "Remind me", "act.owner": "Assigned to",
    "act.rem.0": "At the time", "act.rem.min": "{n} minutes before", "act.rem.hour": "{n} hours before",
    "act.rem.day": "{n} days before",
    "act.save": "Save activity", "act.saved": "Activity “{subject}” saved", "act.cancelEdit": "Cancel",
    "act.lead": "Lead", "act.account": "Account", "act.openLead": "Open the lead", "act.openAccount": "Open the account",
    "act.status": "Status", "act.when": "When", "act.result": "Result", "act.place": "Place",
    "act.complete": "Mark done", "act.completeSubmit": "Mark as done",
    "act.completed": "Marked as done",
    "act.cancel": "Cancel this activity", "act.cancelled": "Activity cancelled",
    "act.cancelHint": "A cancelled activity leaves the calendar and reminds nobody",
    "act.checkin": "Check in at the place", "act.back": "Back",
  },
});

/** @typedef {import("../../types.js").Params} Params */
/** @typedef {import("../../types.js").App} App */

const PRESETS = [0, 10, 30, 60, 1440];
const url = (/** @type {string} */ id, tail = "") => `/api/v1/activities/${encodeURIComponent(id)}${tail}`;

/** "15 minutes before", "1 hours before", "1 days before". */
export function reminderText(/** @type {number} */ n) {
  if (!n) return t("act.rem.0");
  if (n % 1440 === 0) return t("act.rem.day", { n: n / 1440 });
  if (n % 60 === 0) return t("act.rem.hour", { n: n / 60 });
  return t("act.rem.min", { n });
}

/** @param {HTMLElement} root @param {Params} params @param {App} app */
export function mount(root, params, app) {
  useCss();
  const page = h("div", { class: "page act-page" });
  root.replaceChildren(page);
  let alive = true;
  if (params.view === "new") {
    renderForm(page, null, params, app);
  } else {
    page.append(h("p", { class: "muted" }, t("list.loading")));
    api(url(params.id)).then((a) => {
      if (!alive) return;
      if (params.view === "edit") renderForm(page, a, params, app);
      else renderView(page, a, app);
    }, (err) => {
      if (alive && err.status !== 401) page.replaceChildren(h("p", { class: "notice" }, errorMessage(err)));
    });
  }
  return () => { alive = false; };
}

function renderView(/** @type {HTMLElement} */ page, /** @type {any} */ a, /** @type {App} */ app) {
  const L = lang();
  const heading = h("h1", { tabindex: "-1", class: "act-title" }, a.subject);
  const row = (/** @type {string} */ key, /** @type {any} */ value) => (value ? [h("dt", {}, t(key)), h("dd", {}, value)] : null);
  const end = a.ends_at && !a.all_day ? ` – ${formatDateTime(a.ends_at, L)}` : "";
  const place = a.place ? [a.place.text, a.place.lat != null ? `${a.place.lat}, ${a.place.lon}` : null]
    .filter(Boolean).join(" · ") : "";
  const planned = a.status === "planned";
  const checkinPlace = a.place?.lat != null ? { lat: a.place.lat, lon: a.place.lon, name: a.place.text || undefined }
    : a.account_id ? { account_id: a.account_id } : null;
  page.replaceChildren(...[ // replaceChildren() would print null as text: drop what does not apply
    h("div", { class: "detail-head" }, heading,
      planned ? h("a", { class: "btn btn-sm", href: `#/activities/${encodeURIComponent(a.id)}/edit` }, t("act.editButton")) : null),
    h("dl", { class: "facts" },
      row("act.kind", kindLabel(a.kind)),
      row("act.status", `${statusLabel(a.status)}${a.overdue ? ` · ${t("act.overdue")}` : ""}`),
      row("act.when", whenText(a) ? `${whenText(a)}${end}` : ""),
      row("act.place", place),
      row("act.reminders", a.reminders?.length ? a.reminders.map(reminderText).join(", ") : ""),
      row("act.owner", userLabel(a.owner_id)),
      row("act.lead", a.lead_id ? h("a", { href: `#/leads/${encodeURIComponent(a.lead_id)}` }, t("act.openLead")) : null),
      row("act.account", a.account_id ? h("a", { href: `#/accounts/${encodeURIComponent(a.account_id)}` }, t("act.openAccount")) : null),
      row("act.note", a.note ? h("span", { class: "prewrap" }, a.note) : null),
      row("act.result", a.result ? h("span", { class: "prewrap" }, a.result) : null)),
    checkinPlace ? card("act.checkin", checkinButton(checkinPlace, { activity_id: a.id })) : null,
    planned ? completeCard(a, app) : null,
    planned ? cancelCard(a, app) : null].filter(Boolean));
  heading.focus();
}

function card(/** @type {string} */ key, /** @type {any[]} */ ...body) {
  const id = nextId("card");
  return h("section", { class: "action-card", "aria-labelledby": id }, h("h2", { id }, t(key)), ...body);
}

function completeCard(/** @type {any} */ a, /** @type {App} */ app) {
  const result = field({ name: "result", label: "act.result", control: "textarea", required: true,
                         attrs: { rows: 3, maxlength: 5000 } });
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const post = creator();
  const form = h("form", { class: "stack act-complete", novalidate: true }, result.wrap, general,
    h("div", {}, h("button", { type: "submit", class: "btn btn-primary" }, t("act.completeSubmit"))));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors({ result }, general);
    busy(form, async () => {
      try {
        await post(url(a.id, "/complete"), { result: /** @type {HTMLTextAreaElement} */ (result.input).value.trim() });
      } catch (err) {
        if (err.status !== 401) showErrors(err, { result }, general);
        return;
      }
      app.toast(t("act.completed"));
      renderReloaded(a.id, app);
    });
  });
  return card("act.complete", form);
}

function cancelCard(/** @type {any} */ a, /** @type {App} */ app) {
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const post = creator();
  const button = h("button", { type: "button", class: "btn btn-danger act-cancel" }, t("act.cancel"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await post(url(a.id, "/cancel"));
    } catch (err) {
      button.disabled = false;
      if (err.status !== 401) { general.textContent = errorMessage(err); general.hidden = false; }
      return;
    }
    app.toast(t("act.cancelled"));
    renderReloaded(a.id, app);
  });
  return h("section", { class: "action-card stack-sm" }, h("p", { class: "muted" }, t("act.cancelHint")), h("div", {}, button), general);
}

function renderReloaded(/** @type {string} */ id, /** @type {App} */ app) {
  const page = /** @type {HTMLElement | null} */ (document.querySelector(".act-page"));
  api(url(id)).then((a) => { if (page && document.contains(page)) renderView(page, a, app); },
    (err) => app.toast(errorMessage(err), "error"));
}

/** The value of a datetime for the picker: a day from the calendar starts at 09:00 local. */
const initialTime = (/** @type {string | undefined} */ day) => (day && /^\d{4}-\d{2}-\d{2}$/.test(day) ? `${day}T09:00` : null);

/** The form for a new activity (`a` null) or an edit. */
function renderForm(/** @type {HTMLElement} */ page, /** @type {any} */ a, /** @type {Params} */ params, /** @type {App} */ app) {
  const of = { lead_id: a ? a.lead_id : params.lead_id || null, account_id: a ? a.account_id : params.account_id || null };
  const kind = field({ name: "kind", label: "act.kind", control: "select",
                       options: KINDS.map((k) => [k, kindLabel(k)]) });
  /** @type {HTMLSelectElement} */ (kind.input).value = a?.kind || (params.kind && KINDS.includes(params.kind) ? params.kind : "task");
  const subject = field({ name: "subject", label: "act.subject", required: true, attrs: { maxlength: 200, value: a?.subject || "" } });
  const note = field({ name: "note", label: "act.note", control: "textarea", attrs: { rows: 3, maxlength: 5000 } });
  /** @type {HTMLTextAreaElement} */ (note.input).value = a?.note || "";
  const start = initialTime(params.date);
  const starts = dateField({ name: "starts_at", label: "act.starts", time: true, value: a ? a.starts_at : start });
  const ends = dateField({ name: "ends_at", label: "act.ends", time: true, value: a ? a.ends_at : null });
  const due = dateField({ name: "due_at", label: "act.due", time: true, value: a ? a.due_at : start });
  const allDayId = nextId("allday");
  const allDay = h("input", { type: "checkbox", id: allDayId, name: "all_day", checked: !!a?.all_day });
  const placeText = field({ name: "place", label: "act.placeText", attrs: { maxlength: 300, value: a?.place?.text || "" } });
  const lat = field({ name: "lat", label: "act.lat", type: "number", hint: "act.placeHint",
                      attrs: { step: "any", min: -90, max: 90, value: a?.place?.lat ?? "" } });
  const lon = field({ name: "lon", label: "act.lon", type: "number", attrs: { step: "any", min: -180, max: 180, value: a?.place?.lon ?? "" } });
  const chosen = new Set(a?.reminders || []);
  const minutes = [...new Set([...PRESETS, ...chosen])].sort((x, y) => x - y);
  const reminderBoxes = minutes.map((n) => h("input", { type: "checkbox", name: "reminders", value: String(n), checked: chosen.has(n) }));
  const reminders = { wrap: h("fieldset", { class: "choices act-reminders" }, h("legend", {}, t("act.reminders")),
    reminderBoxes.map((box, i) => h("label", { class: "choice" }, box, " ", reminderText(minutes[i])))),
  input: reminderBoxes[0], error: h("p", { class: "field-error", hidden: true }) };
  reminders.wrap.append(reminders.error);
  const manager = state.me && ["manager", "admin"].includes(state.me.role);
  const owner = manager ? peoplePicker({ name: "owner_id", label: "act.owner", value: a?.owner_id || state.me?.id || "" }) : null;
  const fields = { kind, subject, note, starts_at: starts, ends_at: ends, due_at: due, place: placeText,
                   reminders, ...(owner ? { owner_id: owner } : {}) };
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const showTimes = () => {
    const meeting = /** @type {HTMLSelectElement} */ (kind.input).value === "meeting";
    starts.wrap.hidden = !meeting;
    ends.wrap.hidden = !meeting;
    due.wrap.hidden = meeting;
  };
  kind.input.addEventListener("change", showTimes);
  showTimes();
  const back = params.back && params.back.startsWith("#/") ? params.back : "";
  const heading = h("h1", { tabindex: "-1" }, t(a ? "act.edit" : "act.new"));
  const cancelHref = a ? `#/activities/${encodeURIComponent(a.id)}` : back || "#/calendar";
  const form = h("form", { class: "stack act-form", novalidate: true },
    kind.wrap, subject.wrap,
    starts.wrap, ends.wrap, due.wrap,
    h("label", { class: "choice", for: allDayId }, allDay, " ", t("act.allDayField")),
    placeText.wrap, h("div", { class: "grid-2" }, lat.wrap, lon.wrap),
    reminders.wrap, owner ? owner.wrap : null, note.wrap, general,
    h("div", { class: "form-actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, t("act.save")),
      h("a", { class: "btn", href: cancelHref }, t("act.cancelEdit"))));
  const post = creator();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(fields, general);
    const meeting = /** @type {HTMLSelectElement} */ (kind.input).value === "meeting";
    const times = meeting ? { starts_at: starts.read(), ends_at: ends.read(), due_at: "" } : { starts_at: "", ends_at: "", due_at: due.read() };
    const bad = Object.entries(times).filter(([, v]) => v === null);
    for (const [name] of bad) { fields[name].error.textContent = t("when.invalid"); fields[name].error.hidden = false; }
    if (bad.length) return;
    const latV = /** @type {HTMLInputElement} */ (lat.input).value;
    const lonV = /** @type {HTMLInputElement} */ (lon.input).value;
    const text = /** @type {HTMLInputElement} */ (placeText.input).value.trim();
    const place = text || latV || lonV ? { text: text || null, lat: latV === "" ? null : Number(latV), lon: lonV === "" ? null : Number(lonV) } : null;
    /** @type {Record<string, any>} */
    const body = {
      kind: /** @type {HTMLSelectElement} */ (kind.input).value,
      subject: /** @type {HTMLInputElement} */ (subject.input).value.trim(),
      note: /** @type {HTMLTextAreaElement} */ (note.input).value.trim() || null,
      starts_at: times.starts_at || null, ends_at: times.ends_at || null, due_at: times.due_at || null,
      all_day: allDay.checked, place,
      reminders: reminderBoxes.filter((b) => b.checked).map((b) => Number(b.value)),
    };
    if (owner && owner.value()) body.owner_id = owner.value();
    if (!a) { for (const [k, v] of Object.entries(of)) if (v) body[k] = v; }
    busy(form, async () => {
      let saved;
      try {
        saved = a ? await api(url(a.id), { method: "PATCH", json: body }) : await post("/api/v1/activities", body);
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general);
        return;
      }
      app.toast(t("act.saved", { subject: saved.subject }));
      app.navigate(!a && back ? back : `#/activities/${encodeURIComponent(saved.id)}`, { replace: true });
    });
  });
  page.replaceChildren(...[heading,
    of.lead_id ? h("p", {}, h("a", { href: `#/leads/${encodeURIComponent(of.lead_id)}` }, `${t("act.lead")}: ${t("act.openLead")}`)) : null,
    of.account_id ? h("p", {}, h("a", { href: `#/accounts/${encodeURIComponent(of.account_id)}` }, `${t("act.account")}: ${t("act.openAccount")}`)) : null,
    form].filter(Boolean));
  heading.focus();
}

// @ts-check
// A date (and time) picker that shows the year in the user's calendar: Buddhist Era in Thai
// (2568), Gregorian in English; the browser's own date input would show mm/dd/yyyy. Day,
// month and year are selects (keyboard and screen-reader friendly), the time a 24-hour input.

import { h, nextId } from "./dom.js";
import { formatDate, formatDateTime } from "./format.js";
import { addStrings, lang, t } from "./i18n.js";

addStrings({
  th: { "when.day": "วันที่", "when.month": "เดือน", "when.year": "ปี (พ.ศ.)", "when.time": "เวลา",
        "when.clear": "ล้าง", "when.invalid": "วันที่ไม่ครบหรือไม่มีอยู่จริง" },
  en: { "when.day": "Day", "when.month": "Month", "when.year": "Year", "when.time": "Time",
        "when.clear": "Clear", "when.invalid": "The date is incomplete or does not exist" },
});

const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");

/** "2025-03-07" (a date) or an ISO date-time → its local parts; null for empty/bad. */
export function partsOf(/** @type {string | null | undefined} */ value, withTime = false) {
  if (!value) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m && !withTime ? new Date(+m[1], +m[2] - 1, +m[3]) : new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  return { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(),
           time: `${pad(d.getHours())}:${pad(d.getMinutes())}` };
}

/**
 * The value of chosen parts: "" when nothing is chosen, null when incomplete or not a day of
 * the calendar (31 February), else "YYYY-MM-DD" or, with a time, an ISO date-time in UTC.
 * @param {{year: string, month: string, day: string, time?: string}} p
 * @param {boolean} withTime
 */
export function valueOf(p, withTime) {
  const picked = [p.year, p.month, p.day].filter(Boolean).length;
  if (!picked && !(withTime && p.time)) return "";
  if (picked < 3) return null;
  const [hh, mm] = withTime && p.time ? p.time.split(":").map(Number) : [9, 0];
  const d = new Date(+p.year, +p.month - 1, +p.day, hh, mm);
  if (d.getDate() !== +p.day || d.getMonth() !== +p.month - 1) return null;
  return withTime ? d.toISOString() : `${p.year}-${pad(+p.month)}-${pad(+p.day)}`;
}

/**
 * A labelled date picker {wrap, input, error, read()}: read() gives valueOf(); `input` is the
 * first select (errors point at it). With `time`, a time input follows.
 * @param {{name: string, label: string, time?: boolean, value?: string | null, required?: boolean}} spec
 */
export function dateField({ name, label, time = false, value = null, required = false }) {
  const L = lang();
  const id = nextId(name);
  const now = new Date().getFullYear();
  const current = partsOf(value, time);
  const years = [];
  for (let y = Math.min(now - 1, current?.year ?? now); y <= Math.max(now + 3, current?.year ?? now); y++) years.push(y);
  const monthName = new Intl.DateTimeFormat(L === "th" ? "th-TH" : "en-GB", { month: "long" });
  const select = (/** @type {string} */ part, /** @type {[number, string][]} */ options, /** @type {number | undefined} */ chosen) => {
    const el = h("select", { id: part === "day" ? id : `${id}-${part}`, name: `${name}.${part}`,
                             "aria-label": t(`when.${part}`), "aria-describedby": `${id}-shown ${id}-err` },
      h("option", { value: "" }, "—"),
      options.map(([v, text]) => h("option", { value: String(v), selected: v === chosen }, text)));
    el.value = chosen ? String(chosen) : "";
    return el;
  };
  const day = select("day", Array.from({ length: 31 }, (_, i) => [i + 1, String(i + 1)]), current?.day);
  const month = select("month", Array.from({ length: 12 }, (_, i) => [i + 1, monthName.format(new Date(2025, i, 1))]),
    current?.month);
  const year = select("year", years.map((y) => [y, String(L === "th" ? y + 543 : y)]), current?.year);
  const clock = time ? h("input", { type: "time", name: `${name}.time`, "aria-label": t("when.time"),
                                    value: current?.time || "", class: "when-time" }) : null;
  const shown = h("p", { class: "hint", id: `${id}-shown`, "aria-live": "polite" });
  const error = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
  const read = () => valueOf({ year: year.value, month: month.value, day: day.value, time: clock?.value }, time);
  const show = () => {
    const v = read();
    shown.textContent = v === null ? t("when.invalid") : v ? (time ? formatDateTime(v, L) : formatDate(v, L)) : "";
  };
  const clear = h("button", { type: "button", class: "btn btn-sm", onclick: () => {
    for (const el of [day, month, year]) el.value = "";
    if (clock) clock.value = "";
    show();
  } }, t("when.clear"));
  for (const el of [day, month, year, clock]) el?.addEventListener("change", show);
  show();
  const legend = h("legend", {}, t(label), required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null);
  const wrap = h("fieldset", { class: "field when" }, legend,
    h("div", { class: "when-parts" }, day, month, year, clock, clear), shown, error);
  return { wrap, input: day, error, read };
}

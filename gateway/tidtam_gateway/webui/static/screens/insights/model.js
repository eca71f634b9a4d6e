// @ts-check
// The insights page's logic, apart from the DOM: the reports and what each one charts, the
// filters as they travel in the link and to the API, the export link, and every cell as the
// user reads it (baht, percent, days, a month in the user's calendar, a person's or a stage's
// name). The API's answer has one shape for every report (GET /api/v1/insights/{report}):
// {report, from, to, time_zone, columns: [{key, kind}], rows: [{…}], totals: {…}}.

import { formatBaht } from "../../format.js";
import { addStrings, has, lang, t } from "../../i18n.js";
import { sourceLabel, stageLabel, userLabel } from "../../ui.js";

addStrings({
  th: {
    "ins.r.funnel": "ช่องทางสู่การขาย", "ins.r.pipeline": "มูลค่าตามขั้นตอน", "ins.r.forecast": "คาดการณ์ยอดขาย",
    "ins.r.won": "ยอดขายที่ปิดได้", "ins.r.lost": "ดีลที่ไม่สำเร็จ", "ins.r.sources": "ลีดตามช่องทาง",
    "ins.r.activities": "กิจกรรม", "ins.r.targets": "เป้าการขาย",
    "ins.d.funnel": "ลีดที่สร้าง ผ่านการคัดกรอง และแปลงเป็นลูกค้า แยกตามช่องทาง",
    "ins.d.pipeline": "ดีลที่เปิดอยู่ มูลค่ารวมและมูลค่าถ่วงน้ำหนักตามโอกาสสำเร็จ แยกตามขั้นตอน",
    "ins.d.forecast": "ดีลที่เปิดอยู่ตามเดือนที่คาดว่าจะปิดการขาย",
    "ins.d.won": "จำนวนและมูลค่าที่ปิดการขายได้ อัตราการปิดการขาย และจำนวนวันเฉลี่ยจนปิด",
    "ins.d.lost": "ดีลที่ไม่สำเร็จ แยกตามเหตุผล",
    "ins.d.sources": "ลีดแต่ละช่องทางและอัตราการแปลงเป็นลูกค้า",
    "ins.d.activities": "จำนวนกิจกรรมแต่ละประเภทของแต่ละคน",
    "ins.d.targets": "เป้าการขายรายเดือนของแต่ละคนเทียบกับยอดที่ปิดได้",
    "ins.c.source": "ช่องทาง", "ins.c.created": "สร้าง", "ins.c.qualified": "ผ่านการคัดกรอง",
    "ins.c.converted": "แปลงเป็นลูกค้า", "ins.c.stage": "ขั้นตอน", "ins.c.deals": "ดีล",
    "ins.c.amount": "มูลค่า (บาท)", "ins.c.weighted": "มูลค่าถ่วงน้ำหนัก (บาท)", "ins.c.month": "เดือน",
    "ins.c.user": "พนักงานขาย", "ins.c.team": "ทีม", "ins.c.won_count": "ปิดได้ (ดีล)",
    "ins.c.won_amount": "ยอดที่ปิดได้ (บาท)", "ins.c.lost_count": "ไม่สำเร็จ (ดีล)",
    "ins.c.win_rate": "อัตราการปิดการขาย", "ins.c.avg_days_to_close": "วันเฉลี่ยจนปิด",
    "ins.c.reason": "เหตุผล", "ins.c.leads": "ลีด", "ins.c.conversion_rate": "อัตราการแปลง",
    "ins.c.task": "งาน", "ins.c.meeting": "นัดพบ", "ins.c.call": "โทร", "ins.c.email": "อีเมล",
    "ins.c.checkin": "เช็กอิน", "ins.c.total": "รวม", "ins.c.target": "เป้า (บาท)",
    "ins.c.attainment": "ทำได้ตามเป้า",
    "ins.none": "ไม่ระบุ", "ins.days": "{n} วัน",
  },
  en: {
    "ins.r.funnel": "Lead funnel", "ins.r.pipeline": "Pipeline value", "ins.r.forecast": "Forecast",
    "ins.r.won": "Won deals", "ins.r.lost": "Lost deals", "ins.r.sources": "Lead sources",
    "ins.r.activities": "Activities", "ins.r.targets": "Sales targets",
    "ins.d.funnel": "Leads created, qualified and converted, per source",
    "ins.d.pipeline": "Open deals by stage: their amount and their probability-weighted amount",
    "ins.d.forecast": "Open deals by the month they are expected to close",
    "ins.d.won": "Deals won (count and value), win rate and average days to close",
    "ins.d.lost": "Lost deals by reason",
    "ins.d.sources": "Leads per source and how many became customers",
    "ins.d.activities": "Activities of each kind, per person",
    "ins.d.targets": "Each person's monthly sales target against the value won",
    "ins.c.source": "Source", "ins.c.created": "Created", "ins.c.qualified": "Qualified",
    "ins.c.converted": "Converted", "ins.c.stage": "Stage", "ins.c.deals": "Deals",
    "ins.c.amount": "Amount (THB)", "ins.c.weighted": "Weighted (THB)", "ins.c.month": "Month",
    "ins.c.user": "Salesperson", "ins.c.team": "Team", "ins.c.won_count": "Won (deals)",
    "ins.c.won_amount": "Won value (THB)", "ins.c.lost_count": "Lost (deals)",
    "ins.c.win_rate": "Win rate", "ins.c.avg_days_to_close": "Avg. days to close",
    "ins.c.reason": "Reason", "ins.c.leads": "Leads", "ins.c.conversion_rate": "Conversion rate",
    "ins.c.task": "Tasks", "ins.c.meeting": "Meetings", "ins.c.call": "Calls", "ins.c.email": "Emails",
    "ins.c.checkin": "Check-ins", "ins.c.total": "Total", "ins.c.target": "Target (THB)",
    "ins.c.attainment": "Attainment",
    "ins.none": "Not given", "ins.days": "{n} days",
  },
});

/** The reports, in the order the page offers them. */
export const REPORTS = ["funnel", "pipeline", "forecast", "won", "lost", "sources", "activities", "targets"];

/** What each report charts (the columns drawn as series; the others are in the table only). */
export const CHARTED = {
  funnel: ["created", "qualified", "converted"],
  pipeline: ["amount", "weighted"],
  forecast: ["amount", "weighted"],
  won: ["won_amount"],
  lost: ["amount"],
  sources: ["leads", "converted"],
  activities: ["task", "meeting", "call", "email", "checkin"],
  targets: ["target", "won_amount"],
};

/** The won report's groupings (group_by). */
export const GROUPS = ["user", "team", "month"];

/** The filters, as named in the link and in the API's query. */
export const FILTERS = ["from", "to", "team_id", "user_id", "pipeline_id", "source", "group_by"];

const NUMERIC = new Set(["count", "money", "percent", "days"]);
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[0-9A-Za-z_-]{1,64}$/;

/** The report a link names ("funnel" when none, null for an unknown one). */
export const reportOf = (/** @type {string | undefined} */ name) =>
  !name ? "funnel" : (REPORTS.includes(name) ? name : null);

/**
 * The filters of a link's query that the API takes, checked (a hand-edited link with a bad
 * date or id is dropped rather than sent to be refused): {from, to, team_id, …}.
 * group_by only for the won report.
 * @param {Record<string, string>} params @param {string} report
 * @returns {Record<string, string>}
 */
export function filtersOf(params, report) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const key of FILTERS) {
    const v = (params[key] || "").trim();
    if (!v) continue;
    if ((key === "from" || key === "to") && !DAY.test(v)) continue;
    if (key.endsWith("_id") && !ID.test(v)) continue;
    if (key === "group_by" && (report !== "won" || !GROUPS.includes(v))) continue;
    if (key === "source" && v.length > 64) continue;
    out[key] = v;
  }
  return out;
}

/** The "?a=b" of `query` (empty values left out), or "". */
export function queryString(/** @type {Record<string, string | undefined | null>} */ query) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const qs = params.toString();
  return qs ? `?${qs}` : "";
}

/** The page's link for a report with filters: "#/insights/won?from=…". */
export const pageHref = (/** @type {string} */ report, /** @type {Record<string, string>} */ filters) =>
  `#/insights/${report}${queryString(filtersOf(filters, report))}`;

/** The report's .xlsx: the same filters, headers in the UI's language. */
export const exportHref = (/** @type {string} */ report, /** @type {Record<string, string>} */ filters, L = lang()) =>
  `/api/v1/insights/${report}/export${queryString({ ...filtersOf(filters, report), lang: L })}`;

/** The file name a download is saved under: insights-won-2026-01-01-2026-12-31.xlsx. */
export const fileName = (/** @type {string} */ report, /** @type {{from?: string, to?: string}} */ data) =>
  `insights-${report}${data.from ? `-${data.from}` : ""}${data.to ? `-${data.to}` : ""}.xlsx`;

/** @typedef {{key: string, kind: string}} Column */

/** A column's heading: its own string, else the key as sent. */
export const columnLabel = (/** @type {Column} */ c) => (has(`ins.c.${c.key}`) ? t(`ins.c.${c.key}`) : c.key);

/** Is the column a figure (counted, summed: right-aligned, chartable)? */
export const isFigure = (/** @type {Column} */ c) => NUMERIC.has(c.kind);

/** The column each row is named by: the first that is not a figure. */
export const categoryColumn = (/** @type {Column[]} */ columns) => columns.find((c) => !isFigure(c)) || null;

/** "2026-02" → "ก.พ. 2569" (th) or "Feb 2026" (en). */
export function monthText(/** @type {string} */ value, L = lang()) {
  const m = /^(\d{4})-(\d{2})$/.exec(value || "");
  if (!m) return value || "";
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, 1));
  return new Intl.DateTimeFormat(L === "en" ? "en-GB-u-ca-gregory" : "th-TH-u-ca-buddhist",
    { month: "short", year: "numeric", timeZone: "UTC" }).format(d);
}

const number = (/** @type {number} */ n, digits = 0, L = lang()) =>
  new Intl.NumberFormat(L === "en" ? "en-US" : "th-TH",
    { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);

/**
 * A value as the user reads it: `kind` is the column's; `row` gives a person's, a team's or
 * a stage's name ("<key>_name") beside its id.
 * @param {Column} column @param {Record<string, any>} row
 */
export function cellText(column, row, L = lang()) {
  const v = row[column.key];
  const named = row[`${column.key}_name`];
  switch (column.kind) {
    case "money": return v === null || v === undefined || v === "" ? "" : formatBaht(v, L) || String(v);
    case "count": return v === null || v === undefined ? "" : number(Number(v), 0, L);
    case "percent": return v === null || v === undefined ? "—" : `${number(Number(v), 1, L)} %`;
    case "days": return v === null || v === undefined ? "—" : t("ins.days", { n: number(Number(v), 1, L) });
    case "month": return monthText(v, L);
    case "user": return named || (v ? userLabel(v) : t("ins.none"));
    case "team": return named || v || t("ins.none");
    case "stage": return named || (v ? stageLabel(v) || v : t("ins.none"));
    case "source": return v ? sourceLabel(v) : t("ins.none");
    case "reason": return v || t("ins.none");
    default: return v === null || v === undefined ? "" : String(v);
  }
}

/** "1234567.5" → "฿1.2M" / "฿1.2 ล้าน": the scale's ticks. */
export function compact(/** @type {number} */ n, money = false, L = lang()) {
  const text = new Intl.NumberFormat(L === "en" ? "en-US" : "th-TH",
    { notation: "compact", maximumFractionDigits: 1 }).format(n);
  return money ? `฿${text}` : text;
}

/**
 * The chart of an answer: the categories (each row's name), a series per charted column
 * that the answer has, drawn as a line over months, as bars otherwise. Null when there is
 * nothing to draw.
 * @param {string} report
 * @param {{columns: Column[], rows: Record<string, any>[]}} data
 * @returns {import("./chart.js").ChartSpec | null}
 */
export function chartOf(report, data, L = lang()) {
  const columns = data.columns || [];
  const rows = data.rows || [];
  const category = categoryColumn(columns);
  if (!category || !rows.length) return null;
  const wanted = CHARTED[report] || [];
  let charted = columns.filter((c) => wanted.includes(c.key) && isFigure(c));
  if (!charted.length) charted = columns.filter((c) => c.kind === "money" || c.kind === "count").slice(0, 3);
  if (!charted.length) return null;
  // Targets: one bar group per person and month ("สมชาย · ม.ค. 2569").
  const second = report === "targets" ? columns.find((c) => c !== category && !isFigure(c)) : null;
  const categories = rows.map((r) => [cellText(category, r, L), second ? cellText(second, r, L) : ""]
    .filter(Boolean).join(" · "));
  const money = charted.every((c) => c.kind === "money");
  return {
    kind: category.kind === "month" && rows.length > 1 ? "line" : "bar",
    categories,
    series: charted.map((c) => ({ label: columnLabel(c), values: rows.map((r) => Number(r[c.key])),
                                  text: rows.map((r) => cellText(c, r, L)) })),
    label: `${t(`ins.r.${report}`)}: ${charted.map(columnLabel).join(", ")}`,
    tick: (n) => compact(n, money, L),
  };
}

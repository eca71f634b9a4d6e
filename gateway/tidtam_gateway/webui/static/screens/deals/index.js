// @ts-check
// The deals screens' routes and nav links (routes.js spreads them into its tables), the words
// every deals screen shares (statuses, fields, the history's changes), and their styles.

import { h } from "../../dom.js";
import { formatBaht, formatDate } from "../../format.js";
import { addStrings, has, lang, t } from "../../i18n.js";
import { stageLabel, state, stageName, userLabel } from "../../ui.js";

addStrings({
  th: {
    "nav.deals": "ดีล", "nav.dealList": "ดีลทั้งหมด", "nav.dealBoard": "บอร์ดดีล", "nav.dealNew": "สร้างดีล",
    "deal.title": "ดีล", "deal.status": "สถานะ", "deal.status.open": "กำลังดำเนินการ",
    "deal.status.won": "ขายได้", "deal.status.lost": "ขายไม่ได้",
    "deal.f.name": "ชื่อดีล", "deal.f.account_id": "ลูกค้า", "deal.f.contact_id": "ผู้ติดต่อ",
    "deal.f.owner_id": "ผู้ดูแล", "deal.f.pipeline_id": "ไปป์ไลน์", "deal.f.stage_id": "ขั้นตอน",
    "deal.f.amount": "มูลค่า (บาท)", "deal.f.expected_close": "คาดว่าจะปิดการขาย",
    "deal.f.probability": "โอกาสสำเร็จ (%)", "deal.f.status": "สถานะ", "deal.f.lost_reason": "เหตุผลที่ขายไม่ได้",
    "deal.f.closed_on": "วันที่ปิดการขาย", "deal.f.lead_id": "ลีดต้นทาง", "deal.f.created_at": "วันที่สร้าง",
    "deal.f.other": "ข้อมูลอื่น", "deal.f.lines": "รายการสินค้า", "deal.f.amount_source": "ที่มาของมูลค่า",
    "deal.f.probability_typed": "โอกาสสำเร็จที่กำหนดเอง", "deal.f.weighted_amount": "มูลค่าถ่วงน้ำหนัก",
    "deal.source.typed": "กรอกเอง", "deal.source.lines": "รวมจากรายการสินค้า", "deal.source.quote": "จากใบเสนอราคาที่ลูกค้าตกลง",
    "deal.yes": "ใช่", "deal.no": "ไม่ (ค่าเริ่มต้นของขั้นตอน)", "deal.stageDefault": "ค่าเริ่มต้นของขั้นตอน", "deal.linesCount": "{n} รายการ",
    "deal.empty": "—", "deal.percent": "{n}%", "deal.system": "ระบบ",
    "deal.openAccount": "เปิดข้อมูลลูกค้า", "deal.openLead": "เปิดลีดต้นทาง",
    "deal.refused.back": "ย้ายไม่ได้: บริษัทไม่อนุญาตให้ย้ายดีลย้อนกลับไปขั้นตอนก่อนหน้า (ผู้ดูแลระบบเปิดได้ที่หน้าตั้งค่า)",
    "deal.refused.readOnly": "ย้ายไม่ได้: คุณดูดีลนี้ได้อย่างเดียว",
    "deal.refused.gone": "ย้ายไม่ได้: ดีลนี้ไม่อยู่ในมุมมองของคุณแล้ว",
    "err.code.already_won": "ดีลนี้ปิดการขายได้แล้ว", "err.code.already_lost": "ดีลนี้ปิดว่าขายไม่ได้แล้ว",
    "err.code.already_open": "ดีลนี้เปิดอยู่แล้ว",
    "err.code.stage_back_not_allowed": "บริษัทไม่อนุญาตให้ย้ายกลับไปขั้นตอนก่อนหน้า (ผู้ดูแลระบบเปิดได้ที่หน้าตั้งค่า)",
  },
  en: {
    "nav.deals": "Deals", "nav.dealList": "All deals", "nav.dealBoard": "Deals board", "nav.dealNew": "New deal",
    "deal.title": "Deal", "deal.status": "Status", "deal.status.open": "Open",
    "deal.status.won": "Won", "deal.status.lost": "Lost",
    "deal.f.name": "Deal name", "deal.f.account_id": "Account", "deal.f.contact_id": "Contact",
    "deal.f.owner_id": "Owner", "deal.f.pipeline_id": "Pipeline", "deal.f.stage_id": "Stage",
    "deal.f.amount": "Amount (THB)", "deal.f.expected_close": "Expected close",
    "deal.f.probability": "Probability (%)", "deal.f.status": "Status", "deal.f.lost_reason": "Lost because",
    "deal.f.closed_on": "Closed on", "deal.f.lead_id": "From the lead", "deal.f.created_at": "Created",
    "deal.f.other": "Other detail", "deal.f.lines": "Product lines", "deal.f.amount_source": "Amount from",
    "deal.f.probability_typed": "Probability set by hand", "deal.f.weighted_amount": "Weighted amount",
    "deal.source.typed": "typed", "deal.source.lines": "the sum of the product lines", "deal.source.quote": "the accepted quotation",
    "deal.yes": "Yes", "deal.no": "No (the stage's default)", "deal.stageDefault": "the stage's default", "deal.linesCount": "{n} lines",
    "deal.empty": "—", "deal.percent": "{n}%", "deal.system": "System",
    "deal.openAccount": "Open the account", "deal.openLead": "Open the lead it came from",
    "deal.refused.back": "Not moved: your company does not allow moving a deal back to an earlier stage (an admin can allow it in Settings)",
    "deal.refused.readOnly": "Not moved: you may only view this deal",
    "deal.refused.gone": "Not moved: this deal is no longer visible to you",
    "err.code.already_won": "This deal is already won", "err.code.already_lost": "This deal is already lost",
    "err.code.already_open": "This deal is already open",
    "err.code.stage_back_not_allowed": "Your company does not allow moving back to an earlier stage (an admin can allow it in Settings)",
  },
});

/** @typedef {import("../../types.js").Route} Route */
/** @typedef {import("../../types.js").NavLink} NavLink */

/** A deal as the API answers it (DealOut). @typedef {{id: string, name: string, account_id: string,
 *  contact_id: string|null, owner_id: string, pipeline_id: string, stage_id: string,
 *  amount: string|null, expected_close: string|null, probability: number|null,
 *  status: string, lost_reason: string|null, closed_on: string|null, lead_id: string|null,
 *  version: number, created_at: string, updated_at: string, read_only: boolean,
 *  lines?: import("./lines.js").Line[], amount_source?: string|null, probability_typed?: boolean,
 *  weighted_amount?: string|null}} Deal  (lines … weighted_amount: with product lines, issue 16) */

export const STATUSES = ["open", "won", "lost"];

/** @type {Route[]} "board" and "new" before ":id" (the first route that matches wins). */
export const DEAL_ROUTES = [
  { path: "/deals", load: () => import("./list.js"), title: "nav.dealList" },
  { path: "/deals/new", load: () => import("./form.js"), title: "nav.dealNew", params: { view: "new" } },
  { path: "/deals/board", load: () => import("./board.js"), title: "nav.dealBoard" },
  { path: "/deals/board/:pipelineId", load: () => import("./board.js"), title: "nav.dealBoard" },
  { path: "/deals/:id", load: () => import("./deal.js"), title: "deal.title" },
  { path: "/deals/:id/edit", load: () => import("./form.js"), title: "deal.title", params: { view: "edit" } },
];

/** @type {NavLink[]} */
export const DEAL_NAV = [
  { group: "deals", href: "#/deals?status=open", label: "nav.dealList" },
  { group: "deals", href: "#/deals/board", label: "nav.dealBoard" },
  { group: "deals", href: "#/deals/new", label: "nav.dealNew" },
];

/** The API path of a deal (and of its actions). */
export const dealUrl = (/** @type {string} */ id, tail = "") => `/api/v1/deals/${encodeURIComponent(id)}${tail}`;
/** The UI link of a deal. */
export const dealHref = (/** @type {string} */ id) => `#/deals/${encodeURIComponent(id)}`;

/** A status in words, never its key. */
export const statusLabel = (/** @type {string} */ status) =>
  (has(`deal.status.${status}`) ? t(`deal.status.${status}`) : status);

/** A status badge. */
export const statusBadge = (/** @type {string} */ status) =>
  h("span", { class: `badge deal-status deal-status-${status}` }, statusLabel(status));

/** A pipeline's name in the UI's language ("" for one the tenant no longer has). */
export function pipelineLabel(/** @type {string|null} */ id) {
  const p = state.pipelines.find((x) => x.id === id);
  return p ? stageName(p) : "";
}

/** A field's label in the history and the facts (unknown fields: "Other detail"). */
export const fieldLabel = (/** @type {string} */ key) =>
  (has(`deal.f.${key}`) ? t(`deal.f.${key}`) : t("deal.f.other"));

/**
 * One value of a deal's field as shown (a stage, a person, baht, a date, a status, a %).
 * `names` names what the catalogues do not know (the account's contacts).
 * @param {string} key @param {unknown} value @param {Map<string, string>} [names]
 */
export function fieldValue(key, value, names = new Map()) {
  if (value === null || value === undefined || value === "") return t("deal.empty");
  const L = lang();
  const v = String(value);
  switch (key) {
    case "stage_id": return stageLabel(v) || `${v.slice(0, 8)}…`;
    case "pipeline_id": return pipelineLabel(v) || `${v.slice(0, 8)}…`;
    case "owner_id": return userLabel(v);
    case "contact_id": case "account_id": return names.get(v) || `${v.slice(0, 8)}…`;
    case "amount": case "weighted_amount": return formatBaht(v, L);
    case "amount_source": return has(`deal.source.${v}`) ? t(`deal.source.${v}`) : v;
    case "probability_typed": return t(value === true ? "deal.yes" : "deal.no");
    case "lines": return Array.isArray(value) ? linesSummary(value) : v;
    case "expected_close": case "closed_on": return formatDate(v, L);
    case "probability": return t("deal.percent", { n: v });
    case "status": return statusLabel(v);
    default: return typeof value === "object" ? JSON.stringify(value) : v;
  }
}

/** "2 lines: กล้อง × 2, ค่าติดตั้ง × 1.5" (a history entry's lines, short). */
function linesSummary(/** @type {any[]} */ lines) {
  if (!lines.length) return t("deal.empty");
  return `${t("deal.linesCount", { n: lines.length })}: ${lines.map((l) => `${l.name ?? ""} × ${Number(l.quantity)}`).join(", ")}`;
}

let styled = false;
/** The deals screens' styles (and the board's, which they reuse), added once. */
export function useDealStyles() {
  if (styled || typeof document.head?.append !== "function") return;
  styled = true;
  document.head.append(h("link", { rel: "stylesheet", href: "/ui/static/screens/deals/deals.css" }));
}

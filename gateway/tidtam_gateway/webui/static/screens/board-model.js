// @ts-check
// The pipeline boards' logic, without the DOM: cards (leads, deals) grouped into their stage's
// column with counts and sums, a card moved between columns, and why the API refused a move,
// in words (each board names its own kind of card: `refusal(err, keys)`).

import { ApiError } from "../api.js";
import { errorText } from "../errors.js";
import { addStrings, t } from "../i18n.js";

addStrings({
  th: {
    "board.refused.back": "ย้ายไม่ได้: บริษัทไม่อนุญาตให้ย้ายลีดย้อนกลับไปขั้นตอนก่อนหน้า (ผู้ดูแลระบบเปิดได้ที่หน้าตั้งค่า)",
    "board.refused.readOnly": "ย้ายไม่ได้: คุณดูลีดรายนี้ได้อย่างเดียว",
    "board.refused.gone": "ย้ายไม่ได้: ลีดรายนี้ไม่อยู่ในมุมมองของคุณแล้ว",
  },
  en: {
    "board.refused.back": "Not moved: your company does not allow moving a lead back to an earlier stage (an admin can allow it in Settings)",
    "board.refused.readOnly": "Not moved: you may only view this lead",
    "board.refused.gone": "Not moved: this lead is no longer visible to you",
  },
});

/** @typedef {{id: string, name: string, stage_id: string|null, potential?: string|number|null, company?: string|null, read_only?: boolean}} Lead */
/** @typedef {{id: string, name: string, name_en?: string|null, position: number}} Stage */
/** @typedef {{stage: Stage, leads: Lead[], count: number, total: number}} Column */

/** @param {Lead} lead */
const potentialOf = (lead) => lead.potential;

/** The sum of the cards' values (a lead's potential unless `value` says otherwise) in
 * satang-exact baht (no float drift on 0.1 + 0.2); blanks and non-numbers count as nothing.
 * @template {Lead} T @param {T[]} leads @param {(item: T) => unknown} [value] */
export function sumPotential(leads, value = potentialOf) {
  let satang = 0;
  for (const lead of leads) {
    const v = value(lead);
    const n = Number(v);
    if (v !== null && v !== undefined && v !== "" && Number.isFinite(n)) satang += Math.round(n * 100);
  }
  return satang / 100;
}

/** One column per stage, in stage order; a card whose stage is not on this board is left out.
 * `value` is what a column sums (default: a lead's potential; a deal's amount).
 * @template {Lead} T @param {Stage[]} stages @param {T[]} leads @param {(item: T) => unknown} [value]
 * @returns {{stage: Stage, leads: T[], count: number, total: number}[]} */
export function columns(stages, leads, value = potentialOf) {
  const ordered = [...stages].sort((a, b) => a.position - b.position);
  return ordered.map((stage) => {
    const mine = leads.filter((l) => l.stage_id === stage.id);
    return { stage, leads: mine, count: mine.length, total: sumPotential(mine, value) };
  });
}

/** The leads with `leadId` put at `stageId` (a new list; the others unchanged).
 * @param {Lead[]} leads @param {string} leadId @param {string} stageId */
export const withStage = (leads, leadId, stageId) =>
  leads.map((l) => (l.id === leadId ? { ...l, stage_id: stageId } : l));

/** The stages a card may be offered to move to: every stage but its own.
 * @param {Stage[]} stages @param {Lead} lead */
export const targets = (stages, lead) =>
  [...stages].sort((a, b) => a.position - b.position).filter((s) => s.id !== lead.stage_id);

/** @typedef {{back: string, readOnly: string, gone: string}} RefusalKeys the i18n keys of a
 * board's three refusals (its cards named: a lead, a deal) */

/** @type {RefusalKeys} */
export const LEAD_REFUSALS = { back: "board.refused.back", readOnly: "board.refused.readOnly",
  gone: "board.refused.gone" };

/**
 * Why a move was refused, in the user's language. Every stage the board offers is in its
 * own pipeline, so a 409 from POST /leads/{id}/stage (or /deals/{id}/stage) is the stage-back
 * rule; a code of another refusal the board does not name keeps its own text.
 * @param {unknown} err @param {RefusalKeys} [keys]
 */
export function refusal(err, keys = LEAD_REFUSALS) {
  if (!(err instanceof ApiError)) return errorText(err);
  if (err.code === "stage_back_not_allowed") return t(keys.back);
  if (err.code === "forbidden" || (err.status === 403 && !err.code)) return t(keys.readOnly);
  if (err.code === "not_found" || (err.status === 404 && !err.code)) return t(keys.gone);
  if (err.status === 409 && (!err.code || err.code === "conflict")) return t(keys.back);
  if (err.status === 403) return t(keys.readOnly);
  if (err.status === 404) return t(keys.gone);
  return errorText(err);
}

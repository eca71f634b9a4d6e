// @ts-check
// The pipeline board's logic, without the DOM: leads grouped into their stage's column with
// counts and sums, a card moved between columns, and why the API refused a move, in words.

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

/** The sum of the leads' potential values in satang-exact baht (no float drift on 0.1 + 0.2).
 * @param {Lead[]} leads */
export function sumPotential(leads) {
  let satang = 0;
  for (const lead of leads) {
    const n = Number(lead.potential);
    if (lead.potential !== null && lead.potential !== undefined && lead.potential !== "" && Number.isFinite(n)) {
      satang += Math.round(n * 100);
    }
  }
  return satang / 100;
}

/** One column per stage, in stage order; a lead whose stage is not on this board is left out.
 * @param {Stage[]} stages @param {Lead[]} leads @returns {Column[]} */
export function columns(stages, leads) {
  const ordered = [...stages].sort((a, b) => a.position - b.position);
  return ordered.map((stage) => {
    const mine = leads.filter((l) => l.stage_id === stage.id);
    return { stage, leads: mine, count: mine.length, total: sumPotential(mine) };
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

/** Stable error codes a stage move may answer, and what to say. @type {Record<string, string>} */
const CODE_KEYS = { stage_back_not_allowed: "board.refused.back", forbidden: "board.refused.readOnly",
  not_found: "board.refused.gone" };

/**
 * Why a move was refused, in the user's language. Every stage the board offers is in its
 * own pipeline, so a 409 from POST /leads/{id}/stage is the stage-back rule.
 * @param {unknown} err
 */
export function refusal(err) {
  if (!(err instanceof ApiError)) return errorText(err);
  if (err.code && err.code in CODE_KEYS) return t(CODE_KEYS[err.code]);
  if (err.status === 409) return t("board.refused.back");
  if (err.status === 403) return t("board.refused.readOnly");
  if (err.status === 404) return t("board.refused.gone");
  return errorText(err);
}

// @ts-check
// #/board/<pipelineId>: the leads' pipeline board (board-view.js draws it): the pipeline's
// Inbox leads as cards, a column per stage with its count and the sum of potential values.
// The board shows what GET /leads returns for the caller (paged through), so visibility
// (`own`, `team`) is exactly the list's.

import { api } from "../api.js";
import { formatBaht } from "../format.js";
import { addStrings, lang } from "../i18n.js";
import { h } from "../dom.js";
import { boardScreen } from "./board-view.js";
import { LEAD_REFUSALS } from "./board-model.js";

addStrings({
  th: { "board.count": "{n} ราย", "board.empty": "ไม่มีลีดในขั้นตอนนี้" },
  en: { "board.count": "{n} leads", "board.empty": "No leads at this stage" },
});

/** @typedef {import("./board-model.js").Lead} Lead */

/** @param {HTMLElement} root @param {Record<string, string>} params @param {any} app */
export function mount(root, params, app) {
  return boardScreen(root, params, app, {
    title: "nav.board", base: "/board", count: "board.count", empty: "board.empty",
    refusals: LEAD_REFUSALS,
    page: (pipelineId, limit, cursor) => api("/api/v1/leads", { query: { box: "inbox", pipeline_id: pipelineId, limit, cursor } }),
    move: (id, stageId) => api(`/api/v1/leads/${encodeURIComponent(id)}/stage`, { method: "POST", json: { stage_id: stageId } }),
    href: (id) => `#/leads/${encodeURIComponent(id)}`,
    value: (/** @type {Lead} */ lead) => lead.potential,
    details: (/** @type {Lead} */ lead) => [
      lead.company ? h("span", { class: "muted board-sub" }, lead.company) : null,
      lead.potential !== null && lead.potential !== undefined && lead.potential !== ""
        ? h("span", { class: "lead-potential" }, formatBaht(lead.potential, lang())) : null],
  });
}

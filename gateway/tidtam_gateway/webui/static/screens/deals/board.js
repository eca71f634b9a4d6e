// @ts-check
// #/deals/board/<pipelineId>: the deals board, the leads' board (board-view.js) with deals as
// its cards: the pipeline's open deals (GET /deals?status=open, paged through, so visibility
// is the list's), a column per stage with its count and the sum of amounts; a card moves by
// drag or by its "Move to…" menu (POST /deals/{id}/stage with an Idempotency-Key); the
// stage-back refusal is put back and said.

import { api, creator } from "../../api.js";
import { h } from "../../dom.js";
import { formatBaht } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { boardScreen } from "../board-view.js";
import { dealHref, dealUrl, fieldValue, useDealStyles } from "./index.js";
import { userLabel } from "../../ui.js";

addStrings({
  th: { "dboard.count": "{n} ดีล", "dboard.empty": "ไม่มีดีลในขั้นตอนนี้", "dboard.close": "ปิดการขาย {date}" },
  en: { "dboard.count": "{n} deals", "dboard.empty": "No deals at this stage", "dboard.close": "Closes {date}" },
});

/** @typedef {import("./index.js").Deal} Deal */

/** @param {HTMLElement} root @param {Record<string, string>} params @param {any} app */
export function mount(root, params, app) {
  useDealStyles();
  const post = creator(); // a retried move is one move
  return boardScreen(root, params, app, {
    title: "nav.dealBoard", base: "/deals/board", count: "dboard.count", empty: "dboard.empty",
    refusals: { back: "deal.refused.back", readOnly: "deal.refused.readOnly", gone: "deal.refused.gone" },
    page: (pipelineId, limit, cursor) => api("/api/v1/deals", { query: { status: "open", pipeline_id: pipelineId, limit, cursor } }),
    move: (id, stageId) => post(dealUrl(id, "/stage"), { stage_id: stageId }),
    href: dealHref,
    value: (/** @type {Deal} */ deal) => deal.amount,
    details: (/** @type {Deal} */ deal) => [
      h("span", { class: "muted board-sub" }, userLabel(deal.owner_id)),
      deal.amount !== null && deal.amount !== undefined
        ? h("span", { class: "lead-potential" }, formatBaht(deal.amount, lang()),
          deal.probability !== null && deal.probability !== undefined ? ` · ${fieldValue("probability", deal.probability)}` : "")
        : null,
      deal.expected_close ? h("span", { class: "muted board-sub" },
        t("dboard.close", { date: fieldValue("expected_close", deal.expected_close) })) : null],
  });
}

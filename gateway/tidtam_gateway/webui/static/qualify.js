// @ts-check
// The lead page's qualify card (issue 16): qualify with the answers (need, budget, timeframe,
// score) or disqualify with a reason; both are kept in the lead's history.

import { h } from "./dom.js";
import { addStrings, t } from "./i18n.js";
import { field } from "./ui.js";

addStrings({
  th: {
    "qualify.title": "คัดกรองลีด", "qualify.need": "ความต้องการของลูกค้า", "qualify.budget": "งบประมาณ (บาท)",
    "qualify.timeframe": "ต้องการซื้อเมื่อไร", "qualify.score": "คะแนน (0–100)",
    "qualify.submit": "ผ่านการคัดกรอง", "qualify.done": "บันทึกว่าผ่านการคัดกรองแล้ว",
    "qualify.reason": "เหตุผลที่ไม่ผ่าน", "qualify.disqualify": "ไม่ผ่านการคัดกรอง",
    "qualify.disqualified": "บันทึกว่าไม่ผ่านการคัดกรองแล้ว",
    "qualify.state.qualified": "ผ่านการคัดกรองแล้ว", "qualify.state.disqualified": "ไม่ผ่านการคัดกรอง",
    "kind.qualified": "ผ่านการคัดกรอง", "kind.disqualified": "ไม่ผ่านการคัดกรอง", "kind.assigned": "มอบหมายจากคิว",
  },
  en: {
    "qualify.title": "Qualify the lead", "qualify.need": "What the customer needs", "qualify.budget": "Budget (THB)",
    "qualify.timeframe": "When they mean to buy", "qualify.score": "Score (0–100)",
    "qualify.submit": "Qualified", "qualify.done": "Recorded as qualified",
    "qualify.reason": "Why it does not qualify", "qualify.disqualify": "Disqualify",
    "qualify.disqualified": "Recorded as disqualified",
    "qualify.state.qualified": "Qualified", "qualify.state.disqualified": "Disqualified",
    "kind.qualified": "Qualified", "kind.disqualified": "Disqualified", "kind.assigned": "Assigned by a queue",
  },
});

/**
 * @param {any} lead @param {any} on
 * @param {{actionForm: Function, section: Function, url: (id: string, tail: string) => string}} kit
 *   detail.js's card helpers (a form that POSTs with its Idempotency-Key, a titled card)
 */
export function qualifyCard(lead, on, { actionForm, section, url }) {
  const need = field({ name: "need", label: "qualify.need", required: true, control: "textarea",
                       attrs: { rows: 2, maxlength: 2000 } });
  const budget = field({ name: "budget", label: "qualify.budget", type: "number",
                         attrs: { min: 0, step: "0.01", inputmode: "decimal" } });
  const timeframe = field({ name: "timeframe", label: "qualify.timeframe", attrs: { maxlength: 200 } });
  const score = field({ name: "score", label: "qualify.score", type: "number",
                        attrs: { min: 0, max: 100, step: 1, inputmode: "numeric" } });
  const answers = { need, budget, timeframe, score };
  const qualify = actionForm(answers, () => {
    /** @type {Record<string, any>} */
    const json = { need: need.input.value.trim() };
    if (budget.input.value.trim()) json.budget = budget.input.value.trim();
    if (timeframe.input.value.trim()) json.timeframe = timeframe.input.value.trim();
    if (score.input.value.trim()) json.score = Number(score.input.value);
    return { url: url(lead.id, "/qualify"), json };
  }, t("qualify.done"), on, need.wrap, budget.wrap, timeframe.wrap, score.wrap,
  h("div", {}, h("button", { type: "submit", class: "btn btn-primary" }, t("qualify.submit"))));
  const reason = field({ name: "reason", label: "qualify.reason", required: true, attrs: { maxlength: 500 } });
  const disqualify = actionForm({ reason }, () => ({ url: url(lead.id, "/disqualify"),
                                                     json: { reason: reason.input.value.trim() } }),
    t("qualify.disqualified"), on, reason.wrap,
    h("div", {}, h("button", { type: "submit", class: "btn btn-danger" }, t("qualify.disqualify"))));
  const current = lead.qualification
    ? h("p", { class: "muted" }, t(`qualify.state.${lead.qualification}`)) : null;
  return section("qualify.title", ...[current, qualify,
    lead.qualification === "disqualified" ? null : disqualify].filter(Boolean));
}

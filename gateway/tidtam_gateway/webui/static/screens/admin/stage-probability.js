// @ts-check
// A pipeline stage's default deal probability (0–100 %, issue 16): the input the add-stage form
// shows, and the inline form that sets or clears it (left blank: none) on #/admin/pipelines.

import { addStrings } from "../../i18n.js";
import { smallForm } from "./common.js";
import { percent } from "./pipeline-model.js";

addStrings({
  th: {
    "pipes.probability": "โอกาสปิดการขาย (%) ไม่บังคับ", "pipes.percent": "{n}%",
    "pipes.setProbability": "โอกาสปิดการขาย", "pipes.probabilitySet": "ตั้งโอกาสปิดการขายของ “{name}” แล้ว",
  },
  en: {
    "pipes.probability": "Win probability (%), optional", "pipes.percent": "{n}%",
    "pipes.setProbability": "Probability", "pipes.probabilitySet": "Set the probability of “{name}”",
  },
});

/** The probability input of a stage form (whole numbers 0–100; the API says what is wrong). */
export const PROBABILITY = { name: "probability", label: "pipes.probability", type: "number",
  attrs: { min: 0, max: 100, step: 1, inputmode: "numeric" } };

/**
 * Set a stage's probability in place, shown in `host` until saved or cancelled.
 * @param {HTMLElement} host @param {{probability?: number|null}} current
 * @param {(probability: number|null) => Promise<unknown>} save @param {() => void} done
 */
export function probabilityForm(host, current, save, done) {
  const { form, fields } = smallForm({
    specs: [{ ...PROBABILITY, attrs: { ...PROBABILITY.attrs, value: current.probability ?? "" } }],
    submitKey: "adm.save", cancel: done, className: "adm-form adm-inline",
    submit: (v) => save(percent(v.probability)),
  });
  host.replaceChildren(form);
  fields.probability.input.focus();
}

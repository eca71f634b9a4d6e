// @ts-check
// The assignment queue screen's logic without the DOM (#/admin/queues): the `match` a form
// makes, the PATCH of an edit, and a queue's custom-field conditions as text.

import { fieldLabel, optionLabel } from "../../custom-inputs.js";
import { t } from "../../i18n.js";

/** @typedef {{id: string, name: string, position: number,
 *   match: {source?: string|null, custom?: Record<string, unknown>|null, product_ids?: string[]|null,
 *     segment_id?: string|null},
 *   members: string[], strategy: string, active: boolean}} Queue */

/** The queue form's `match`: only the conditions chosen (none: every new lead).
 * @param {Record<string, string>} v the form's values (source, segment) @param {string[]} productIds
 * @param {Record<string, unknown>|null} [custom] the custom-field values chosen */
export function queueMatch(v, productIds, custom) {
  /** @type {Queue["match"]} */
  const match = {};
  if (v.source) match.source = v.source;
  if (custom && Object.keys(custom).length) match.custom = custom;
  if (productIds.length) match.product_ids = productIds;
  if (v.segment) match.segment_id = v.segment;
  return match;
}

/** The custom-field conditions of a form: the values given in its inputs (`given`), and the
 * queue's own conditions on fields the form has no input for (deleted since) kept as they were.
 * @param {Record<string, unknown>} given @param {Record<string, unknown>|null|undefined} had
 * @param {string[]} keys the fields the form has inputs for */
export function customMatch(given, had, keys) {
  return { ...Object.fromEntries(Object.entries(had || {}).filter(([k]) => !keys.includes(k))), ...given };
}

/** A queue's custom-field conditions as text: "Grade = A, Interests = CCTV + NVR", in the
 * fields' display order.
 * @param {Record<string, unknown>|null|undefined} custom @param {import("../../store.js").CustomField[]} defs */
export function customText(custom, defs) {
  // In the fields' own order (the server keeps the object's keys in its order), unknown ones last.
  const at = (/** @type {string} */ key) => { const i = defs.findIndex((d) => d.key === key); return i < 0 ? defs.length : i; };
  return Object.entries(custom || {}).sort(([a], [b]) => at(a) - at(b)).map(([key, want]) => {
    const f = defs.find((d) => d.key === key);
    const option = (/** @type {unknown} */ x) => {
      const o = f?.options?.find((p) => p.value === x);
      return o ? optionLabel(o) : String(x);
    };
    const text = Array.isArray(want) ? want.map(option).join(" + ")
      : want === true ? t("queues.yes") : option(want);
    return `${f ? fieldLabel(f) : key} = ${text}`;
  }).join(", ");
}

/** A match compared by meaning: no nulls, products and custom keys in any order. @param {Queue["match"]} m */
const sameMatch = (/** @type {Queue["match"]} */ m) => JSON.stringify([m.source || null,
  Object.entries(m.custom || {}).sort(), [...(m.product_ids || [])].sort(), m.segment_id || null]);

/** The PATCH body of an edit: only the fields that differ from the queue as it is. Members
 * compare in order (their rotation order).
 * @param {Queue} q @param {{name: string, strategy: string, members: string[], match: Queue["match"]}} next */
export function queuePatch(q, next) {
  /** @type {Record<string, unknown>} */
  const body = {};
  if (next.name !== q.name) body.name = next.name;
  if (next.strategy !== q.strategy) body.strategy = next.strategy;
  if (next.members.join() !== q.members.join()) body.members = next.members;
  if (sameMatch(next.match) !== sameMatch(q.match)) body.match = next.match;
  return body;
}

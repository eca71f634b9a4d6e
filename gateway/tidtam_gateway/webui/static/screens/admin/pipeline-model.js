// @ts-check
// The pipeline screen's logic without the DOM: a stage moved one place, the stage list
// typed for a new pipeline, a stage's default deal probability, and a delete refused because
// of its leads.

import { ApiError } from "../../api.js";

/** @typedef {{id: string, name: string, name_en?: string|null, position: number, probability?: number|null}} Stage */
/** @typedef {{id: string, name: string, name_en?: string|null, is_standard?: boolean, stages: Stage[]}} Pipeline */

/** `ids` with the one at `index` moved by `delta` (-1 up, +1 down); the same list at an end.
 * @param {string[]} ids @param {number} index @param {number} delta */
export function moved(ids, index, delta) {
  const to = index + delta;
  if (to < 0 || to >= ids.length) return ids;
  const out = [...ids];
  const [item] = out.splice(index, 1);
  out.splice(to, 0, item);
  return out;
}

/** "Lead\nQualified\n\n Won " → [{name: "Lead"}, {name: "Qualified"}, {name: "Won"}].
 * @param {string} text */
export const stageLines = (text) =>
  text.split("\n").map((s) => s.trim()).filter(Boolean).map((name) => ({ name }));

/** A delete the API refused because leads are in what is deleted (409 stage_has_leads,
 * pipeline_has_leads). @param {unknown} err */
export const holdsLeads = (err) => err instanceof ApiError && err.status === 409 && /_has_leads$/.test(err.code || "");


/** A probability input's value as the API takes it: blank → null (none), else the number.
 * @param {string} text */
export const percent = (text) => (text.trim() === "" ? null : Number(text));

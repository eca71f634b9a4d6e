// @ts-check
// The search box above a list: searches as the user types (after a pause) or on Enter.

import { h } from "../dom.js";
import { t } from "../i18n.js";

/**
 * {form, input, stop()}: `search(q)` is called with the trimmed text when it differs from
 * `current()`. `label` and `placeholder` are i18n keys.
 * @param {{id: string, label: string, placeholder: string, current: () => string,
 *          search: (q: string) => void}} spec
 */
export function listSearch({ id, label, placeholder, current, search }) {
  const input = h("input", { id, type: "search", name: "q", maxlength: 200, autocomplete: "off",
                             placeholder: t(placeholder) });
  let debounce = 0;
  const run = () => {
    clearTimeout(debounce);
    const q = input.value.trim();
    if (q !== current()) search(q);
  };
  input.addEventListener("input", () => { clearTimeout(debounce); debounce = window.setTimeout(run, 350); });
  const form = h("form", { id: `${id}-form`, class: "search", role: "search",
                           onsubmit: (/** @type {Event} */ e) => { e.preventDefault(); run(); } },
    h("label", { for: id, class: "visually-hidden" }, t(label)), input,
    h("button", { type: "submit", class: "btn" }, t("search.button")));
  return { form, input, stop: () => clearTimeout(debounce) };
}

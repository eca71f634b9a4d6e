// @ts-check
// Switching the language draws the screen again from scratch. What the user had typed into its
// forms must survive that: keptForms() notes every control they changed, restoreForms() puts
// each value back into the same control of the same form once the new screen has drawn it
// (screens draw after their data arrives, so it watches for a few seconds).

/** @typedef {{form: string, name: string, nth: number, value: string, checked: boolean}} Kept */

/** @param {HTMLFormElement} form @returns {any[]} its named controls, buttons aside */
const controlsOf = (form) => [...form.elements].filter((/** @type {any} */ el) =>
  el.name && !["submit", "button", "reset", "file"].includes(el.type));

/** A form's identity across a redraw: its first control's name and its place among the forms
 * that start with that name ("name#0": the lead form, "channel#0": the follow-up form…).
 * @param {HTMLElement} root @returns {Map<HTMLFormElement, string>} */
function formIds(root) {
  /** @type {Map<HTMLFormElement, string>} */
  const ids = new Map();
  /** @type {Record<string, number>} */
  const seen = {};
  for (const form of root.querySelectorAll("form")) {
    const first = controlsOf(form)[0];
    if (!first) continue;
    seen[first.name] = (seen[first.name] ?? -1) + 1;
    ids.set(form, `${first.name}#${seen[first.name]}`);
  }
  return ids;
}

/** @param {any} el */
function changed(el) {
  if (el.type === "checkbox" || el.type === "radio") return el.checked !== el.defaultChecked;
  if (el.tagName === "SELECT") return [...el.options].some((o) => o.selected !== o.defaultSelected);
  return el.value !== el.defaultValue;
}

/** What the user changed in the forms under `root`. @param {HTMLElement} root @returns {Kept[]} */
export function keptForms(root) {
  /** @type {Kept[]} */
  const kept = [];
  for (const [form, id] of formIds(root)) {
    /** @type {Record<string, number>} */
    const nth = {};
    for (const el of controlsOf(form)) {
      nth[el.name] = (nth[el.name] ?? -1) + 1;
      if (changed(el)) kept.push({ form: id, name: el.name, nth: nth[el.name], value: el.value, checked: !!el.checked });
    }
  }
  return kept;
}

/** Put one kept value back; false while its form, control or option is not drawn yet.
 * @param {HTMLElement} root @param {Kept} k */
function apply(root, k) {
  const form = [...formIds(root)].find(([, id]) => id === k.form)?.[0];
  const el = form && controlsOf(form).filter((c) => c.name === k.name)[k.nth];
  if (!el) return false;
  if (el.tagName === "SELECT" && ![...el.options].some((o) => o.value === k.value)) return false;
  if (el.type === "checkbox" || el.type === "radio") {
    if (el.checked === k.checked) return true;
    el.checked = k.checked;
  } else {
    if (el.value === k.value) return true;
    el.value = k.value;
  }
  // The screen reacts as to the user's own edit (a bulk action's fields appear, say).
  el.dispatchEvent(new Event("input", { bubbles: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
  return true;
}

/**
 * Restore `kept` into the forms drawn under `root` now or within `timeout` ms.
 * @param {HTMLElement} root @param {Kept[]} kept @param {number} [timeout]
 * @returns {() => void} stop watching
 */
export function restoreForms(root, kept, timeout = 8000) {
  let pending = kept;
  const observer = new MutationObserver(() => settle());
  const timer = setTimeout(() => stop(), timeout);
  function stop() { observer.disconnect(); clearTimeout(timer); }
  function settle() {
    pending = pending.filter((k) => !apply(root, k));
    if (!pending.length) stop();
  }
  if (!pending.length) return stop;
  observer.observe(root, { childList: true, subtree: true });
  settle();
  return stop;
}

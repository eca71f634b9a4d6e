// @ts-check
// Form helpers and labels for what the catalogues name (sources, stages, people); the state
// itself lives in store.js (re-exported here for the modules that import it from ui.js).

import { api, asList, ApiError } from "./api.js";
import { state } from "./store.js";
import { h, nextId } from "./dom.js";
import { errorMessage } from "./errors.js";
import { fieldErrorText } from "./field-errors.js";
import { bodyField } from "./format.js";
import { has, lang, t } from "./i18n.js";

export const CHANNELS = ["phone", "email", "line", "meeting", "note"];

export { loadCatalogs, SOURCES, state } from "./store.js";

/** The text to show for a failed call (errors.js: its code in the user's language). */
export { errorMessage };

let toastTimer;
export function toast(message, kind = "ok") {
  const el = document.getElementById("toast");
  el.textContent = message;
  el.dataset.kind = kind;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { el.hidden = true; }, kind === "error" ? 7000 : 3500);
}

/** An element whose text follows the language switch (re-labelled by applyStatic). */
export const tx = (tag, key, attrs = {}) => h(tag, { ...attrs, "data-i18n": key }, t(key));

export function sourceLabel(key) {
  if (has(`source.${key}`)) return t(`source.${key}`);
  const custom = state.sources.find((s) => s.key === key);
  return custom ? custom.name : key;
}

const stageName = (x) => (lang() === "en" && x.name_en) ? x.name_en : x.name;

export function stageLabel(stageId) {
  const found = state.stageById.get(stageId);
  if (!found) return "";
  return state.pipelines.length > 1
    ? `${stageName(found.pipeline)} · ${stageName(found.stage)}` : stageName(found.stage);
}

export function userLabel(id) {
  if (!id) return "";
  if (state.me && id === state.me.id) return `${t("owner.me")} (${state.me.name})`;
  const user = state.userById.get(id);
  return user ? user.name : `${id.slice(0, 8)}…`;
}

export { stageName };

/** The tenant's reasons for `kind` (lost|junk) as plain strings, cached. */
export async function reasonsFor(kind) {
  if (!state.reasons[kind]) {
    try {
      const data = await api("/api/v1/lead-reasons", { query: { kind } });
      state.reasons[kind] = asList(data)
        .map((r) => (typeof r === "string" ? r : r.text || r.name || ""))
        .filter(Boolean);
    } catch {
      return []; // free text still works
    }
  }
  return state.reasons[kind];
}

/**
 * A labelled control with a slot for its error: {wrap, input, error}.
 * spec: {name, label (i18n key), type, required, control: "input"|"textarea"|"select",
 *        options: [[value, text, i18nKey?]], attrs: {...}, hint (i18n key)}
 */
export function field(spec) {
  const id = nextId(spec.name);
  const errId = `${id}-err`;
  const hintId = spec.hint ? `${id}-hint` : null;
  const control = spec.control || "input";
  const attrs = {
    id, name: spec.name, required: !!spec.required,
    "aria-describedby": [hintId, errId].filter(Boolean).join(" "),
    ...(control === "input" ? { type: spec.type || "text" } : {}),
    ...(spec.attrs || {}),
  };
  const options = (spec.options || []).map(([value, text, key]) =>
    h("option", { value, ...(key ? { "data-i18n": key } : {}) }, text));
  const input = h(control, attrs, ...options);
  const label = h("label", { for: id },
    tx("span", spec.label),
    spec.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null);
  const hint = spec.hint ? tx("p", spec.hint, { class: "hint", id: hintId }) : null;
  const error = h("p", { class: "field-error", id: errId, hidden: true });
  return { wrap: h("div", { class: "field" }, label, input, hint, error), input, error };
}

/** Clear the error slots of `fields` (name → {input, error}). */
export function clearErrors(fields, general) {
  for (const f of Object.values(fields)) {
    f.error.hidden = true;
    f.error.textContent = "";
    f.input.removeAttribute("aria-invalid");
  }
  if (general) { general.hidden = true; general.textContent = ""; }
}

/**
 * Put a failed call's error next to the inputs it names (`fields[].field` = "body.phone");
 * everything else goes in `general`. Focuses the first bad input. `pick` maps an error's
 * path to a key of `fields` (default "body.phone" → "phone").
 */
export function showErrors(err, fields, general, pick = bodyField) {
  const leftover = [];
  let first = null;
  if (err instanceof ApiError && err.fields.length) {
    for (const fe of err.fields) {
      const target = fields[pick(fe.field)];
      const text = fieldErrorText(fe);
      if (!target) { leftover.push(`${fe.field}: ${text}`); continue; }
      target.error.textContent = target.error.textContent ? `${target.error.textContent} ${text}` : text;
      target.error.hidden = false;
      target.input.setAttribute("aria-invalid", "true");
      first = first || target.input;
    }
  }
  if (general) {
    const text = first && !leftover.length ? t("new.fixFields")
      : [errorMessage(err), ...leftover].filter(Boolean).join(" · ");
    general.textContent = text;
    general.hidden = false;
  }
  // After busy() has re-enabled the form: a disabled input cannot take focus.
  const target = first || general;
  if (target) setTimeout(() => target.focus());
}

/** Disable a form's controls while `fn` runs. */
export async function busy(form, fn) {
  const controls = [...form.elements].filter((el) => !el.disabled);
  controls.forEach((el) => { el.disabled = true; });
  form.setAttribute("aria-busy", "true");
  try {
    return await fn();
  } finally {
    controls.forEach((el) => { el.disabled = false; });
    form.removeAttribute("aria-busy");
  }
}

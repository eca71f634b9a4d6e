// @ts-check
// The tenant's custom fields of leads as form inputs (text, number, date, select,
// multi_select, checkbox), and the `custom` object of a create or a PATCH from them.

import { h, nextId } from "./dom.js";
import { bodyField } from "./format.js";
import { lang } from "./i18n.js";
import { field } from "./ui.js";
import { dateField } from "./when.js";

/** @typedef {import("./store.js").CustomField} CustomField */

export const fieldLabel = (/** @type {CustomField} */ f) =>
  (lang() === "en" && f.label_en) ? f.label_en : f.label_th;
export const optionLabel = (/** @type {import("./store.js").CustomOption} */ o) =>
  (lang() === "en" ? o.label_en : o.label_th) || o.value;

/** "body.custom.grade" → "custom.grade"; other paths as ui.js's showErrors maps them. */
export const pickField = (/** @type {string} */ path) => {
  const m = /^body\.custom\.([a-z]\w*)/.exec(path ?? "");
  return m ? `custom.${m[1]}` : bodyField(path);
};

/** A custom value as shown and as the form holds it ("" for none). */
function formValue(/** @type {CustomField} */ f, /** @type {any} */ v) {
  if (v === null || v === undefined) return f.type === "multi_select" ? [] : f.type === "checkbox" ? false : "";
  return f.type === "number" ? String(v) : v;
}

/**
 * One input per definition, filled from `current` ({key: value}).
 * Returns {fields: {"custom.<key>": {wrap, input, error}}, wraps, read(), changes()}:
 * read() is the `custom` object for a create (only keys with a value), changes() the one for
 * a PATCH (changed keys; a cleared one as null). A number that is not one is kept as text,
 * so the server names the field.
 * @param {CustomField[]} definitions
 * @param {Record<string, any>} [current]
 */
export function customInputs(definitions, current = {}) {
  /** @type {Record<string, {wrap: HTMLElement, input: HTMLElement, error: HTMLElement}>} */
  const fields = {};
  /** @type {Record<string, () => any>} */
  const readers = {};
  for (const f of definitions) {
    const name = `custom.${f.key}`;
    const start = formValue(f, current?.[f.key]);
    if (f.type === "date") {
      const picker = dateField({ name, label: fieldLabel(f), value: start || null, required: f.required });
      fields[name] = picker;
      readers[f.key] = () => { const v = picker.read(); return v === null ? "invalid" : v; };
    } else if (f.type === "multi_select") {
      const id = nextId(f.key);
      const boxes = f.options.map((o) => h("input", { type: "checkbox", name, value: o.value,
                                                       checked: start.includes(o.value) }));
      const error = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
      const wrap = h("fieldset", { class: "field form-group", "aria-describedby": `${id}-err` },
        h("legend", {}, fieldLabel(f)),
        h("div", { class: "choices" }, boxes.map((b, i) => h("label", { class: "choice" }, b, " ", optionLabel(f.options[i])))),
        error);
      fields[name] = { wrap, input: boxes[0] || wrap, error };
      readers[f.key] = () => boxes.filter((b) => b.checked).map((b) => b.value);
    } else if (f.type === "checkbox") {
      const built = field({ name, label: fieldLabel(f), type: "checkbox", attrs: { checked: start === true } });
      fields[name] = built;
      readers[f.key] = () => /** @type {HTMLInputElement} */ (built.input).checked;
    } else {
      const select = f.type === "select";
      const built = field({ name, label: fieldLabel(f), required: f.required, control: select ? "select" : "input",
        options: select ? [["", "—"], ...f.options.map((o) => [o.value, optionLabel(o)])] : [],
        attrs: f.type === "number" ? { inputmode: "decimal", autocomplete: "off" } : { maxlength: 1000 } });
      /** @type {HTMLInputElement} */ (built.input).value = start;
      fields[name] = built;
      readers[f.key] = () => {
        const raw = /** @type {HTMLInputElement} */ (built.input).value.trim();
        if (f.type !== "number" || !raw) return raw;
        const n = Number(raw.replace(/[,\s]/g, ""));
        return Number.isFinite(n) ? n : raw;
      };
    }
  }
  const empty = (/** @type {any} */ v) => v === "" || v === false || (Array.isArray(v) && !v.length);
  const read = () => {
    /** @type {Record<string, any>} */
    const out = {};
    for (const f of definitions) { const v = readers[f.key](); if (!empty(v)) out[f.key] = v; }
    return out;
  };
  const changes = () => {
    /** @type {Record<string, any>} */
    const out = {};
    for (const f of definitions) {
      const v = readers[f.key]();
      const was = formValue(f, current?.[f.key]);
      if (JSON.stringify(v) === JSON.stringify(was)) continue;
      out[f.key] = empty(v) ? null : v;
    }
    return out;
  };
  return { fields, wraps: Object.values(fields).map((f) => f.wrap), read, changes };
}

/** A lead's custom values as [label, text] pairs for the facts list, in display order. */
export function customFacts(/** @type {CustomField[]} */ definitions, /** @type {Record<string, any>} */ custom,
  /** @type {(v: string) => string} */ showDate) {
  const rows = [];
  for (const f of definitions) {
    const v = custom?.[f.key];
    if (v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)) continue;
    const option = (/** @type {string} */ x) => optionLabel(f.options.find((o) => o.value === x) || { value: x, label_th: x, label_en: x });
    const text = f.type === "date" ? showDate(v) : f.type === "checkbox" ? (v ? "✓" : "✗")
      : f.type === "select" ? option(v) : f.type === "multi_select" ? v.map(option).join(", ") : String(v);
    rows.push([fieldLabel(f), text]);
  }
  return rows;
}

// @ts-check
// The new-lead form: POST /api/v1/leads, errors shown next to the inputs they name.

import { creator } from "./api.js";
import { customInputs, pickField } from "./custom-inputs.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { busy, clearErrors, field, showErrors, SOURCES, state, tx } from "./ui.js";

/**
 * The inputs of a lead's own fields (name, phone, email, source, company, potential, note),
 * for the new-lead and the edit form. `source` (the lead's) is offered even when the tenant
 * no longer lists it.
 */
export function leadInputs(source = "") {
  const sourceOptions = [
    ...SOURCES.map((key) => [key, t(`source.${key}`), `source.${key}`]),
    ...state.sources.map((s) => [s.key, s.name]),
  ];
  if (source && !sourceOptions.some(([key]) => key === source)) sourceOptions.push([source, source]);
  return {
    name: field({ name: "name", label: "field.name", required: true,
                  attrs: { maxlength: 200, autocomplete: "off" } }),
    phone: field({ name: "phone", label: "field.phone", type: "tel", required: true,
                   attrs: { inputmode: "tel", autocomplete: "off", placeholder: "081-234-5678" } }),
    email: field({ name: "email", label: "field.email", type: "email", required: true,
                   attrs: { inputmode: "email", autocomplete: "off", placeholder: "name@example.co.th" } }),
    source: field({ name: "source", label: "field.source", control: "select", required: true,
                    options: sourceOptions }),
    company: field({ name: "company", label: "field.company", attrs: { maxlength: 200 } }),
    potential: field({ name: "potential", label: "field.potential",
                       attrs: { inputmode: "decimal", autocomplete: "off", placeholder: "150,000" } }),
    note: field({ name: "note", label: "field.note", control: "textarea",
                  attrs: { rows: 4, maxlength: 5000 } }),
  };
}

/** The rows of a lead form: its own fields, `extra` (e.g. the owner), the custom fields. */
export const leadFormRows = (/** @type {any} */ fields, /** @type {HTMLElement[]} */ customWraps,
  /** @type {HTMLElement | null} */ extra = null) => [
  h("div", { class: "grid-2" }, fields.name.wrap, fields.company.wrap),
  h("div", { class: "grid-2" }, fields.phone.wrap, fields.email.wrap),
  h("div", { class: "grid-2" }, fields.source.wrap, fields.potential.wrap),
  extra, fields.note.wrap,
  customWraps.length ? h("div", { class: "grid-2" }, customWraps) : null,
];

/**
 * Render the form into `container`. onCreated(lead) gets the 201 body (with
 * possible_duplicates); onCancel() closes the form.
 */
export function renderNewLead(container, { onCreated, onCancel }) {
  /** @type {Record<string, any>} */
  const fields = leadInputs();
  const custom = customInputs(state.leadFields);
  Object.assign(fields, custom.fields);
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const heading = tx("h2", "new.title", { class: "detail-title", tabindex: "-1" });

  const create = creator();
  const form = h("form", { class: "stack", novalidate: true },
    ...leadFormRows(fields, custom.wraps),
    general,
    h("div", { class: "form-actions" },
      tx("button", "new.submit", { type: "submit", class: "btn btn-primary" }),
      tx("button", "new.cancel", { type: "button", class: "btn", onclick: onCancel })));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(fields, general);
    const value = (name) => fields[name].input.value.trim();
    // Required fields are always sent, so the server names what is missing; optional
    // empty ones are left out rather than sent as "".
    const body = { name: value("name"), phone: value("phone"), email: value("email"),
                   source: fields.source.input.value };
    if (value("company")) body.company = value("company");
    if (value("note")) body.note = fields.note.input.value.trim();
    if (value("potential")) body.potential = value("potential").replace(/[,\s฿]/g, "");
    const values = custom.read();
    if (Object.keys(values).length) body.custom = values;
    await busy(form, async () => {
      try {
        onCreated(await create("/api/v1/leads", body));
      } catch (err) {
        if (err.status === 401) return;
        showErrors(err, fields, general, pickField);
      }
    });
  });

  container.replaceChildren(
    h("div", { class: "detail-head" }, heading,
      h("button", { type: "button", class: "btn btn-icon", onclick: onCancel,
                    "aria-label": t("detail.close"), "data-i18n-aria-label": "detail.close" },
        h("span", { "aria-hidden": "true" }, "×"))),
    form);
  fields.name.input.focus();
}

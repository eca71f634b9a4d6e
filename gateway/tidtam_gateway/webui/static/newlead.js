// @ts-check
// The new-lead form: POST /api/v1/leads, errors shown next to the inputs they name.

import { api } from "./api.js";
import { customInputs, pickField } from "./custom-inputs.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { busy, clearErrors, field, showErrors, SOURCES, state, tx } from "./ui.js";

/**
 * Render the form into `container`. onCreated(lead) gets the 201 body (with
 * possible_duplicates); onCancel() closes the form.
 */
export function renderNewLead(container, { onCreated, onCancel }) {
  const sourceOptions = [
    ...SOURCES.map((key) => [key, t(`source.${key}`), `source.${key}`]),
    ...state.sources.map((s) => [s.key, s.name]),
  ];
  const fields = {
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
  const custom = customInputs(state.leadFields);
  Object.assign(fields, custom.fields);
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const heading = tx("h2", "new.title", { class: "detail-title", tabindex: "-1" });

  const form = h("form", { class: "stack", novalidate: true },
    h("div", { class: "grid-2" }, fields.name.wrap, fields.company.wrap),
    h("div", { class: "grid-2" }, fields.phone.wrap, fields.email.wrap),
    h("div", { class: "grid-2" }, fields.source.wrap, fields.potential.wrap),
    fields.note.wrap,
    custom.wraps.length ? h("div", { class: "grid-2" }, custom.wraps) : null,
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
        onCreated(await api("/api/v1/leads", { method: "POST", json: body }));
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

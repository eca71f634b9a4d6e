// @ts-check
// Edit a lead: its details, source, potential value, note, owner (admins and managers) and
// custom fields. PATCH /leads/<id> with only what changed; errors beside their fields, in the
// user's language.

import { api } from "./api.js";
import { customInputs, pickField } from "./custom-inputs.js";
import { h } from "./dom.js";
import { formatPhone } from "./format.js";
import { addStrings, t } from "./i18n.js";
import { peoplePicker } from "./people-picker.js";
import { hasRole, SOURCES, state } from "./store.js";
import { busy, clearErrors, field, showErrors, tx } from "./ui.js";

addStrings({
  th: { "edit.button": "แก้ไขลีด", "edit.title": "แก้ไขลีด", "edit.save": "บันทึกการแก้ไข",
        "edit.saved": "บันทึกการแก้ไข “{name}” แล้ว", "edit.unchanged": "ไม่มีอะไรเปลี่ยน",
        "edit.custom": "ข้อมูลเพิ่มเติม" },
  en: { "edit.button": "Edit lead", "edit.title": "Edit the lead", "edit.save": "Save changes",
        "edit.saved": "Saved the changes to “{name}”", "edit.unchanged": "Nothing changed",
        "edit.custom": "More details" },
});

/** The lead's editable fields as the form shows them (phone in Thai form, potential plain). */
export function leadFormValues(/** @type {any} */ lead) {
  return {
    name: lead.name || "", phone: formatPhone(lead.phone), email: lead.email || "",
    company: lead.company || "", source: lead.source || "", note: lead.note || "",
    potential: lead.potential === null || lead.potential === undefined ? "" : String(Number(lead.potential)),
    owner_id: lead.owner_id || "",
  };
}

/**
 * The PATCH body: the fields of `edited` that differ from `shown`. Emptied optional fields
 * are sent as null (cleared); name, phone, email, source and owner are never sent empty
 * (the API does not take null there) unless the user emptied them, so the API names them.
 * @param {Record<string, string>} shown @param {Record<string, string>} edited
 */
export function leadPatch(shown, edited) {
  /** @type {Record<string, any>} */
  const body = {};
  for (const [key, value] of Object.entries(edited)) {
    const v = key === "note" ? value : value.trim();
    if (v === (key === "note" ? shown[key] : shown[key].trim())) continue;
    if (key === "potential") body.potential = v ? v.replace(/[,\s฿]/g, "") : null;
    else if (["company", "note"].includes(key)) body[key] = v.trim() ? v : null;
    else body[key] = v;
  }
  return body;
}

/**
 * Render the edit form for `lead` into `container`.
 * @param {HTMLElement} container @param {any} lead
 * @param {{saved: (lead: any) => void, cancel: () => void}} on
 */
export function renderLeadEdit(container, lead, on) {
  const shown = leadFormValues(lead);
  const sources = [...SOURCES.map((k) => [k, t(`source.${k}`)]), ...state.sources.map((s) => [s.key, s.name])];
  if (shown.source && !sources.some(([k]) => k === shown.source)) sources.push([shown.source, shown.source]);
  /** @type {Record<string, {wrap: HTMLElement, input: any, error: HTMLElement}>} */
  const fields = {
    name: field({ name: "name", label: "field.name", required: true, attrs: { maxlength: 200, autocomplete: "off" } }),
    phone: field({ name: "phone", label: "field.phone", type: "tel", required: true,
                   attrs: { inputmode: "tel", autocomplete: "off" } }),
    email: field({ name: "email", label: "field.email", type: "email", required: true,
                   attrs: { inputmode: "email", autocomplete: "off" } }),
    company: field({ name: "company", label: "field.company", attrs: { maxlength: 200 } }),
    source: field({ name: "source", label: "field.source", control: "select", required: true, options: sources }),
    potential: field({ name: "potential", label: "field.potential", attrs: { inputmode: "decimal", autocomplete: "off" } }),
    note: field({ name: "note", label: "field.note", control: "textarea", attrs: { rows: 4, maxlength: 5000 } }),
  };
  const owner = hasRole(["admin", "manager"])
    ? peoplePicker({ name: "owner_id", label: "field.owner", value: lead.owner_id }) : null;
  if (owner) fields.owner_id = owner;
  for (const [key, f] of Object.entries(fields)) if (key !== "owner_id") f.input.value = shown[key];
  const custom = customInputs(state.leadFields, lead.custom || {});
  Object.assign(fields, custom.fields);
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const heading = tx("h2", "edit.title", { class: "detail-title", tabindex: "-1" });
  const form = h("form", { class: "stack", novalidate: true },
    h("div", { class: "grid-2" }, fields.name.wrap, fields.company.wrap),
    h("div", { class: "grid-2" }, fields.phone.wrap, fields.email.wrap),
    h("div", { class: "grid-2" }, fields.source.wrap, fields.potential.wrap),
    owner ? owner.wrap : null,
    fields.note.wrap,
    custom.wraps.length ? h("fieldset", { class: "form-group" }, h("legend", {}, t("edit.custom")),
      h("div", { class: "grid-2" }, custom.wraps)) : null,
    general,
    h("div", { class: "form-actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, t("edit.save")),
      h("button", { type: "button", class: "btn", onclick: on.cancel }, t("new.cancel"))));
  form.addEventListener("submit", async (/** @type {Event} */ event) => {
    event.preventDefault();
    clearErrors(fields, general);
    /** @type {Record<string, string>} */
    const edited = {};
    for (const key of Object.keys(shown)) if (fields[key]) edited[key] = fields[key].input.value;
    const body = leadPatch(shown, edited);
    const customChanges = custom.changes();
    if (Object.keys(customChanges).length) body.custom = customChanges;
    if (!Object.keys(body).length) { general.textContent = t("edit.unchanged"); general.hidden = false; return; }
    await busy(form, async () => {
      try {
        on.saved(await api(`/api/v1/leads/${encodeURIComponent(lead.id)}`, { method: "PATCH", json: body }));
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general, pickField);
      }
    });
  });
  container.replaceChildren(
    h("div", { class: "detail-head" }, h("div", {}, heading, h("p", { class: "muted" }, lead.name)),
      h("button", { type: "button", class: "btn btn-icon", onclick: on.cancel, "aria-label": t("detail.close") },
        h("span", { "aria-hidden": "true" }, "×"))),
    form);
  heading.focus();
  return heading;
}

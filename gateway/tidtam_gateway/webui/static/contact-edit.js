// @ts-check
// A contact row with its actions: edit inline (PATCH with only the changed fields) and delete
// after a confirm step (DELETE, 204).

import { listFieldPick, splitList } from "./account-fields.js";
import { api } from "./api.js";
import { h, nextId } from "./dom.js";
import { formatPhone } from "./format.js";
import { t } from "./i18n.js";
import { busy, clearErrors, field, showErrors, tx } from "./ui.js";

const contactUrl = (accountId, contactId) =>
  `/api/v1/accounts/${encodeURIComponent(accountId)}/contacts/${encodeURIComponent(contactId)}`;

/** The text the edit form starts with. */
export function contactValues(c) {
  return {
    name: c.name || "", position: c.position || "",
    phone: (c.phones || []).map(formatPhone).join(", "), email: (c.emails || []).join(", "),
    is_primary: Boolean(c.is_primary),
  };
}

/** Only what differs from `initial`: a cleared position is null, cleared lists are []. */
export function contactPatch(initial, v) {
  const body = {};
  if (v.name !== initial.name) body.name = v.name;
  if (v.position !== initial.position) body.position = v.position || null;
  if (v.phone !== initial.phone) body.phones = splitList(v.phone);
  if (v.email !== initial.email) body.emails = splitList(v.email);
  if (v.is_primary !== initial.is_primary) body.is_primary = v.is_primary;
  return body;
}

function checkbox(name, label, checked) {
  const id = nextId(name);
  const input = h("input", { type: "checkbox", id, name, checked, "aria-describedby": `${id}-err` });
  const error = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
  return { wrap: h("div", { class: "field" },
    h("label", { for: id, class: "check" }, input, " ", tx("span", label)), error), input, error };
}

const generalError = () => h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });

/**
 * The <li> for contact `c` of `account`. viewOf(c) → the row's nodes when not editing.
 * on: {reload(message)}.
 */
export function contactRow(account, c, on, viewOf) {
  const item = h("li", { class: "contact" });
  const url = contactUrl(account.id, c.id);

  function show(focus) {
    const edit = h("button", { type: "button", class: "btn btn-sm", onclick: editForm,
                               "aria-label": t("contact.editNamed", { name: c.name }) }, t("contact.edit"));
    const remove = h("button", { type: "button", class: "btn btn-sm btn-danger", onclick: confirmDelete,
                                 "aria-label": t("contact.deleteNamed", { name: c.name }) },
      t("contact.delete"));
    item.replaceChildren(...viewOf(c), h("div", { class: "form-actions contact-tools" }, edit, remove));
    if (focus) ({ edit, remove })[focus].focus();
  }

  function editForm() {
    const fields = {
      name: field({ name: "name", label: "contact.name", required: true,
                    attrs: { maxlength: 200, autocomplete: "off" } }),
      position: field({ name: "position", label: "contact.position", attrs: { maxlength: 100 } }),
      phone: field({ name: "phone", label: "field.phone", type: "tel", hint: "acc.listHint",
                     attrs: { inputmode: "tel", autocomplete: "off", placeholder: "081-234-5678" } }),
      email: field({ name: "email", label: "field.email", type: "email", hint: "acc.listHint",
                     attrs: { inputmode: "email", multiple: true, autocomplete: "off" } }),
      is_primary: checkbox("is_primary", "contact.makePrimary", c.is_primary),
    };
    const filled = contactValues(c);
    for (const key of ["name", "position", "phone", "email"]) fields[key].input.value = filled[key];
    const read = () => ({
      ...Object.fromEntries(["name", "position", "phone", "email"]
        .map((key) => [key, fields[key].input.value.trim()])),
      is_primary: fields.is_primary.input.checked });
    const initial = read(); // as the inputs give it back (an email input drops spaces)
    const general = generalError();
    const titleId = nextId("editcontact");
    const form = h("form", { class: "stack", novalidate: true, "aria-labelledby": titleId },
      h("h4", { id: titleId }, t("contact.editTitle", { name: c.name })),
      h("div", { class: "grid-2" }, fields.name.wrap, fields.position.wrap),
      h("div", { class: "grid-2" }, fields.phone.wrap, fields.email.wrap),
      fields.is_primary.wrap,
      general,
      h("div", { class: "form-actions" },
        tx("button", "contact.save", { type: "submit", class: "btn btn-primary" }),
        tx("button", "new.cancel", { type: "button", class: "btn", onclick: () => show("edit") })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(fields, general);
      const body = contactPatch(initial, read());
      if (!Object.keys(body).length) { show("edit"); return; }
      await busy(form, async () => {
        let saved;
        try {
          saved = await api(url, { method: "PATCH", json: body });
        } catch (err) {
          if (err.status !== 401) showErrors(err, fields, general, listFieldPick);
          return;
        }
        on.reload(t("contact.saved", { name: saved?.name || c.name }));
      });
    });
    item.replaceChildren(form);
    fields.name.input.focus();
  }

  function confirmDelete() {
    const general = generalError();
    const form = h("form", { class: "notice notice-warn stack-sm", role: "alert" },
      h("p", { class: "notice-title" }, t("contact.deleteConfirm", { name: c.name })),
      tx("p", "contact.deleteHint"),
      general,
      h("div", { class: "form-actions" },
        tx("button", "contact.deleteYes", { type: "submit", class: "btn btn-danger" }),
        tx("button", "new.cancel", { type: "button", class: "btn", onclick: () => show("remove") })));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors({}, general);
      await busy(form, async () => {
        try {
          await api(url, { method: "DELETE" });
        } catch (err) {
          if (err.status !== 401) showErrors(err, {}, general);
          return;
        }
        on.reload(t("contact.deleted", { name: c.name }));
      });
    });
    item.replaceChildren(...viewOf(c), form);
    form.querySelector("button[type=submit]").focus();
  }

  show();
  return item;
}

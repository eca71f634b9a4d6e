// @ts-check
// An account's contacts: the list (each row editable, see contact-edit.js) and a form to add one.

import { listFieldPick } from "./account-fields.js";
import { creator } from "./api.js";
import { contactRow } from "./contact-edit.js";
import { h, nextId } from "./dom.js";
import { formatPhone } from "./format.js";
import { t } from "./i18n.js";
import { busy, clearErrors, field, showErrors, tx } from "./ui.js";

/** A contact as shown in its row: name, primary mark, position, ways to reach them. */
function contactView(c) {
  const reach = [
    ...c.phones.map((p) => h("a", { href: `tel:${p}` }, formatPhone(p))),
    ...c.emails.map((e) => h("a", { href: `mailto:${e}` }, e)),
    c.line_id ? `LINE ${c.line_id}` : null,
  ].filter(Boolean);
  return [
    h("div", { class: "contact-head" },
      h("span", { class: "lead-name" }, c.name),
      c.is_primary ? h("span", { class: "tag tag-stage" }, t("contact.primary")) : null,
      c.position ? h("span", { class: "muted" }, c.position) : null),
    reach.length ? h("p", { class: "lead-meta" }, reach.flatMap((el, i) => (i ? [" · ", el] : [el])))
      : null,
  ].filter(Boolean);
}

/** view.contacts is null when they could not be loaded (view.contactsError says why). */
export function contactsSection(account, view, on) {
  const id = nextId("contacts");
  let body;
  if (view.contacts === null) body = h("p", { class: "form-error" }, view.contactsError || "");
  else if (!view.contacts.length) body = h("p", { class: "muted" }, t("contact.empty"));
  else {
    body = h("ul", { class: "contact-list" },
      view.contacts.map((c) => contactRow(account, c, on, contactView)));
  }
  return h("section", { class: "stack-sm", "aria-labelledby": id },
    h("h3", { id }, t("contact.title")), body, addForm(account, on));
}

function addForm(account, on) {
  const fields = {
    name: field({ name: "name", label: "contact.name", required: true,
                  attrs: { maxlength: 200, autocomplete: "off" } }),
    position: field({ name: "position", label: "contact.position", attrs: { maxlength: 100 } }),
    phone: field({ name: "phone", label: "field.phone", type: "tel",
                   attrs: { inputmode: "tel", autocomplete: "off", placeholder: "081-234-5678" } }),
    email: field({ name: "email", label: "field.email", type: "email",
                   attrs: { inputmode: "email", autocomplete: "off", placeholder: "name@example.co.th" } }),
  };
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const form = h("form", { class: "stack", novalidate: true },
    h("div", { class: "grid-2" }, fields.name.wrap, fields.position.wrap),
    h("div", { class: "grid-2" }, fields.phone.wrap, fields.email.wrap),
    general,
    h("div", {}, tx("button", "contact.submit", { type: "submit", class: "btn" })));
  const create = creator();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(fields, general);
    const value = (name) => fields[name].input.value.trim();
    const json = { name: value("name") };
    if (value("position")) json.position = value("position");
    if (value("phone")) json.phones = [value("phone")];
    if (value("email")) json.emails = [value("email")];
    await busy(form, async () => {
      try {
        await create(`/api/v1/accounts/${encodeURIComponent(account.id)}/contacts`, json);
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general, listFieldPick);
        return;
      }
      on.reload(t("contact.added", { name: json.name }));
    });
  });
  const titleId = nextId("addcontact");
  return h("section", { class: "action-card", "aria-labelledby": titleId },
    h("h4", { id: titleId }, t("contact.add")), form);
}

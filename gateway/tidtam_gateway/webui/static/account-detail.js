// @ts-check
// The account detail panel: facts, financial terms, labels, contacts, a new lead, the timeline;
// "Edit" swaps in the account form; a merged account points to the one it went into.

import { creator } from "./api.js";
import { branchText, formatAddress, formatTaxId } from "./address.js";
import { contactsSection } from "./contacts.js";
import { h, nextId } from "./dom.js";
import { formatBaht, formatDate, formatPhone } from "./format.js";
import { lang, t } from "./i18n.js";
import { renderEditAccount } from "./newaccount.js";
import { activitiesPanel, checkinsSection } from "./screens/activities/parts.js";
import { documentsSection } from "./screens/documents/related.js";
import { dealsSection } from "./screens/deals/related.js";
import { timelineSection } from "./timeline.js";
import { busy, clearErrors, field, showErrors, SOURCES, state, toast, tx, userLabel } from "./ui.js";

const KIND_KEYS = { company: "acc.kind.company", person: "acc.kind.person" };

/**
 * view: {account, contacts: [...] | null, contactsError, timeline: [...] | null,
 *        timelineCursor, timelineError, editing}
 * on: {close(), reload(message), openLead(id), openAccount(id), leadCreated(lead), edited(account)}
 */
export function renderAccount(container, view, on) {
  const { account } = view;
  const L = lang();
  const heading = h("h2", { class: "detail-title", tabindex: "-1" }, account.name);
  const edit = h("button", { type: "button", class: "btn", onclick: () => startEdit(container, view, on) },
    t("acc.edit"));
  container.replaceChildren(
    head(h("div", {},
      heading,
      account.name_en ? h("p", { class: "muted detail-company" }, account.name_en) : null), on, edit),
    facts(account, L),
    terms(account, L),
    newLeadCard(account, view, on),
    dealsSection({ account_id: account.id }),
    documentsSection({ account_id: account.id }),
    contactsSection(account, view, on),
    activitiesPanel({ account_id: account.id }),
    checkinsSection(account.id),
    timelineSection(account, view, on, L));
  return heading;
}

const head = (title, on, ...tools) => h("div", { class: "detail-head" }, title,
  h("div", { class: "detail-tools" }, ...tools,
    h("button", { type: "button", class: "btn btn-icon", onclick: on.close,
                  "aria-label": t("detail.close"), "data-i18n-aria-label": "detail.close" },
      h("span", { "aria-hidden": "true" }, "×"))));

/** The account form in place of the detail; Cancel (or no change) brings the detail back. */
function startEdit(container, view, on) {
  view.editing = true; // the language switch must not redraw the detail over the form
  const back = () => {
    view.editing = false;
    renderAccount(container, view, on).focus();
  };
  renderEditAccount(container, view.account, {
    saved: (account) => { view.editing = false; on.edited(account); },
    unchanged: () => { back(); toast(t("acc.edit.unchanged")); },
    cancel: back,
    openAccount: on.openAccount,
  });
}

/** "this account was merged into 6f1c…" → the survivor's id (null if the message has none). */
export const mergedInto = (message) =>
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(message || "")?.[0] ?? null;

/** GET answered 404 "merged": say so, and link the survivor named in the message. */
export function renderMerged(container, err, on) {
  const survivor = mergedInto(err.serverMessage);
  const heading = tx("h2", "acc.merged.title", { class: "detail-title", tabindex: "-1" });
  container.replaceChildren(
    head(heading, on),
    h("div", { class: "notice stack-sm", role: "note" },
      tx("p", "acc.merged.text"),
      err.serverMessage ? h("p", { class: "muted" }, err.serverMessage) : null,
      survivor ? h("p", {}, h("button", { type: "button", class: "link",
                                          onclick: () => on.openAccount(survivor) }, t("acc.merged.open")))
        : null));
  return heading;
}

const row = (key, ...value) => (value.some((v) => v !== "" && v !== null && v !== undefined)
  ? [h("dt", {}, t(key)), h("dd", {}, ...value)] : null);

const joined = (items) => items.flatMap((el, i) => (i ? [", ", el] : [el]));

function facts(a, L) {
  const tax = a.tax_id ? `${formatTaxId(a.tax_id)} · ${branchText(a)}` : "";
  return h("dl", { class: "facts" },
    row("acc.kind", t(KIND_KEYS[a.kind] || "acc.kind.company")),
    row("acc.taxId", tax),
    row("acc.address", formatAddress(a.address)),
    row("field.phone", a.phones?.length
      ? joined(a.phones.map((p) => h("a", { href: `tel:${p}` }, formatPhone(p)))) : ""),
    row("field.email", a.emails?.length
      ? joined(a.emails.map((e) => h("a", { href: `mailto:${e}` }, e))) : ""),
    row("acc.lineId", a.line_id || ""),
    row("acc.website", a.website || ""),
    row("acc.labels", a.labels?.length
      ? h("span", { class: "lead-tags" }, a.labels.map((l) => h("span", { class: "tag" }, l))) : ""),
    row("field.owner", userLabel(a.owner_id)),
    row("field.created", formatDate(a.created_at, L)));
}

function discountText(d, L) {
  if (!d) return "";
  return d.kind === "percent" ? `${Number(d.value)}%` : formatBaht(d.value, L);
}

function terms(a, L) {
  const id = nextId("terms");
  const rows = [
    row("acc.creditLimit", formatBaht(a.credit_limit, L)),
    row("acc.creditDays", a.credit_days === null || a.credit_days === undefined
      ? "" : t("acc.days", { n: a.credit_days })),
    row("acc.discount", discountText(a.bill_discount, L)),
  ].filter(Boolean);
  return h("section", { class: "stack-sm", "aria-labelledby": id },
    h("h3", { id }, t("acc.terms")),
    rows.length ? h("dl", { class: "facts" }, rows) : h("p", { class: "muted" }, t("acc.noTerms")));
}

function newLeadCard(account, view, on) {
  const id = nextId("newlead");
  const source = field({ name: "source", label: "field.source", control: "select", options: [
    ...SOURCES.map((key) => [key, t(`source.${key}`), `source.${key}`]),
    ...state.sources.map((s) => [s.key, s.name]),
  ] });
  const contacts = view.contacts || [];
  const contact = field({ name: "contact_id", label: "contact.title", control: "select", options: [
    ["", t("acc.lead.noContact"), "acc.lead.noContact"],
    ...contacts.map((c) => [c.id, c.position ? `${c.name} (${c.position})` : c.name]),
  ] });
  const primary = contacts.find((c) => c.is_primary) || contacts[0];
  if (primary) contact.input.value = primary.id;
  // Pre-filled from the chosen contact (the primary one first), else from the account; the
  // salesperson may change them before saving.
  const details = {
    name: field({ name: "name", label: "field.name", attrs: { maxlength: 200, autocomplete: "off" } }),
    phone: field({ name: "phone", label: "field.phone", type: "tel", attrs: { inputmode: "tel", autocomplete: "off" } }),
    email: field({ name: "email", label: "field.email", type: "email", attrs: { inputmode: "email", autocomplete: "off" } }),
  };
  const fill = () => {
    const who = contacts.find((c) => c.id === contact.input.value) || null;
    details.name.input.value = who ? who.name : account.name;
    details.phone.input.value = formatPhone((who?.phones?.length ? who.phones : account.phones || [])[0]);
    details.email.input.value = (who?.emails?.length ? who.emails : account.emails || [])[0] || "";
  };
  contact.input.addEventListener("change", fill);
  fill();
  const fields = { source, contact_id: contact, ...details };
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const form = h("form", { class: "stack", novalidate: true },
    h("div", { class: "grid-2" }, source.wrap, contacts.length ? contact.wrap : null),
    h("div", { class: "grid-2" }, details.name.wrap, details.phone.wrap, details.email.wrap),
    general,
    h("div", {}, tx("button", "acc.lead.submit", { type: "submit", class: "btn btn-primary" })));
  const create = creator();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(fields, general);
    const json = { account_id: account.id, source: source.input.value };
    if (contact.input.value) json.contact_id = contact.input.value;
    for (const [key, f] of Object.entries(details)) if (f.input.value.trim()) json[key] = f.input.value.trim();
    await busy(form, async () => {
      let lead;
      try {
        lead = await create("/api/v1/leads", json);
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general);
        return;
      }
      on.leadCreated(lead);
    });
  });
  return h("section", { class: "action-card", "aria-labelledby": id },
    h("h3", { id }, t("acc.lead.title")),
    tx("p", "acc.lead.hint", { class: "hint" }), form);
}

// @ts-check
// The account form, new or editing: RD lookup, a duplicate check before saving, and "save
// anyway" when the tax ID + branch is taken (409 duplicate_tax_id → force). Editing sends
// only the changed fields (PATCH).

import { api, creator } from "./api.js";
import { branchText, formatTaxId } from "./address.js";
import {
  createBody, duplicateQuery, fieldsLayout, fillFields, formValues, makeFields, patchBody, pick,
  readFields,
} from "./account-fields.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { lookupRow } from "./rdlookup.js";
import { busy, clearErrors, showErrors, tx } from "./ui.js";

const LIKELY = 80; // a duplicate's score from which we ask before saving
const REASON_KEYS = {
  tax_id_branch: "dup.reason.tax_id_branch", tax_id: "dup.reason.tax_id", name: "dup.reason.name",
  phone: "dup.reason.phone", email: "dup.reason.email",
};

/** A new account. on: {created(account), cancel(), openAccount(id)}. */
export function renderNewAccount(container, on) {
  return renderAccountForm(container, null,
    { saved: on.created, cancel: on.cancel, openAccount: on.openAccount });
}

/**
 * Edit `account`: the form filled with it, PATCHing only the changed fields.
 * on: {saved(account), unchanged(), cancel(), openAccount(id)}.
 */
export function renderEditAccount(container, account, on) {
  return renderAccountForm(container, account, on);
}

function renderAccountForm(container, account, on) {
  const editing = Boolean(account);
  const fields = makeFields();
  fillFields(fields, formValues(account));
  // Compared as the inputs give it back (an email input with `multiple` drops the spaces).
  const initial = readFields(fields);
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const confirm = h("div", { role: "alert", tabindex: "-1", hidden: true });
  const heading = tx("h2", editing ? "acc.edit.title" : "acc.new.title",
                     { class: "detail-title", tabindex: "-1" });
  const lookup = lookupRow(fields, pick);

  const form = h("form", { class: "stack", novalidate: true },
    ...fieldsLayout(fields, lookup),
    general,
    confirm,
    h("div", { class: "form-actions" },
      tx("button", editing ? "acc.edit.submit" : "acc.new.submit",
         { type: "submit", class: "btn btn-primary" }),
      tx("button", "new.cancel", { type: "button", class: "btn", onclick: on.cancel })));

  function ask(titleKey, items, message, proceedKey, proceed) {
    confirm.className = "notice notice-warn stack-sm";
    confirm.replaceChildren(
      h("p", { class: "notice-title" }, t(titleKey)),
      message ? h("p", {}, message) : null,
      items.length ? h("ul", { class: "dup-list" }, items) : null,
      h("div", { class: "form-actions" },
        h("button", { type: "button", class: "btn btn-primary", onclick: () => {
          confirm.hidden = true;
          busy(form, proceed);
        } }, t(proceedKey)),
        h("button", { type: "button", class: "btn", onclick: () => { confirm.hidden = true; } },
          t("acc.dup.back"))));
    confirm.hidden = false;
    setTimeout(() => confirm.focus());
  }

  const dupItem = ({ account: a, score, reasons }) => h("li", {},
    h("button", { type: "button", class: "link", onclick: () => on.openAccount(a.id) }, a.name),
    a.tax_id ? ` · ${formatTaxId(a.tax_id)} ${branchText(a)}` : "",
    " — ", reasons.map((r) => (REASON_KEYS[r] ? t(REASON_KEYS[r]) : r)).join(", "),
    ` (${t("acc.dup.score", { n: score })})`);

  const url = editing ? `/api/v1/accounts/${encodeURIComponent(account.id)}` : "/api/v1/accounts";
  const create = creator();
  async function save(body) {
    try {
      on.saved(await (editing ? api(url, { method: "PATCH", json: body }) : create(url, body)));
    } catch (err) {
      if (err.status === 401) return;
      if (err.status === 409 && err.code === "duplicate_tax_id") {
        ask("acc.taken.title", [], err.serverMessage, "acc.saveAnyway",
            () => save({ ...body, force: true }));
        return;
      }
      showErrors(err, fields, general, pick);
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(fields, general);
    confirm.hidden = true;
    const values = readFields(fields);
    const body = editing ? patchBody(initial, values) : createBody(values);
    if (editing && !Object.keys(body).length) {
      on.unchanged();
      return;
    }
    await busy(form, async () => {
      const query = duplicateQuery(body, editing ? values : null);
      if (editing && Object.keys(query).length) query.exclude_id = account.id;
      let likely = [];
      if (Object.keys(query).length) {
        try {
          const found = await api("/api/v1/accounts/duplicates", { method: "POST", json: query });
          likely = (found.items || []).filter((d) => d.score >= LIKELY);
        } catch (err) {
          if (err.status === 401) return;
          if (err.status === 422) { showErrors(err, fields, general, pick); return; }
          // Any other failure: the check is advice; the save still refuses a taken tax ID.
        }
      }
      if (likely.length) {
        ask("acc.dup.title", likely.map(dupItem), t("acc.dup.hint"), "acc.saveAnyway", () => save(body));
        return;
      }
      await save(body);
    });
  });

  container.replaceChildren(
    h("div", { class: "detail-head" }, heading,
      h("button", { type: "button", class: "btn btn-icon", onclick: on.cancel,
                    "aria-label": t("detail.close"), "data-i18n-aria-label": "detail.close" },
        h("span", { "aria-hidden": "true" }, "×"))),
    form);
  fields.name.input.focus();
  return heading;
}

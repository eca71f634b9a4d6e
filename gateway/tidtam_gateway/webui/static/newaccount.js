// The new-account form: RD lookup, a duplicate check before saving, and "save anyway" when
// the tax ID + branch is taken (409 duplicate_tax_id → force).

import { api } from "./api.js";
import { branchText, formatTaxId } from "./address.js";
import { listFieldPick } from "./contacts.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { lookupRow } from "./rdlookup.js";
import { busy, clearErrors, field, showErrors, tx } from "./ui.js";

const LIKELY = 80; // a duplicate's score from which we ask before saving
const ADDRESS = ["line", "subdistrict", "district", "province", "postcode"];
const REASON_KEYS = {
  tax_id_branch: "dup.reason.tax_id_branch", tax_id: "dup.reason.tax_id", name: "dup.reason.name",
  phone: "dup.reason.phone", email: "dup.reason.email",
};

/** "body.address.postcode" → "postcode", "query.tax_id" → "tax_id", "body.phones.0" → "phone". */
function pick(path) {
  const m = /^(?:body\.address|query)\.(\w+)/.exec(path ?? "");
  return m ? m[1] : listFieldPick(path);
}

function makeFields() {
  const text = (name, label, attrs = {}, extra = {}) =>
    field({ name, label, ...extra, attrs: { autocomplete: "off", ...attrs } });
  return {
    kind: field({ name: "kind", label: "acc.kind", control: "select", options: [
      ["company", t("acc.kind.company"), "acc.kind.company"],
      ["person", t("acc.kind.person"), "acc.kind.person"]] }),
    name: text("name", "acc.name", { maxlength: 200 }, { required: true }),
    tax_id: text("tax_id", "acc.taxId", { inputmode: "numeric", maxlength: 25, placeholder: "0107544000108" }),
    branch: text("branch", "acc.branch", { inputmode: "numeric", maxlength: 5, placeholder: "00000" },
                 { hint: "acc.branchHint" }),
    line: text("line", "addr.line", { maxlength: 300 }),
    subdistrict: text("subdistrict", "addr.subdistrict", { maxlength: 100 }),
    district: text("district", "addr.district", { maxlength: 100 }),
    province: text("province", "addr.province", { maxlength: 100 }),
    postcode: text("postcode", "addr.postcode", { inputmode: "numeric", maxlength: 5, placeholder: "10110" }),
    phone: text("phone", "field.phone", { inputmode: "tel", placeholder: "02-123-4567" }, { type: "tel" }),
    email: text("email", "field.email", { inputmode: "email", placeholder: "name@example.co.th" },
                { type: "email" }),
  };
}

function buildBody(fields) {
  const value = (name) => fields[name].input.value.trim();
  const body = { kind: fields.kind.input.value, name: value("name") };
  if (value("tax_id")) {
    body.tax_id = value("tax_id");
    if (value("branch")) body.branch = value("branch");
  }
  const address = Object.fromEntries(ADDRESS.filter(value).map((k) => [k, value(k)]));
  if (Object.keys(address).length) body.address = address;
  if (value("phone")) body.phones = [value("phone")];
  if (value("email")) body.emails = [value("email")];
  return body;
}

/** What /accounts/duplicates is asked: the identifying fields only. */
function duplicateQuery(body) {
  const q = {};
  for (const key of ["name", "tax_id", "branch", "phones", "emails"]) if (body[key]) q[key] = body[key];
  return q;
}

/**
 * Render the form into `container`. on: {created(account), cancel(), openAccount(id)}.
 */
export function renderNewAccount(container, on) {
  const fields = makeFields();
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const confirm = h("div", { role: "alert", tabindex: "-1", hidden: true });
  const heading = tx("h2", "acc.new.title", { class: "detail-title", tabindex: "-1" });
  const lookup = lookupRow(fields, pick);

  const form = h("form", { class: "stack", novalidate: true },
    h("div", { class: "grid-2" }, fields.kind.wrap, fields.name.wrap),
    h("div", { class: "grid-2" }, fields.tax_id.wrap, fields.branch.wrap),
    h("div", { class: "stack-sm" }, h("div", {}, lookup.button), lookup.message),
    fields.line.wrap,
    h("div", { class: "grid-2" }, fields.subdistrict.wrap, fields.district.wrap),
    h("div", { class: "grid-2" }, fields.province.wrap, fields.postcode.wrap),
    h("div", { class: "grid-2" }, fields.phone.wrap, fields.email.wrap),
    general,
    confirm,
    h("div", { class: "form-actions" },
      tx("button", "acc.new.submit", { type: "submit", class: "btn btn-primary" }),
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

  async function save(body) {
    try {
      on.created(await api("/api/v1/accounts", { method: "POST", json: body }));
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
    const body = buildBody(fields);
    await busy(form, async () => {
      const query = duplicateQuery(body);
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
}

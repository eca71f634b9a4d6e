// @ts-check
// The account form's fields, and the bodies it sends: a whole account to create, or only the
// fields the user changed to PATCH. The body builders are plain functions of the form's text.

import { h } from "./dom.js";
import { bodyField, formatPhone } from "./format.js";
import { t } from "./i18n.js";
import { field, tx } from "./ui.js";

export const ADDRESS = ["line", "subdistrict", "district", "province", "postcode"];
const TEXTS = ["kind", "name", "name_en", "tax_id", "branch", "website", "line_id"];
const LISTS = { phone: "phones", email: "emails", labels: "labels" };

/** "body.phones.0" → "phone", "body.emails" → "email", else as the lead form does. */
export function listFieldPick(path) {
  const m = /^body\.(phones|emails)\b/.exec(path ?? "");
  if (m) return m[1] === "phones" ? "phone" : "email";
  return bodyField(path);
}

/** "body.address.postcode" → "postcode", "query.tax_id" → "tax_id", "body.phones.0" → "phone". */
export function pick(path) {
  const m = /^(?:body\.address|query)\.(\w+)/.exec(path ?? "");
  return m ? m[1] : listFieldPick(path);
}

/** "081-234-5678, 02-123-4567" → both; a phone may carry "ต่อ 12" but never a comma. */
export const splitList = (text) => (text || "").split(/[,\n]/).map((s) => s.trim()).filter(Boolean);

export function makeFields() {
  const text = (name, label, attrs = {}, extra = {}) =>
    field({ name, label, ...extra, attrs: { autocomplete: "off", ...attrs } });
  return {
    kind: field({ name: "kind", label: "acc.kind", control: "select", options: [
      ["company", t("acc.kind.company"), "acc.kind.company"],
      ["person", t("acc.kind.person"), "acc.kind.person"]] }),
    name: text("name", "acc.name", { maxlength: 200 }, { required: true }),
    name_en: text("name_en", "acc.nameEn", { maxlength: 200, lang: "en" }),
    tax_id: text("tax_id", "acc.taxId", { inputmode: "numeric", maxlength: 25, placeholder: "0107544000108" }),
    branch: text("branch", "acc.branch", { inputmode: "numeric", maxlength: 5, placeholder: "00000" },
                 { hint: "acc.branchHint" }),
    line: text("line", "addr.line", { maxlength: 300 }),
    subdistrict: text("subdistrict", "addr.subdistrict", { maxlength: 100 }),
    district: text("district", "addr.district", { maxlength: 100 }),
    province: text("province", "addr.province", { maxlength: 100 }),
    postcode: text("postcode", "addr.postcode", { inputmode: "numeric", maxlength: 5, placeholder: "10110" }),
    phone: text("phone", "field.phone", { inputmode: "tel", placeholder: "02-123-4567" },
                { type: "tel", hint: "acc.listHint" }),
    email: text("email", "field.email", { inputmode: "email", multiple: true, placeholder: "name@example.co.th" },
                { type: "email", hint: "acc.listHint" }),
    website: text("website", "acc.website", { maxlength: 300, inputmode: "url", placeholder: "https://" }),
    line_id: text("line_id", "acc.lineId", { maxlength: 100 }),
    credit_limit: text("credit_limit", "acc.creditLimitBaht", { inputmode: "decimal", placeholder: "50,000" }),
    credit_days: text("credit_days", "acc.creditDaysField", { inputmode: "numeric", placeholder: "30" }),
    labels: text("labels", "acc.labels", {}, { hint: "acc.labelsHint" }),
  };
}

/** The form's inputs in order (lookup: the RD lookup row, shown under the tax ID). */
export function fieldsLayout(fields, lookup) {
  const pair = (a, b) => h("div", { class: "grid-2" }, fields[a].wrap, fields[b].wrap);
  return [
    pair("kind", "name"),
    fields.name_en.wrap,
    pair("tax_id", "branch"),
    h("div", { class: "stack-sm" }, h("div", {}, lookup.button), lookup.message),
    fields.line.wrap,
    pair("subdistrict", "district"),
    pair("province", "postcode"),
    pair("phone", "email"),
    pair("website", "line_id"),
    h("fieldset", { class: "form-group" }, tx("legend", "acc.terms"), pair("credit_limit", "credit_days")),
    fields.labels.wrap,
  ];
}

/** The text the form shows for `account` (empty strings for a new one). */
export function formValues(account) {
  const a = account || {};
  const limit = a.credit_limit === null || a.credit_limit === undefined ? ""
    : String(a.credit_limit).replace(/\.00$/, "");
  return {
    kind: a.kind || "company", name: a.name || "", name_en: a.name_en || "",
    tax_id: a.tax_id || "", branch: a.tax_id ? a.branch || "" : "",
    ...Object.fromEntries(ADDRESS.map((k) => [k, a.address?.[k] || ""])),
    phone: (a.phones || []).map(formatPhone).join(", "),
    email: (a.emails || []).join(", "),
    website: a.website || "", line_id: a.line_id || "",
    credit_limit: limit,
    credit_days: a.credit_days === null || a.credit_days === undefined ? "" : String(a.credit_days),
    labels: (a.labels || []).join(", "),
  };
}

export function fillFields(fields, values) {
  for (const [key, value] of Object.entries(values)) fields[key].input.value = value;
}

export function readFields(fields) {
  return Object.fromEntries(Object.entries(fields).map(([key, f]) => [key, f.input.value.trim()]));
}

// "50,000" → "50000"; anything else goes as typed, and the server's 422 says what is wrong.
const money = (text) => (text ? text.replace(/[,\s]/g, "") : null);
const days = (text) => (text ? (/^\d+$/.test(text) ? Number(text) : text) : null);

function addressOf(values) {
  const address = Object.fromEntries(ADDRESS.filter((k) => values[k]).map((k) => [k, values[k]]));
  return Object.keys(address).length ? address : null;
}

/** What POST /accounts is sent: the filled fields only. */
export function createBody(v) {
  const body = { kind: v.kind, name: v.name };
  for (const key of ["name_en", "tax_id", "website", "line_id"]) if (v[key]) body[key] = v[key];
  if (v.tax_id && v.branch) body.branch = v.branch;
  if (addressOf(v)) body.address = addressOf(v);
  for (const [key, api] of Object.entries(LISTS)) if (v[key]) body[api] = splitList(v[key]);
  if (v.credit_limit) body.credit_limit = money(v.credit_limit);
  if (v.credit_days) body.credit_days = days(v.credit_days);
  return body;
}

/**
 * What PATCH /accounts/{id} is sent: only what differs from the text the form was filled
 * with; a cleared field is null (a cleared list is []); the address goes whole.
 */
export function patchBody(initial, v) {
  const body = {};
  const changed = (key) => v[key] !== initial[key];
  // A cleared name goes as "" for the server to refuse by name; other cleared texts are null.
  for (const key of TEXTS) if (changed(key)) body[key] = key === "name" ? v.name : v[key] || null;
  if (ADDRESS.some(changed)) body.address = addressOf(v);
  for (const [key, api] of Object.entries(LISTS)) if (changed(key)) body[api] = splitList(v[key]);
  if (changed("credit_limit")) body.credit_limit = money(v.credit_limit);
  if (changed("credit_days")) body.credit_days = days(v.credit_days);
  return body;
}

/**
 * What /accounts/duplicates is asked: the identifying fields of `body`. When editing
 * (`values`: the form's text), a changed tax ID or branch is asked as the pair it makes.
 */
export function duplicateQuery(body, values = null) {
  const q = {};
  for (const key of ["name", "tax_id", "branch", "phones", "emails"]) {
    const v = body[key];
    if (Array.isArray(v) ? v.length : v) q[key] = v;
  }
  if (values && (q.tax_id || q.branch)) {
    delete q.branch;
    if (values.tax_id) {
      q.tax_id = values.tax_id;
      if (values.branch) q.branch = values.branch;
    }
  }
  return q;
}

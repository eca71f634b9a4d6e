// @ts-check
// #/deals/new?account=<id> (from an account's page: the account preset) and
// #/deals/<id>/edit: the deal form. New: name, account (searched by name, tax ID or phone
// unless preset), contact (the account's), owner, stage (of any pipeline: it names the
// pipeline), amount, expected close, probability; POST /deals with an Idempotency-Key. Edit:
// what PATCH takes, and only what changed is sent.

import { api, asList, creator } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { peoplePicker } from "../../people-picker.js";
import { busy, clearErrors, errorMessage, field, showErrors, stageName, state } from "../../ui.js";
import { dateField } from "../../when.js";
import { amountText } from "./dialogs.js";
import { dealHref, dealUrl, useDealStyles } from "./index.js";
import { linesEditor, plainLines } from "./lines.js";

addStrings({
  th: {
    "dform.new": "สร้างดีล", "dform.edit": "แก้ไขดีล", "dform.save": "บันทึกดีล", "dform.cancel": "ยกเลิก",
    "dform.saved": "บันทึกดีล “{name}” แล้ว", "dform.unchanged": "ไม่มีอะไรเปลี่ยน",
    "dform.accountSearch": "ค้นหาลูกค้า", "dform.accountHint": "พิมพ์ชื่อ เลขผู้เสียภาษี หรือเบอร์โทร แล้วเลือกจากรายการ",
    "dform.accountPick": "— เลือกลูกค้า —", "dform.accountNone": "ไม่พบลูกค้าที่ตรงกับ “{q}”",
    "dform.accountNeeded": "เลือกลูกค้า", "dform.noContact": "— ไม่ระบุ —",
    "dform.probabilityBad": "ใส่ 0 ถึง 100", "dform.amountHint": "เว้นว่างไว้: ใช้ผลรวมของรายการสินค้า (ถ้ามี)",
    "dform.probabilityHint": "เว้นว่างไว้: ใช้ค่าเริ่มต้นของขั้นตอน",
  },
  en: {
    "dform.new": "New deal", "dform.edit": "Edit deal", "dform.save": "Save deal", "dform.cancel": "Cancel",
    "dform.saved": "Deal “{name}” saved", "dform.unchanged": "Nothing changed",
    "dform.accountSearch": "Find the account", "dform.accountHint": "Type a name, tax ID or phone, then pick from the list",
    "dform.accountPick": "— pick an account —", "dform.accountNone": "No account matches “{q}”",
    "dform.accountNeeded": "Pick an account", "dform.noContact": "— none —",
    "dform.probabilityBad": "Type 0 to 100", "dform.amountHint": "Leave it empty for the sum of the product lines (if any)",
    "dform.probabilityHint": "Leave it empty for the stage's default",
  },
});

/** @typedef {import("../../types.js").Params} Params */
/** @typedef {import("../../types.js").App} App */
/** @typedef {import("./index.js").Deal} Deal */

/**
 * The deal as its form shows it: an amount summed from the lines and a probability that is
 * the stage's default are shown empty (empty keeps them so).
 * @param {Deal} deal
 */
export const asShown = (deal) => ({ ...deal, amount: deal.amount_source === "lines" ? null : deal.amount,
  probability: deal.probability_typed === false ? null : deal.probability });

/**
 * The PATCH body of an edit: the fields whose value differs from the deal's as the form
 * showed it (asShown; a cleared amount, date, probability or contact is null), and the lines
 * when they changed.
 * @param {Deal} deal @param {Record<string, string|number|null>} values
 * @param {import("./lines.js").Line[]} [lines]
 */
export function changedFields(deal, values, lines = undefined) {
  /** @type {Record<string, any>} */
  const out = changedValues(asShown(deal), values);
  if (lines && JSON.stringify(plainLines(lines)) !== JSON.stringify(plainLines(deal.lines || []))) out.lines = plainLines(lines);
  return out;
}

function changedValues(/** @type {Deal} */ deal, /** @type {Record<string, string|number|null>} */ values) {
  /** @type {Record<string, string|number|null>} */
  const out = {};
  for (const [key, value] of Object.entries(values)) {
    const before = /** @type {any} */ (deal)[key];
    const same = key === "amount" && before !== null && value !== null ? Number(before) === Number(value) : before === value;
    if (!same) out[key] = value;
  }
  return out;
}

/** @param {HTMLElement} root @param {Params} params @param {App} app */
export function mount(root, params, app) {
  useDealStyles();
  const page = h("div", { class: "page deal-form-page" }, h("p", { class: "muted" }, t("list.loading")));
  root.replaceChildren(page);
  let alive = true;
  (async () => {
    /** @type {Deal|null} */
    let deal = null;
    let account = null;
    try {
      if (params.view === "edit") deal = await api(dealUrl(params.id));
      const accountId = deal ? deal.account_id : params.account;
      if (accountId) account = await api(`/api/v1/accounts/${encodeURIComponent(accountId)}`);
    } catch (err) {
      if (alive && err.status !== 401) page.replaceChildren(h("p", { class: "notice screen-notice" }, errorMessage(err)));
      return;
    }
    if (alive) renderForm(page, deal, account, params, app);
  })();
  return () => { alive = false; };
}

/** The account chooser: fixed (preset, or an edit) or searched. {wrap, input, error, value()} */
function accountField(/** @type {any} */ account, /** @type {(id: string) => void} */ picked) {
  const id = nextId("account");
  const error = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
  if (account) {
    const shown = h("p", { id, class: "deal-account-fixed" },
      h("a", { href: `#/accounts/${encodeURIComponent(account.id)}` }, account.name));
    return { wrap: h("div", { class: "field" }, h("span", { class: "label" }, t("deal.f.account_id")), shown, error),
             input: shown, error, value: () => account.id };
  }
  const note = h("p", { class: "hint", id: `${id}-note`, "aria-live": "polite" }, t("dform.accountHint"));
  const search = h("input", { type: "search", id: `${id}-q`, autocomplete: "off", maxlength: 200, "aria-describedby": `${id}-note` });
  const select = /** @type {HTMLSelectElement} */ (h("select", { id, name: "account_id", required: true, "aria-describedby": `${id}-note ${id}-err` },
    h("option", { value: "" }, t("dform.accountPick"))));
  let seq = 0;
  let timer = 0;
  async function find() {
    const q = search.value.trim();
    const mine = ++seq;
    let items = [];
    try { items = asList(await api("/api/v1/accounts", { query: { q, limit: 20 } })); } catch (err) {
      if (mine === seq) note.textContent = errorMessage(err);
      return;
    }
    if (mine !== seq) return;
    select.replaceChildren(h("option", { value: "" }, t("dform.accountPick")),
      ...items.map((a) => h("option", { value: a.id }, a.name)));
    if (items.length === 1) { select.value = items[0].id; picked(select.value); }
    note.textContent = q && !items.length ? t("dform.accountNone", { q }) : t("dform.accountHint");
  }
  search.addEventListener("input", () => { clearTimeout(timer); timer = window.setTimeout(find, 250); });
  search.addEventListener("keydown", (/** @type {KeyboardEvent} */ e) => {
    if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); find(); }
  });
  select.addEventListener("change", () => picked(select.value));
  find();
  const wrap = h("div", { class: "field" },
    h("label", { for: id }, t("deal.f.account_id"), h("span", { class: "req", "aria-hidden": "true" }, " *")),
    h("label", { for: `${id}-q`, class: "visually-hidden" }, t("dform.accountSearch")),
    search, select, note, error);
  return { wrap, input: select, error, value: () => select.value };
}

/**
 * @param {HTMLElement} page @param {Deal|null} deal @param {any} account @param {Params} params @param {App} app
 */
function renderForm(page, deal, account, params, app) {
  const name = field({ name: "name", label: "deal.f.name", required: true,
                       attrs: { maxlength: 200, autocomplete: "off", value: deal?.name ?? "" } });
  const contact = field({ name: "contact_id", label: "deal.f.contact_id", control: "select",
                          options: [["", t("dform.noContact")]] });
  const contactSelect = /** @type {HTMLSelectElement} */ (contact.input);
  // An edit keeps the deal's contact even while (or if) the account's contacts do not load.
  const keep = () => (deal?.contact_id ? [h("option", { value: deal.contact_id, selected: true }, `${deal.contact_id.slice(0, 8)}…`)] : []);
  contactSelect.append(...keep());
  async function loadContacts(/** @type {string} */ accountId) {
    if (!accountId) { contactSelect.replaceChildren(h("option", { value: "" }, t("dform.noContact"))); return; }
    let items = [];
    try { items = asList(await api(`/api/v1/accounts/${encodeURIComponent(accountId)}/contacts`, { query: { limit: 200 } })); } catch { return; }
    const known = items.some((c) => c.id === deal?.contact_id);
    contactSelect.replaceChildren(h("option", { value: "" }, t("dform.noContact")), ...(known ? [] : keep()),
      ...items.map((c) => h("option", { value: c.id }, c.position ? `${c.name} (${c.position})` : c.name)));
    const primary = items.find((c) => c.is_primary);
    contactSelect.value = deal ? deal.contact_id || "" : primary ? primary.id : "";
  }
  const accountPick = accountField(account, loadContacts);
  if (account) loadContacts(account.id);
  const owner = peoplePicker({ name: "owner_id", label: "deal.f.owner_id", required: true,
                               value: deal ? deal.owner_id : state.me?.id || "" });
  const stage = field({ name: "stage_id", label: "deal.f.stage_id", control: "select" });
  stage.input.append(...state.pipelines.map((p) => h("optgroup", { label: stageName(p) },
    p.stages.map((s) => h("option", { value: s.id }, stageName(s))))));
  const standard = state.pipelines.find((p) => /** @type {any} */ (p).is_standard) || state.pipelines[0];
  const chosenPipeline = state.pipelines.find((p) => p.id === params.pipeline) || standard;
  if (chosenPipeline?.stages[0]) /** @type {HTMLSelectElement} */ (stage.input).value = chosenPipeline.stages[0].id;
  const shown = deal ? asShown(deal) : null;
  const amount = field({ name: "amount", label: "deal.f.amount", hint: "dform.amountHint",
                         attrs: { inputmode: "decimal", autocomplete: "off", value: shown?.amount ?? "" } });
  const probability = field({ name: "probability", label: "deal.f.probability", type: "number", hint: "dform.probabilityHint",
                              attrs: { min: 0, max: 100, step: 1, value: shown?.probability ?? "" } });
  const lineRows = linesEditor(deal?.lines || [], () => {});
  const expected = dateField({ name: "expected_close", label: "deal.f.expected_close", value: deal?.expected_close ?? null });
  /** @type {Record<string, {input: any, error: HTMLElement}>} */
  const fields = { name, account_id: accountPick, contact_id: contact, owner_id: owner, amount, probability,
                   expected_close: expected, lines: lineRows, ...(deal ? {} : { stage_id: stage }) };
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const back = params.back && params.back.startsWith("#/") ? params.back : "";
  const cancelHref = deal ? dealHref(deal.id) : back || (account ? `#/accounts/${encodeURIComponent(account.id)}` : "#/deals");
  const heading = h("h1", { tabindex: "-1" }, t(deal ? "dform.edit" : "dform.new"));
  const form = h("form", { class: "stack deal-form", novalidate: true },
    name.wrap, accountPick.wrap, contact.wrap, owner.wrap, deal ? null : stage.wrap,
    lineRows.wrap, h("div", { class: "grid-2" }, amount.wrap, probability.wrap), expected.wrap, general,
    h("div", { class: "form-actions" },
      h("button", { type: "submit", class: "btn btn-primary" }, t("dform.save")),
      h("a", { class: "btn", href: cancelHref }, t("dform.cancel"))));
  const post = creator();
  /** @param {{error: HTMLElement, input: any}} f @param {string} text */
  const bad = (f, text) => { f.error.textContent = text; f.error.hidden = false; f.input.setAttribute?.("aria-invalid", "true"); };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors(fields, general);
    const amountValue = amountText(/** @type {HTMLInputElement} */ (amount.input).value);
    const p = /** @type {HTMLInputElement} */ (probability.input).value.trim();
    const probabilityValue = p === "" ? null : Number(p);
    const day = expected.read();
    const wrong = [];
    if (amountValue === null) wrong.push(() => bad(amount, t("ddlg.amountBad")));
    if (probabilityValue !== null && !(Number.isInteger(probabilityValue) && probabilityValue >= 0 && probabilityValue <= 100)) {
      wrong.push(() => bad(probability, t("dform.probabilityBad")));
    }
    if (day === null) wrong.push(() => bad(expected, t("when.invalid")));
    if (!deal && !accountPick.value()) wrong.push(() => bad(accountPick, t("dform.accountNeeded")));
    const lines = lineRows.read(); // null: it said beside the line what is wrong
    if (lines === null) wrong.push(() => {});
    if (wrong.length) { wrong.forEach((f) => f()); return; }
    /** @type {Record<string, string|number|null>} */
    const values = {
      name: /** @type {HTMLInputElement} */ (name.input).value.trim(),
      contact_id: contactSelect.value || null, amount: amountValue || null,
      probability: probabilityValue, expected_close: day || null,
    };
    if (owner.value()) values.owner_id = owner.value();
    busy(form, async () => {
      let saved;
      try {
        if (deal) {
          const changes = changedFields(deal, values, lines || []);
          if (!Object.keys(changes).length) { app.toast(t("dform.unchanged")); app.navigate(dealHref(deal.id)); return; }
          saved = await api(dealUrl(deal.id), { method: "PATCH", json: changes });
        } else {
          const stageId = /** @type {HTMLSelectElement} */ (stage.input).value;
          /** @type {Record<string, any>} */
          const json = { account_id: accountPick.value(), stage_id: stageId,
                         pipeline_id: state.stageById.get(stageId)?.pipeline.id };
          for (const [key, value] of Object.entries(values)) if (value !== null && value !== "") json[key] = value;
          if (lines?.length) json.lines = plainLines(lines);
          saved = await post("/api/v1/deals", json);
        }
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general);
        return;
      }
      app.toast(t("dform.saved", { name: saved.name }));
      app.navigate(dealHref(saved.id), { replace: true });
    });
  });
  page.replaceChildren(heading, form);
  heading.focus();
}

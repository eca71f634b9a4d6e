// @ts-check
// The monthly sales targets editor (admins, under the targets report): pick a month, see each
// active salesperson's target for it (GET /api/v1/insights/targets?month=YYYY-MM: the targets
// report of that month, a row per person with a target or a sale), change the
// amounts and save: one PUT /api/v1/insights/targets {user_id, month, amount} per changed
// person (an upsert: saving again changes nothing). Amounts in baht, up to two decimals.

import { api, asList } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { fieldErrorText } from "../../field-errors.js";
import { addStrings, t } from "../../i18n.js";
import { errorMessage, state, toast } from "../../ui.js";
import { monthText } from "./model.js";

addStrings({
  th: {
    "tgt.title": "ตั้งเป้าการขาย", "tgt.month": "เดือน", "tgt.person": "พนักงานขาย",
    "tgt.amount": "เป้า (บาท)", "tgt.amountOf": "เป้าของ {name} (บาท)", "tgt.save": "บันทึกเป้า",
    "tgt.saved": "บันทึกเป้าแล้ว {n} คน", "tgt.nothing": "ไม่มีเป้าที่เปลี่ยน",
    "tgt.bad": "ใส่จำนวนเงินเป็นบาท ทศนิยมไม่เกิน 2 ตำแหน่ง", "tgt.loading": "กำลังโหลดเป้า…",
    "tgt.nobody": "ยังไม่มีพนักงานขาย",
  },
  en: {
    "tgt.title": "Set sales targets", "tgt.month": "Month", "tgt.person": "Salesperson",
    "tgt.amount": "Target (THB)", "tgt.amountOf": "{name}'s target (THB)", "tgt.save": "Save the targets",
    "tgt.saved": "Targets saved for {n} people", "tgt.nothing": "No target was changed",
    "tgt.bad": "Enter an amount in baht with at most 2 decimals", "tgt.loading": "Loading the targets…",
    "tgt.nobody": "There are no salespeople yet",
  },
});

const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");

/** "YYYY-MM" of the month `shift` months from `today`'s. */
export function monthOf(/** @type {Date} */ today, shift = 0) {
  const d = new Date(today.getFullYear(), today.getMonth() + shift, 1);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

/** "1,500,000.5" → "1500000.50"; "" → ""; anything else (letters, 3 decimals, < 0) → null. */
export function amountOf(/** @type {string} */ typed) {
  const v = (typed || "").replace(/[,\s฿]/g, "");
  if (!v) return "";
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(v);
  if (!m) return null;
  return `${BigInt(m[1])}.${(m[2] || "").padEnd(2, "0")}`;
}

/** The same amount the API wrote ("1500000.00" and "1500000" are one target). */
const same = (/** @type {string} */ a, /** @type {string} */ b) => amountOf(a) === amountOf(b);

/**
 * user id → amount of a month's targets: from the targets report's rows ({user, target}), or
 * from a plain list of targets ({user_id, amount}). People without a target are left out.
 * @returns {Map<string, string>}
 */
export function targetAmounts(/** @type {any} */ data) {
  const rows = data && Array.isArray(data.rows) ? data.rows : asList(data);
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const r of rows) {
    const user = r && (r.user_id ?? r.user);
    const amount = r && (r.amount ?? r.target);
    if (user && amount !== null && amount !== undefined) out.set(String(user), String(amount));
  }
  return out;
}

/** The month last picked: the editor is drawn again after a save and stays on it. */
let picked = "";

/** @param {() => void} saved called after a save (the report is drawn again) */
export function targetsEditor(saved) {
  const id = nextId("tgt");
  const today = new Date();
  const months = Array.from({ length: 25 }, (_, i) => monthOf(today, i - 12));
  const month = h("select", { id: `${id}-month`, name: "month" },
    months.map((m) => h("option", { value: m }, monthText(m))));
  month.value = months.includes(picked) ? picked : months[12];
  const body = h("tbody");
  const status = h("p", { class: "muted", role: "status" });
  const error = h("p", { class: "form-error", role: "alert", hidden: true, tabindex: "-1" });
  const submit = h("button", { type: "submit", class: "btn btn-primary" }, t("tgt.save"));
  const form = h("form", { class: "ins-targets stack", novalidate: true, "aria-labelledby": id },
    h("h3", { id }, t("tgt.title")),
    h("div", { class: "field ins-month" }, h("label", { for: `${id}-month` }, t("tgt.month")), month),
    status,
    h("div", { class: "ins-table-wrap" }, h("table", { class: "ins-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("tgt.person")), h("th", { scope: "col", class: "num" }, t("tgt.amount")))),
      body)),
    error, h("div", { class: "form-actions" }, submit));
  /** @type {{user: string, name: string, input: HTMLInputElement, was: string, err: HTMLElement}[]} */
  let rows = [];
  let seq = 0;

  async function load() {
    const mine = ++seq;
    status.textContent = t("tgt.loading");
    let amounts;
    try {
      amounts = targetAmounts(await api("/api/v1/insights/targets", { query: { month: month.value } }));
    } catch (err) {
      if (mine === seq) status.textContent = err.status === 401 ? "" : errorMessage(err);
      return;
    }
    if (mine !== seq) return;
    const people = (state.users || []).filter((u) => u.active !== false && u.role !== "integration");
    status.textContent = people.length ? "" : t("tgt.nobody");
    rows = people.map((u) => {
      const was = amounts.get(u.id) || "";
      const input = /** @type {HTMLInputElement} */ (h("input", { type: "text", inputmode: "decimal", name: `target-${u.id}`,
        value: was, "aria-label": t("tgt.amountOf", { name: u.name }), autocomplete: "off", class: "num" }));
      const errId = nextId("tgt-err");
      input.setAttribute("aria-describedby", errId);
      const err = h("p", { class: "field-error", id: errId, hidden: true });
      return { user: u.id, input, was, err, name: u.name };
    });
    body.replaceChildren(...rows.map((r) => h("tr", {}, h("th", { scope: "row" }, r.name),
      h("td", { class: "num" }, r.input, r.err))));
  }

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    let bad = null;
    const changed = [];
    for (const r of rows) {
      const amount = amountOf(r.input.value);
      r.err.hidden = amount !== null;
      r.err.textContent = amount === null ? t("tgt.bad") : "";
      if (amount === null) { r.input.setAttribute("aria-invalid", "true"); bad ||= r.input; continue; }
      r.input.removeAttribute("aria-invalid");
      if (amount !== "" && !same(amount, r.was)) changed.push({ r, amount });
    }
    if (bad) { bad.focus(); return; }
    if (!changed.length) { toast(t("tgt.nothing")); return; }
    submit.disabled = true;
    let done = 0;
    try {
      for (const { r, amount } of changed) {
        await api("/api/v1/insights/targets", { method: "PUT",
          json: { user_id: r.user, month: month.value, amount } });
        r.was = amount;
        done++;
      }
    } catch (err) {
      const first = err.fields?.[0];
      error.textContent = first ? `${errorMessage(err)}: ${fieldErrorText(first)}` : errorMessage(err);
      error.hidden = false;
      error.focus();
    } finally {
      submit.disabled = false;
    }
    if (done) {
      toast(t("tgt.saved", { n: done }));
      if (done === changed.length) saved();
    }
  });
  month.addEventListener("change", () => { picked = month.value; load(); });
  load();
  return form;
}

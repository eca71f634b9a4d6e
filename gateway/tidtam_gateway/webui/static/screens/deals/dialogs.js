// @ts-check
// The won and lost dialogs of a deal (native <dialog>, modal: focus stays inside, Escape
// cancels, focus goes back to the button that opened it). Won: the amount it closed at (the
// deal's own, changeable) and the day (today); lost: the reason, one of the tenant's lost
// reasons or typed. Each POST carries an Idempotency-Key; the server's refusal is said
// beside the field it names.

import { creator } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { busy, clearErrors, field, reasonsFor, showErrors } from "../../ui.js";
import { dateField } from "../../when.js";
import { dealUrl } from "./index.js";

addStrings({
  th: {
    "ddlg.wonTitle": "ปิดการขายได้: {name}", "ddlg.wonSubmit": "บันทึกว่าขายได้", "ddlg.wonDone": "บันทึกว่าขายได้แล้ว",
    "ddlg.amountHint": "มูลค่าที่ปิดการขายได้จริง เว้นว่างไว้เพื่อใช้มูลค่าเดิมของดีล",
    "ddlg.lostTitle": "ขายไม่ได้: {name}", "ddlg.lostSubmit": "บันทึกว่าขายไม่ได้", "ddlg.lostDone": "บันทึกว่าขายไม่ได้แล้ว",
    "ddlg.reason": "เหตุผล", "ddlg.reasonPick": "— เลือกเหตุผล —", "ddlg.reasonOther": "อื่น ๆ (พิมพ์เอง)",
    "ddlg.reasonText": "เหตุผลอื่น", "ddlg.reasonNeeded": "ระบุเหตุผล", "ddlg.cancel": "ยกเลิก",
    "ddlg.amountBad": "ใส่ตัวเลข เช่น 15000 หรือ 15000.50",
  },
  en: {
    "ddlg.wonTitle": "Won: {name}", "ddlg.wonSubmit": "Mark as won", "ddlg.wonDone": "Marked as won",
    "ddlg.amountHint": "What it actually closed at; leave it empty to keep the deal's amount",
    "ddlg.lostTitle": "Lost: {name}", "ddlg.lostSubmit": "Mark as lost", "ddlg.lostDone": "Marked as lost",
    "ddlg.reason": "Reason", "ddlg.reasonPick": "— pick a reason —", "ddlg.reasonOther": "Other (type it)",
    "ddlg.reasonText": "Another reason", "ddlg.reasonNeeded": "Say why", "ddlg.cancel": "Cancel",
    "ddlg.amountBad": "Type a number, e.g. 15000 or 15000.50",
  },
});

/** @typedef {import("./index.js").Deal} Deal */
/** @typedef {(message?: string) => Promise<void>} Reload */

const OTHER = "__other__"; // the "type it" choice

/** "1,500,000.50 " → "1500000.50"; "" stays ""; null when it is not an amount. */
export function amountText(/** @type {string} */ typed) {
  const plain = typed.replace(/[\s,฿]/g, "");
  if (!plain) return "";
  return /^\d+(\.\d{1,2})?$/.test(plain) ? plain : null;
}

/** Today in the browser's zone as YYYY-MM-DD (the won dialog's default day). */
export function today(/** @type {Date} */ now = new Date()) {
  const pad = (/** @type {number} */ n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * A modal dialog in `host` with a title, a form of `children` and Submit / Cancel; `submit`
 * runs with the form's controls disabled and returns the toast's message (undefined: it
 * failed and said why, the dialog stays).
 * @param {HTMLElement} host @param {HTMLElement} opener @param {string} title @param {string} submitText
 * @param {string} submitClass @param {Node[]} children @param {(form: HTMLFormElement) => Promise<string|undefined>} submit
 * @param {Reload} reload
 */
function modal(host, opener, title, submitText, submitClass, children, submit, reload) {
  const id = nextId("dlg");
  const dialog = /** @type {HTMLDialogElement} */ (h("dialog", { class: "sheet-dialog deal-dialog", "aria-labelledby": id }));
  const cancel = h("button", { type: "button", class: "btn", onclick: () => dialog.close() }, t("ddlg.cancel"));
  const form = /** @type {HTMLFormElement} */ (h("form", { class: "stack", novalidate: true }, ...children,
    h("div", { class: "form-actions" }, h("button", { type: "submit", class: `btn ${submitClass}` }, submitText), cancel)));
  dialog.append(h("h2", { id }, title), form);
  dialog.addEventListener("close", () => { dialog.remove(); opener.focus(); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(form, () => submit(form)).then((message) => {
      if (message === undefined) return;
      dialog.close();
      reload(message);
    });
  });
  host.replaceChildren(dialog);
  dialog.showModal();
  return dialog;
}

/** @param {HTMLElement} host @param {Deal} deal @param {Reload} reload @param {HTMLElement} opener */
export function wonDialog(host, deal, reload, opener) {
  const amount = field({ name: "amount", label: "deal.f.amount", hint: "ddlg.amountHint",
                         attrs: { inputmode: "decimal", autocomplete: "off", value: deal.amount ?? "" } });
  const closedOn = dateField({ name: "closed_on", label: "deal.f.closed_on", value: today() });
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const fields = { amount, closed_on: closedOn };
  const post = creator();
  modal(host, opener, t("ddlg.wonTitle", { name: deal.name }), t("ddlg.wonSubmit"), "btn-primary",
    [amount.wrap, closedOn.wrap, general], async () => {
      clearErrors(fields, general);
      const typed = amountText(/** @type {HTMLInputElement} */ (amount.input).value);
      const day = closedOn.read();
      if (typed === null || day === null) {
        const bad = typed === null ? amount : closedOn;
        bad.error.textContent = typed === null ? t("ddlg.amountBad") : t("when.invalid");
        bad.error.hidden = false;
        setTimeout(() => bad.input.focus());
        return undefined;
      }
      /** @type {Record<string, string>} */
      const json = {};
      if (typed) json.amount = typed;
      if (day) json.closed_on = day;
      try {
        await post(dealUrl(deal.id, "/won"), json);
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general);
        return undefined;
      }
      return t("ddlg.wonDone");
    }, reload);
}

/** @param {HTMLElement} host @param {Deal} deal @param {Reload} reload @param {HTMLElement} opener */
export function lostDialog(host, deal, reload, opener) {
  const pick = field({ name: "reason_pick", label: "ddlg.reason", control: "select",
                       options: [["", t("ddlg.reasonPick")], [OTHER, t("ddlg.reasonOther")]] });
  const typed = field({ name: "reason", label: "ddlg.reasonText", attrs: { maxlength: 500, autocomplete: "off" } });
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const select = /** @type {HTMLSelectElement} */ (pick.input);
  const showTyped = () => { typed.wrap.hidden = select.value !== OTHER; };
  select.addEventListener("change", showTyped);
  showTyped();
  reasonsFor("lost").then((reasons) => {
    select.replaceChildren(h("option", { value: "" }, t("ddlg.reasonPick")),
      ...reasons.map((r) => h("option", { value: r }, r)), h("option", { value: OTHER }, t("ddlg.reasonOther")));
    if (!reasons.length) { select.value = OTHER; showTyped(); }
  });
  const fields = { reason: typed, reason_pick: pick };
  const post = creator();
  modal(host, opener, t("ddlg.lostTitle", { name: deal.name }), t("ddlg.lostSubmit"), "btn-danger",
    [pick.wrap, typed.wrap, general], async () => {
      clearErrors(fields, general);
      const reason = select.value === OTHER ? /** @type {HTMLInputElement} */ (typed.input).value.trim() : select.value;
      if (!reason) {
        const where = select.value === OTHER ? typed : pick;
        where.error.textContent = t("ddlg.reasonNeeded");
        where.error.hidden = false;
        setTimeout(() => where.input.focus());
        return undefined;
      }
      try {
        await post(dealUrl(deal.id, "/lost"), { reason });
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general);
        return undefined;
      }
      return t("ddlg.lostDone");
    }, reload);
}

// @ts-check
// "Look up at the Revenue Department": fills the new-account form from the RD's VAT registry.
// Nothing is saved; the user checks the filled fields and saves as usual.

import { api } from "./api.js";
import { branchText } from "./address.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { clearErrors, errorMessage, showErrors, tx } from "./ui.js";

const ADDRESS = ["line", "subdistrict", "district", "province", "postcode"];

function fill(fields, c) {
  fields.kind.input.value = c.kind === "person" ? "person" : "company";
  fields.name.input.value = c.name || "";
  fields.tax_id.input.value = c.tax_id || "";
  fields.branch.input.value = c.branch || "";
  for (const key of ADDRESS) fields[key].input.value = c.address?.[key] || "";
}

/**
 * The button and its message line. fields: the form's fields (kind, name, tax_id, branch,
 * the address parts); pick maps an error path to one of them.
 */
export function lookupRow(fields, pick) {
  const message = h("div", { class: "lookup-result", role: "status", "aria-live": "polite" });
  const button = tx("button", "acc.lookup", { type: "button", class: "btn" });
  const say = (text, kind = "notice") => {
    message.replaceChildren(h("p", { class: kind }, text));
  };

  function choose(candidates, index) {
    const c = candidates[index];
    fill(fields, c);
    const others = candidates.length > 1
      ? h("ul", { class: "dup-list" }, candidates.map((x, i) => (i === index ? null : h("li", {},
        h("button", { type: "button", class: "link", onclick: () => choose(candidates, i) },
          `${branchText(x)} — ${x.address?.province || x.name}`)))))
      : null;
    message.replaceChildren(h("div", { class: "notice" },
      h("p", {}, t("acc.lookup.filled", { name: c.name, branch: branchText(c) })),
      others ? h("p", { class: "hint" }, t("acc.lookup.others", { n: candidates.length })) : null,
      others));
  }

  button.addEventListener("click", async () => {
    const taxId = fields.tax_id.input.value.trim();
    clearErrors({ tax_id: fields.tax_id });
    if (!taxId) {
      say(t("acc.lookup.needTaxId"), "form-error");
      fields.tax_id.input.focus();
      return;
    }
    say(t("acc.lookup.busy"), "muted");
    button.disabled = true;
    let data;
    try {
      data = await api("/api/v1/accounts/lookup", { query: { tax_id: taxId } });
    } catch (err) {
      if (err.status === 401) return;
      if (err.status === 503) say(t("acc.lookup.unavailable"), "notice notice-warn");
      else if (err.status === 422 && err.fields.some((f) => pick(f.field) === "tax_id")) {
        message.replaceChildren();
        showErrors(err, { tax_id: fields.tax_id }, null, pick);
      } else say(errorMessage(err), "form-error");
      return;
    } finally {
      button.disabled = false;
    }
    if (!data.found || !data.candidates?.length) say(t("acc.lookup.notFound"), "notice notice-warn");
    else choose(data.candidates, 0);
  });
  return { button, message };
}

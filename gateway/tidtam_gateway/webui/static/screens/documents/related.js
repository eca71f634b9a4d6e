// @ts-check
// The documents of a lead or an account (GET /leads/{id}/documents, /accounts/{id}/documents,
// answered by the documents service): quotations, invoices, tax invoices and credit notes,
// newest first, each with its kind, number, status, date and total, a link to its quotation
// and its PDF (a tax invoice's original and copy); and "New quotation" for the lead or account.

import { api, asList } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { errorText } from "../../errors.js";
import { formatBaht, formatDate } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { pdfButton, useDocStyles } from "./index.js";

addStrings({
  th: {
    "rel.title": "เอกสาร", "rel.newQuote": "สร้างใบเสนอราคา", "rel.none": "ยังไม่มีเอกสาร",
    "rel.loading": "กำลังโหลดเอกสาร…", "rel.open": "เปิด {what}",
    "rel.fromQuote": "จากใบเสนอราคา", "rel.original": "ต้นฉบับ", "rel.copy": "สำเนา",
    "doc.status.issued": "ออกแล้ว", "doc.status.tax_invoiced": "ออกใบกำกับภาษีแล้ว",
  },
  en: {
    "rel.title": "Documents", "rel.newQuote": "New quotation", "rel.none": "No documents yet",
    "rel.loading": "Loading documents…", "rel.open": "Open {what}",
    "rel.fromQuote": "From the quotation", "rel.original": "Original", "rel.copy": "Copy",
    "doc.status.issued": "Issued", "doc.status.tax_invoiced": "Tax invoice issued",
  },
});

/** A document's API path of its PDF (a quote's unless the item names its own).
 * @param {any} d */
export function pdfPath(d) {
  if (d.pdf_url) return d.pdf_url;
  const kind = d.kind || "quote";
  const base = { quote: "quotes", invoice: "invoices", tax_invoice: "tax-invoices", credit_note: "credit-notes" }[kind] || "quotes";
  return `/api/v1/${base}/${d.id}/pdf`;
}

/** The item's line: kind, number (or "draft"), status. @param {any} d */
export function docTitle(d) {
  const kind = t(`doc.kind.${d.kind || "quote"}`);
  return `${kind} ${d.number || `(${t("doc.draftNo")})`}`;
}

/**
 * @param {{lead_id?: string, account_id?: string, canQuote?: boolean}} of
 * @returns {HTMLElement}
 */
export function documentsSection(of) {
  useDocStyles();
  const id = nextId("docs");
  const path = of.lead_id ? `/api/v1/leads/${of.lead_id}/documents` : `/api/v1/accounts/${of.account_id}/documents`;
  const newHref = of.lead_id ? `#/quotes/new?lead=${of.lead_id}` : `#/quotes/new?account=${of.account_id}`;
  const list = h("ul", { class: "doc-list" });
  const status = h("p", { class: "muted", role: "status" }, t("rel.loading"));
  const section = h("section", { class: "action-card doc-related", "aria-labelledby": id },
    h("div", { class: "doc-related-head" }, h("h3", { id }, t("rel.title")),
      of.canQuote === false ? null : h("a", { class: "btn btn-sm", href: newHref, "data-new-quote": "" }, t("rel.newQuote"))),
    status, list);
  api(path, { query: { limit: 50 } }).then((data) => {
    const items = asList(data);
    status.textContent = items.length ? "" : t("rel.none");
    status.hidden = !items.length ? false : true;
    list.replaceChildren(...items.map(item));
  }).catch((err) => { status.textContent = errorText(err); });
  return section;
}

/** @param {any} d */
function item(d) {
  const L = lang();
  const title = docTitle(d);
  const kind = d.kind || "quote";
  const quoteId = d.quote_id || d.id;
  const pdfs = kind === "tax_invoice"
    ? [pdfButton(pdfPath(d), t("rel.original"), "btn btn-sm"), pdfButton(`${pdfPath(d)}?copy=true`, t("rel.copy"), "btn btn-sm")]
    : [pdfButton(pdfPath(d), t("doc.pdf"), "btn btn-sm")];
  return h("li", { class: "doc-item", dataset: { id: d.id, kind, status: d.status || "" } },
    h("div", { class: "doc-item-main" },
      h("a", { href: `#/quotes/${quoteId}`, class: "doc-link",
        title: kind === "quote" ? null : t("rel.fromQuote") }, title),
      d.status ? h("span", { class: `badge doc-status doc-status-${d.status}` }, t(`doc.status.${d.status}`)) : null,
      h("span", { class: "doc-amount" }, formatBaht(d.total ?? d.grand_total, L)),
      d.issue_date ? h("span", { class: "muted" }, formatDate(d.issue_date, L)) : null),
    ...pdfs);
}

// @ts-check
// The documents screens' routes and nav links (routes.js spreads them into its tables), their
// titles, and what the screens share: the labels of VAT types and statuses, the API's
// optional parts (asked once from the merged OpenAPI document), and opening a PDF.

import { api } from "../../api.js";
import { h } from "../../dom.js";
import { errorText } from "../../errors.js";
import { addStrings, t } from "../../i18n.js";
import { toast } from "../../ui.js";

addStrings({
  th: {
    "nav.products": "สินค้าและบริการ", "nav.company": "ข้อมูลบริษัท", "nav.quote": "ใบเสนอราคา",
    "doc.vat.vat7": "VAT 7%", "doc.vat.zero": "VAT 0%", "doc.vat.exempt": "ยกเว้น VAT",
    "doc.status.draft": "ฉบับร่าง", "doc.status.sent": "ส่งแล้ว", "doc.status.accepted": "ลูกค้าตกลง",
    "doc.status.rejected": "ลูกค้าปฏิเสธ", "doc.status.expired": "หมดอายุ",
    "doc.kind.quote": "ใบเสนอราคา", "doc.kind.invoice": "ใบแจ้งหนี้",
    "doc.kind.tax_invoice": "ใบกำกับภาษี/ใบเสร็จรับเงิน", "doc.kind.credit_note": "ใบลดหนี้",
    "doc.pdf": "เปิด PDF", "doc.pdfOf": "เปิด PDF: {what}", "doc.pdfLoading": "กำลังสร้าง PDF…",
    "doc.pdfReady": "PDF พร้อมแล้ว: {name}", "doc.pdfOpen": "เปิดไฟล์ PDF", "doc.draftNo": "ร่าง",
  },
  en: {
    "nav.products": "Products and services", "nav.company": "Company profile", "nav.quote": "Quotation",
    "doc.vat.vat7": "VAT 7%", "doc.vat.zero": "VAT 0%", "doc.vat.exempt": "VAT exempt",
    "doc.status.draft": "Draft", "doc.status.sent": "Sent", "doc.status.accepted": "Accepted",
    "doc.status.rejected": "Rejected", "doc.status.expired": "Expired",
    "doc.kind.quote": "Quotation", "doc.kind.invoice": "Invoice",
    "doc.kind.tax_invoice": "Tax invoice / receipt", "doc.kind.credit_note": "Credit note",
    "doc.pdf": "Open PDF", "doc.pdfOf": "Open PDF: {what}", "doc.pdfLoading": "Making the PDF…",
    "doc.pdfReady": "PDF ready: {name}", "doc.pdfOpen": "Open the PDF file", "doc.draftNo": "draft",
  },
});

/** @typedef {import("../../types.js").Route} Route */
/** @typedef {import("../../types.js").NavLink} NavLink */

const ADMIN = ["admin"];

/** @type {Route[]} */
export const DOC_ROUTES = [
  { path: "/admin/products", load: () => import("./products.js"), title: "nav.products", roles: ADMIN },
  { path: "/admin/company", load: () => import("./company.js"), title: "nav.company", roles: ADMIN },
  { path: "/quotes/new", load: () => import("./quote.js"), title: "nav.quote", params: { view: "new" } },
  { path: "/quotes/:id", load: () => import("./quote.js"), title: "nav.quote" },
];

/** @type {NavLink[]} */
export const DOC_NAV = [
  { group: "admin", href: "#/admin/products", label: "nav.products" },
  { group: "admin", href: "#/admin/company", label: "nav.company" },
];

export const VAT_TYPES = ["vat7", "zero", "exempt"];

/** @type {Promise<Set<string>> | null} */
let paths = null;
/**
 * Does the API have this operation ("post /api/v1/quotes/{quote_id}/invoice")? Asked once
 * from the gateway's merged OpenAPI document, so a button appears when the service gains it.
 * @param {string} method @param {RegExp} path
 */
export async function supports(method, path) {
  if (!paths) {
    paths = api("/api/v1/openapi.json").then((spec) => {
      const found = new Set();
      for (const [p, item] of Object.entries(spec?.paths || {})) {
        for (const m of Object.keys(item || {})) found.add(`${m} ${p}`);
      }
      return found;
    }).catch(() => { paths = null; return new Set(); });
  }
  const known = await paths;
  return [...known].some((x) => x.startsWith(`${method} `) && path.test(x.slice(method.length + 1)));
}

/**
 * A button that fetches a PDF (the call carries the session's token, which a plain link
 * cannot) and then shows a link to it (a blob: URL, opened in a new tab). The link keeps
 * `data-pdf` (the API path) for tests and for a second look.
 * @param {string} path API path of the PDF @param {string} label @param {string} [className]
 */
export function pdfButton(path, label, className = "btn btn-sm") {
  const link = h("a", { class: "pdf-link", target: "_blank", rel: "noopener", hidden: true, "data-pdf": path });
  /** @type {HTMLButtonElement} */
  const button = /** @type {any} */ (h("button", { type: "button", class: className, "data-pdf": path }, label));
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
      const blob = await api(path, { blob: true });
      const url = URL.createObjectURL(blob);
      link.setAttribute("href", url);
      link.setAttribute("type", blob.type);
      link.textContent = `${t("doc.pdfOpen")} (${label})`;
      link.hidden = false;
      window.open(url, "_blank", "noopener");
    } catch (err) {
      toast(errorText(err), "error");
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
  });
  return h("span", { class: "pdf-open" }, button, link);
}

let styled = false;
/** The documents screens' styles, added once. */
export function useDocStyles() {
  if (styled || typeof document.head?.append !== "function") return;
  styled = true;
  document.head.append(h("link", { rel: "stylesheet", href: "/ui/static/screens/documents/documents.css" }));
}

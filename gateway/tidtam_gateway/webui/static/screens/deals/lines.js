// @ts-check
// A deal's product lines: shown on the deal's page (product or name, quantity, price, amount)
// and edited in its form: a line is a product of the catalogue (GET /products: its name and
// price unless typed) or a typed name and price; the deal's amount is their sum unless one is
// typed (the API's rule). Quantities up to 3 decimals, prices to the satang.

import { api, asList } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { formatBaht } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { amountText } from "./dialogs.js";

addStrings({
  th: {
    "dlines.title": "รายการสินค้า", "dlines.none": "ไม่มีรายการสินค้า", "dlines.product": "สินค้า",
    "dlines.typed": "— พิมพ์ชื่อเอง —", "dlines.name": "ชื่อรายการ", "dlines.qty": "จำนวน",
    "dlines.price": "ราคาต่อหน่วย (บาท)", "dlines.amount": "จำนวนเงิน", "dlines.add": "เพิ่มรายการ",
    "dlines.remove": "ลบรายการที่ {n}", "dlines.line": "รายการที่ {n}", "dlines.sum": "รวมรายการ {sum}",
    "dlines.count": "{n} รายการ", "dlines.qtyBad": "จำนวนมากกว่า 0 ทศนิยมไม่เกิน 3 ตำแหน่ง",
    "dlines.needName": "ใส่ชื่อและราคา หรือเลือกสินค้า",
  },
  en: {
    "dlines.title": "Product lines", "dlines.none": "No product lines", "dlines.product": "Product",
    "dlines.typed": "— type a name —", "dlines.name": "Line name", "dlines.qty": "Quantity",
    "dlines.price": "Unit price (THB)", "dlines.amount": "Amount", "dlines.add": "Add a line",
    "dlines.remove": "Remove line {n}", "dlines.line": "Line {n}", "dlines.sum": "Lines total {sum}",
    "dlines.count": "{n} lines", "dlines.qtyBad": "More than 0, at most 3 decimal places",
    "dlines.needName": "Type a name and a price, or pick a product",
  },
});

/** @typedef {{product_id?: string|null, name?: string|null, quantity: string|number,
 *             price?: string|number|null, amount?: string|number}} Line */

/** The sum of lines' amounts (quantity × price, each to the satang) in baht; null for none.
 * @param {Line[]} lines */
export function linesTotal(lines) {
  if (!lines.length) return null;
  let satang = 0;
  for (const l of lines) {
    const amount = l.amount ?? Number(l.quantity) * Number(l.price ?? 0);
    const n = Number(amount);
    if (Number.isFinite(n)) satang += Math.round(n * 100);
  }
  return satang / 100;
}

/** Lines as the API takes them, comparable (an edit sends them only when they changed).
 * @param {Line[]} lines */
export const plainLines = (lines) => lines.map((l) => ({
  ...(l.product_id ? { product_id: l.product_id } : {}),
  ...(l.name ? { name: l.name } : {}),
  quantity: String(Number(l.quantity)),
  ...(l.price !== null && l.price !== undefined && l.price !== "" ? { price: Number(l.price).toFixed(2) } : {}),
}));

/** The deal page's table of lines (null when it has none). @param {Line[]} lines */
export function linesTable(lines) {
  if (!lines?.length) return null;
  const L = lang();
  const id = nextId("dlines");
  return h("section", { class: "deal-lines", "aria-labelledby": id },
    h("h2", { id }, t("dlines.title")),
    h("div", { class: "deal-lines-scroll" }, h("table", { class: "deal-lines-table" },
      h("thead", {}, h("tr", {}, ...["dlines.name", "dlines.qty", "dlines.price", "dlines.amount"].map((k) =>
        h("th", { scope: "col" }, t(k))))),
      h("tbody", {}, ...lines.map((l) => h("tr", {},
        h("td", {}, l.name || ""), h("td", { class: "num" }, String(Number(l.quantity))),
        h("td", { class: "num" }, formatBaht(l.price, L)), h("td", { class: "num" }, formatBaht(l.amount, L))))),
      h("tfoot", {}, h("tr", {}, h("td", { colspan: "3" }, t("dlines.count", { n: lines.length })),
        h("td", { class: "num" }, formatBaht(linesTotal(lines), L)))))));
}

/** @type {Promise<any[]> | null} the active products, asked once a session */
let products = null;
const catalogue = () => {
  products ||= api("/api/v1/products", { query: { active: true, limit: 200 } }).then(asList).catch(() => { products = null; return []; });
  return products;
};

/**
 * The lines editor of the deal form: {wrap, input, error, read()}; read() gives the lines as
 * the API takes them, or null after saying beside the bad line what is wrong.
 * @param {Line[]} initial @param {() => void} changed called when the lines' total may have changed
 */
export function linesEditor(initial, changed) {
  const fieldset = h("fieldset", { class: "field deal-lines-edit" }, h("legend", {}, t("dlines.title")));
  const rows = h("ol", { class: "deal-line-rows" });
  const error = h("p", { class: "field-error", hidden: true });
  const add = h("button", { type: "button", class: "btn btn-sm", onclick: () => { addRow({ quantity: 1 }); renumber(); } },
    t("dlines.add"));
  const sum = h("p", { class: "hint", "aria-live": "polite" });
  fieldset.append(rows, add, sum, error);
  /** @type {{el: HTMLElement, raw: () => Line, read: () => Line|null, setNumber: (n: number) => void}[]} */
  let all = [];

  function addRow(/** @type {Line} */ line) {
    const idBase = nextId("dline");
    const product = /** @type {HTMLSelectElement} */ (h("select", { id: `${idBase}-p`, name: "line_product" },
      h("option", { value: "" }, t("dlines.typed"))));
    if (line.product_id) { product.append(h("option", { value: line.product_id, selected: true }, line.name || "")); product.value = line.product_id; }
    catalogue().then((items) => {
      const keep = product.value;
      product.replaceChildren(h("option", { value: "" }, t("dlines.typed")),
        ...items.map((p) => h("option", { value: p.id }, lang() === "en" && p.name_en ? p.name_en : p.name)));
      if (keep && !items.some((p) => p.id === keep)) product.append(h("option", { value: keep }, line.name || keep));
      product.value = keep;
    });
    const input = (/** @type {string} */ suffix, /** @type {Record<string, any>} */ attrs) =>
      /** @type {HTMLInputElement} */ (h("input", { id: `${idBase}-${suffix}`, autocomplete: "off", ...attrs }));
    const name = input("n", { name: "line_name", maxlength: 200, value: line.name ?? "" });
    const qty = input("q", { name: "line_quantity", inputmode: "decimal", value: String(line.quantity ?? 1) });
    const price = input("r", { name: "line_price", inputmode: "decimal", value: line.price ?? "" });
    const lineError = h("p", { class: "field-error", hidden: true });
    const legend = h("legend", { class: "visually-hidden" });
    const remove = h("button", { type: "button", class: "btn btn-sm btn-ghost" });
    const labelled = (/** @type {string} */ key, /** @type {HTMLElement} */ control) =>
      h("div", { class: "field" }, h("label", { for: control.id }, t(key)), control);
    const el = h("li", { class: "deal-line" }, h("fieldset", { class: "deal-line-fields" }, legend,
      labelled("dlines.product", product), labelled("dlines.name", name), labelled("dlines.qty", qty),
      labelled("dlines.price", price), remove), lineError);
    const entry = {
      el,
      raw: () => ({ quantity: qty.value.replace(/,/g, "") || 0, price: amountText(price.value) || 0 }),
      setNumber: (/** @type {number} */ n) => { legend.textContent = t("dlines.line", { n }); remove.textContent = "×";
        remove.setAttribute("aria-label", t("dlines.remove", { n })); },
      read: () => {
        lineError.hidden = true;
        const q = qty.value.trim().replace(/,/g, "");
        const p = amountText(price.value);
        const say = (/** @type {string} */ text, /** @type {HTMLElement} */ at) => {
          lineError.textContent = text; lineError.hidden = false; setTimeout(() => at.focus()); return null; };
        if (!/^\d+(\.\d{1,3})?$/.test(q) || Number(q) <= 0) return say(t("dlines.qtyBad"), qty);
        if (p === null) return say(t("ddlg.amountBad"), price);
        if (!product.value && (!name.value.trim() || !p)) return say(t("dlines.needName"), name.value.trim() ? price : name);
        return { ...(product.value ? { product_id: product.value } : {}), ...(name.value.trim() ? { name: name.value.trim() } : {}),
                 quantity: q, ...(p ? { price: p } : {}) };
      },
    };
    remove.addEventListener("click", () => { all = all.filter((x) => x !== entry); el.remove(); renumber(); add.focus(); });
    for (const c of [qty, price]) c.addEventListener("input", total);
    product.addEventListener("change", total);
    all.push(entry);
    rows.append(el);
  }

  function renumber() { all.forEach((x, i) => x.setNumber(i + 1)); total(); }
  function total() {
    const sumOf = linesTotal(all.map((x) => x.raw()));
    sum.textContent = sumOf === null ? "" : t("dlines.sum", { sum: formatBaht(sumOf, lang()) });
    changed();
  }

  (initial || []).forEach(addRow);
  renumber();
  return {
    wrap: fieldset, input: add, error,
    /** @returns {Line[]|null} */
    read: () => {
      const out = [];
      for (const x of all) {
        const line = x.read();
        if (!line) return null;
        out.push(line);
      }
      return out;
    },
  };
}

// @ts-check
// The product picker of the capture screens (#/admin/capture's forms, #/admin/channels'
// LINE, Facebook and email cards): the catalogue's products as checkboxes, those picked sent
// as `product_ids` (the leads the form or channel makes are created with them, so queues on
// products take them). A retired product stays listed while it is picked.

import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { stageName, tx } from "../../ui.js";
import { getAll } from "./common.js";

addStrings({
  th: {
    "capp.legend": "สินค้าที่ลีดสนใจ (ลีดที่ได้จะมีสินค้าเหล่านี้ คิวตามสินค้าจึงรับได้)",
    "capp.none": "ยังไม่มีสินค้าในแคตตาล็อก", "capp.tooMany": "เลือกสินค้าได้ไม่เกิน {max} รายการ",
    "capp.names": "สินค้า: {names}",
  },
  en: {
    "capp.legend": "Products its leads are interested in (its leads get them, so queues on products take them)",
    "capp.none": "No products in the catalogue yet", "capp.tooMany": "Pick at most {max} products",
    "capp.names": "products: {names}",
  },
});

/** The API takes at most this many (`product_ids`, capture service). */
export const MAX_PRODUCTS = 20;

/** @typedef {{id: string, name: string, name_en?: string|null, active?: boolean}} Product */

/** The catalogue as the capture service knows it (what it accepts in `product_ids`); none if
 * it cannot be read. @returns {Promise<Product[]>} */
export const loadProducts = () => getAll("/api/v1/capture/products").catch(() => []);

/** What `ids` name, in the reader's language ("products: …"), or "" for none.
 * @param {Product[]} products @param {string[]|undefined|null} ids */
export function productNames(products, ids) {
  if (!ids?.length) return "";
  const names = ids.map((id) => { const p = products.find((x) => x.id === id); return p ? stageName(p) : id; });
  return t("capp.names", { names: names.join(", ") });
}

/** The products to offer: the active ones, and any already picked. @param {Product[]} products @param {string[]} on */
export const offered = (products, on) => products.filter((p) => p.active !== false || on.includes(p.id));

/** The ids picked, in the catalogue's order; more than MAX_PRODUCTS is refused before sending.
 * @param {string[]} ticked @returns {string[]} */
export function checkPicked(ticked) {
  const ids = [...new Set(ticked)];
  if (ids.length > MAX_PRODUCTS) throw new Error(t("capp.tooMany", { max: MAX_PRODUCTS }));
  return ids;
}

/** A fieldset of the products as checkboxes (`on` ticked) and how to read what is picked.
 * @param {Product[]} products @param {string[]} on
 * @returns {{box: HTMLElement, read: () => string[]}} */
export function productPicker(products, on) {
  const shown = offered(products, on);
  const inputs = shown.map((p) => h("input", { type: "checkbox", name: "product_ids", value: p.id, checked: on.includes(p.id) }));
  const box = h("fieldset", { class: "field capture-products", dataset: { picker: "products" } }, tx("legend", "capp.legend"),
    ...(shown.length
      ? shown.map((p, i) => h("label", { class: "check" }, inputs[i], ` ${stageName(p)}`))
      : [tx("p", "capp.none", { class: "muted" })]));
  const read = () => checkPicked(inputs.filter((x) => /** @type {HTMLInputElement} */ (x).checked)
    .map((x) => /** @type {HTMLInputElement} */ (x).value));
  return { box, read };
}

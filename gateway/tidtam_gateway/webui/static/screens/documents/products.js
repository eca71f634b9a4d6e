// @ts-check
// #/admin/products: the product catalogue. Search (SKU and names), add, edit in place,
// deactivate and use again. Prices in baht; VAT type vat7 | zero | exempt.

import { api } from "../../api.js";
import { h } from "../../dom.js";
import { formatBaht } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { toast, tx } from "../../ui.js";
import { adminPage, button, creator, errorText, patch, smallForm } from "../admin/common.js";
import { listSearch } from "../list-search.js";
import { VAT_TYPES } from "./index.js";

addStrings({
  th: {
    "prod.new": "เพิ่มสินค้าหรือบริการ", "prod.sku": "รหัสสินค้า (SKU)", "prod.name": "ชื่อ (ไทย)",
    "prod.nameEn": "ชื่อภาษาอังกฤษ (ไม่บังคับ)", "prod.unit": "หน่วย", "prod.unitHint": "เช่น ชิ้น ชั่วโมง เดือน",
    "prod.price": "ราคาต่อหน่วย (บาท)", "prod.vat": "ภาษีมูลค่าเพิ่ม", "prod.search": "ค้นหาสินค้า",
    "prod.searchPh": "ค้นหารหัสหรือชื่อสินค้า", "prod.created": "เพิ่ม “{name}” แล้ว",
    "prod.saved": "บันทึก “{name}” แล้ว", "prod.edit": "แก้ไข", "prod.deactivate": "เลิกขาย",
    "prod.activate": "ขายอีกครั้ง", "prod.inactive": "เลิกขายแล้ว", "prod.deactivated": "เลิกขาย “{name}” แล้ว",
    "prod.activated": "“{name}” กลับมาขายแล้ว", "prod.more": "แสดงเพิ่มเติม", "prod.none": "ไม่พบสินค้า",
    "prod.perUnit": "{price} / {unit}",
  },
  en: {
    "prod.new": "Add a product or service", "prod.sku": "SKU", "prod.name": "Name (Thai)",
    "prod.nameEn": "English name (optional)", "prod.unit": "Unit", "prod.unitHint": "e.g. piece, hour, month",
    "prod.price": "Unit price (baht)", "prod.vat": "VAT", "prod.search": "Search products",
    "prod.searchPh": "Search by SKU or name", "prod.created": "Added “{name}”",
    "prod.saved": "Saved “{name}”", "prod.edit": "Edit", "prod.deactivate": "Deactivate",
    "prod.activate": "Sell again", "prod.inactive": "inactive", "prod.deactivated": "Deactivated “{name}”",
    "prod.activated": "“{name}” is for sale again", "prod.more": "Show more", "prod.none": "No products found",
    "prod.perUnit": "{price} / {unit}",
  },
});

/** @typedef {{id: string, sku: string, name: string, name_en: string|null, unit: string,
 *   unit_price: string, vat_type: string, active: boolean}} Product */

const vatOptions = () => VAT_TYPES.map((v) => [v, t(`doc.vat.${v}`), `doc.vat.${v}`]);

/** The fields of the add and edit forms, filled from `p` when editing.
 * @param {Partial<Product>} [p] */
export function productSpecs(p = {}) {
  return [
    { name: "sku", label: "prod.sku", required: true, attrs: { maxlength: 50, value: p.sku || "", autocomplete: "off" } },
    { name: "name", label: "prod.name", required: true, attrs: { maxlength: 200, value: p.name || "" } },
    { name: "name_en", label: "prod.nameEn", attrs: { maxlength: 200, value: p.name_en || "" } },
    { name: "unit", label: "prod.unit", required: true, hint: "prod.unitHint", attrs: { maxlength: 30, value: p.unit || "" } },
    { name: "unit_price", label: "prod.price", required: true,
      attrs: { inputmode: "decimal", value: p.unit_price || "", autocomplete: "off" } },
    { name: "vat_type", label: "prod.vat", control: "select", options: vatOptions() },
  ];
}

/** The body of a create (every field) or of a PATCH (only what changed).
 * @param {Record<string, string>} v @param {Product} [before] */
export function productBody(v, before) {
  /** @type {Record<string, any>} */
  const body = { sku: v.sku, name: v.name, name_en: v.name_en || null, unit: v.unit,
                 unit_price: v.unit_price.replace(/,/g, ""), vat_type: v.vat_type };
  if (!before) return body;
  return Object.fromEntries(Object.entries(body).filter(([k, value]) =>
    k === "unit_price" ? Number(value) !== Number(before.unit_price) : (before[k] ?? null) !== value));
}

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.products");
  /** @type {{items: Product[], cursor: string|null, q: string}} */
  const s = { items: [], cursor: null, q: "" };
  const list = h("ul", { class: "adm-list", "aria-label": t("nav.products") });
  const more = h("div");
  let alive = true;
  let asked = 0;

  async function load(append = false) {
    const mine = ++asked;
    if (!append) page.say(t("adm.loading"));
    try {
      const data = await api("/api/v1/products", { query: { q: s.q, limit: 50, cursor: append ? s.cursor : undefined } });
      if (!alive || mine !== asked) return;
      s.items = append ? [...s.items, ...data.items] : data.items;
      s.cursor = data.next_cursor;
    } catch (err) { if (alive) page.say(errorText(err)); return; }
    draw();
  }

  /** @param {Product} p */
  function row(p) {
    const extra = h("div", { class: "adm-extra" });
    const named = (/** @type {string} */ key) => `${t(key)}: ${p.sku}`;
    const name = lang() === "en" && p.name_en ? p.name_en : p.name;
    const edit = () => {
      const { form, fields } = smallForm({
        specs: productSpecs(p), submitKey: "adm.save", cancel: () => extra.replaceChildren(),
        submit: async (v) => {
          const body = productBody(v, p);
          if (Object.keys(body).length) Object.assign(p, await patch(`/api/v1/products/${p.id}`, body));
          toast(t("prod.saved", { name: p.name }));
          draw();
        },
      });
      fields.vat_type.input.value = p.vat_type;
      extra.replaceChildren(form);
      fields.sku.input.focus();
    };
    const toggle = async () => {
      try {
        Object.assign(p, await patch(`/api/v1/products/${p.id}`, { active: !p.active }));
        toast(t(p.active ? "prod.activated" : "prod.deactivated", { name: p.name }));
        draw();
      } catch (err) { extra.replaceChildren(h("p", { class: "form-error", role: "alert" }, errorText(err))); }
    };
    return h("li", { class: `adm-row${p.active ? "" : " is-retired"}`, dataset: { id: p.id, sku: p.sku } },
      h("div", { class: "adm-main" },
        h("span", { class: "adm-name" }, name),
        h("span", { class: "muted adm-sub" }, p.sku),
        h("span", { class: "adm-sub prod-price" }, t("prod.perUnit", { price: formatBaht(p.unit_price, lang()), unit: p.unit })),
        h("span", { class: "muted adm-sub" }, t(`doc.vat.${p.vat_type}`)),
        p.active ? null : h("span", { class: "badge" }, t("prod.inactive"))),
      h("div", { class: "adm-controls" },
        button("prod.edit", edit, { "aria-label": named("prod.edit") }),
        button(p.active ? "prod.deactivate" : "prod.activate", toggle,
               { class: p.active ? "btn btn-danger" : "btn", "aria-label": named(p.active ? "prod.deactivate" : "prod.activate") })),
      extra);
  }

  function draw() {
    page.say(s.items.length ? "" : t(s.q ? "prod.none" : "adm.empty"));
    list.replaceChildren(...s.items.map(row));
    more.replaceChildren(s.cursor ? button("prod.more", () => load(true)) : "");
  }

  const add = creator();
  const create = smallForm({
    specs: productSpecs(),
    submitKey: "adm.create",
    submit: async (v) => {
      const made = await add("/api/v1/products", productBody(v));
      s.items.unshift(made);
      toast(t("prod.created", { name: made.name }));
      create.form.reset();
      draw();
    },
  });
  const search = listSearch({ id: "product-q", label: "prod.search", placeholder: "prod.searchPh",
    current: () => s.q, search: (q) => { s.q = q; load(); } });
  page.body.append(h("details", { class: "card adm-card" }, tx("summary", "prod.new"), create.form),
    search.form, list, more);
  load();
  return () => { alive = false; search.stop(); };
}

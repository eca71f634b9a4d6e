// @ts-check
// One editable catalogue list, as labels, lead sources and lost/junk reasons all are: add,
// rename, retire (a retired entry stays on the records that have it and is not offered for new
// ones) and use again.

import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { toast, tx } from "../../ui.js";
import { button, errorText, renameForm, smallForm } from "./common.js";

addStrings({
  th: { "cat.retiredNote": "เลิกใช้แล้ว: ยังแสดงบนลีดเดิม แต่ไม่มีให้เลือกสำหรับลีดใหม่",
        "cat.added": "เพิ่ม “{name}” แล้ว", "cat.renamed": "เปลี่ยนชื่อเป็น “{name}” แล้ว",
        "cat.retiredDone": "เลิกใช้ “{name}” แล้ว", "cat.unretired": "ใช้ “{name}” อีกครั้งแล้ว" },
  en: { "cat.retiredNote": "Retired: still shown on the leads that have it, not offered for new ones",
        "cat.added": "Added “{name}”", "cat.renamed": "Renamed to “{name}”",
        "cat.retiredDone": "Retired “{name}”", "cat.unretired": "“{name}” is in use again" },
});

/**
 * @template T
 * @typedef {object} CatalogSpec
 * @property {string} heading i18n key of the section's heading
 * @property {() => Promise<T[]>} load
 * @property {(item: T) => string} nameOf
 * @property {(item: T) => boolean} retiredOf
 * @property {any[]} createSpecs ui.field specs of the add form
 * @property {(values: Record<string, string>) => Promise<unknown>} create
 * @property {(item: T, name: string) => Promise<unknown>} rename
 * @property {(item: T, retired: boolean) => Promise<unknown>} retire
 * @property {(item: T) => (Node|null)} [decorate] shown before the name (a colour swatch)
 * @property {number} [maxlength]
 */

/**
 * @template T
 * @param {CatalogSpec<T>} spec
 * @returns {{el: HTMLElement, reload: () => Promise<void>}}
 */
export function catalogList(spec) {
  const list = h("ul", { class: "adm-list" });
  const status = h("p", { class: "muted list-status", role: "status" });
  /** @type {T[]} */
  let items = [];

  async function reload() {
    try { items = await spec.load(); } catch (err) { status.textContent = errorText(err); return; }
    status.textContent = items.length ? "" : t("adm.empty");
    list.replaceChildren(...items.map(row));
  }

  /** Run a change and say how it went. @param {() => Promise<unknown>} fn @param {string} done */
  async function act(fn, done) {
    try { await fn(); toast(done); } catch (err) { toast(errorText(err), "error"); }
    await reload();
  }

  /** @param {T} item */
  function row(item) {
    const name = spec.nameOf(item);
    const retired = spec.retiredOf(item);
    const extra = h("div", { class: "adm-extra" });
    return h("li", { class: `adm-row${retired ? " is-retired" : ""}` },
      h("div", { class: "adm-main" },
        spec.decorate ? spec.decorate(item) : null,
        h("span", { class: "adm-name" }, name),
        retired ? h("span", { class: "badge badge-junk", title: t("cat.retiredNote") }, t("adm.retired")) : null),
      h("div", { class: "adm-controls" },
        button("adm.rename", () => renameForm(extra, { name }, async ({ name: next }) => {
          await spec.rename(item, next);
          toast(t("cat.renamed", { name: next }));
          await reload();
        }, () => extra.replaceChildren(), { maxlength: spec.maxlength ?? 100 }),
        { "aria-label": `${t("adm.rename")}: ${name}` }),
        button(retired ? "adm.unretire" : "adm.retire",
          () => act(() => spec.retire(item, !retired), t(retired ? "cat.unretired" : "cat.retiredDone", { name })),
          { "aria-label": `${t(retired ? "adm.unretire" : "adm.retire")}: ${name}` })),
      extra);
  }

  const create = smallForm({
    specs: spec.createSpecs, submitKey: "adm.create", className: "adm-form adm-inline",
    submit: async (values) => {
      await spec.create(values);
      toast(t("cat.added", { name: values.name || values.text || "" }));
      create.form.reset();
      await reload();
    },
  });
  const el = h("section", { class: "card adm-card stack" }, tx("h2", spec.heading), create.form, status, list);
  return { el, reload };
}

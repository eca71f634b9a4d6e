// @ts-check
// A lead's labels: each shown as a chip with a button taking it off, and a picker putting one
// on (PUT / DELETE /leads/<id>/labels/<label>). Retired labels stay shown on the leads that
// have them but are not offered.

import { api } from "./api.js";
import { h, nextId } from "./dom.js";
import { addStrings, t } from "./i18n.js";
import { state } from "./store.js";
import { errorMessage, toast } from "./ui.js";

addStrings({
  th: { "labels.title": "ป้าย", "labels.none": "ยังไม่มีป้าย", "labels.add": "ติดป้าย",
        "labels.pick": "— เลือกป้าย —", "labels.remove": "เอาป้าย “{name}” ออก",
        "labels.added": "ติดป้าย “{name}” แล้ว", "labels.removed": "เอาป้าย “{name}” ออกแล้ว",
        "labels.personal": "ป้ายส่วนตัว" },
  en: { "labels.title": "Labels", "labels.none": "No labels yet", "labels.add": "Add label",
        "labels.pick": "— pick a label —", "labels.remove": "Take the label “{name}” off",
        "labels.added": "Added the label “{name}”", "labels.removed": "Took the label “{name}” off",
        "labels.personal": "personal label" },
});

/** @typedef {import("./store.js").Label} Label */

/** The chip of one label (its colour as a dot: the CSP allows no inline style attributes). */
export function labelChip(/** @type {Label} */ label, /** @type {HTMLElement | null} */ remove = null) {
  const dot = h("span", { class: "label-dot", "aria-hidden": "true" });
  if (label.color) dot.style.background = label.color; // CSSOM, not a style attribute: CSP-safe
  return h("span", { class: `label-chip${label.scope === "personal" ? " label-personal" : ""}`,
                     title: label.scope === "personal" ? t("labels.personal") : null },
    dot, label.name, remove);
}

/**
 * The labels section of a lead. on.changed(message) after a change (the detail reloads).
 * @param {any} lead @param {{changed: (message: string) => void}} on
 */
export function labelsSection(lead, on) {
  const byId = new Map(state.labels.map((l) => [l.id, l]));
  const ids = lead.label_ids || [];
  const url = (/** @type {string} */ id) => `/api/v1/leads/${encodeURIComponent(lead.id)}/labels/${encodeURIComponent(id)}`;
  async function change(/** @type {string} */ method, /** @type {Label} */ label) {
    try {
      await api(url(label.id), { method });
    } catch (err) {
      if (err.status !== 401) toast(errorMessage(err), "error");
      return;
    }
    on.changed(t(method === "PUT" ? "labels.added" : "labels.removed", { name: label.name }));
  }
  const chips = ids.map((id) => {
    const label = byId.get(id) || { id, name: `${id.slice(0, 8)}…`, color: null, scope: "system" };
    const remove = lead.read_only ? null : h("button", {
      type: "button", class: "label-remove", "aria-label": t("labels.remove", { name: label.name }),
      onclick: () => change("DELETE", label) }, h("span", { "aria-hidden": "true" }, "×"));
    return h("li", {}, labelChip(label, remove));
  });
  const offered = state.labels.filter((l) => !ids.includes(l.id) && !l.retired);
  const selectId = nextId("label");
  const select = h("select", { id: selectId, name: "label_id" }, h("option", { value: "" }, t("labels.pick")),
    offered.map((l) => h("option", { value: l.id }, l.name)));
  const picker = lead.read_only || !offered.length ? null : h("form", { class: "inline label-add",
    onsubmit: (/** @type {Event} */ e) => {
      e.preventDefault();
      const label = byId.get(select.value);
      if (label) change("PUT", label);
    } },
  h("label", { for: selectId, class: "visually-hidden" }, t("labels.add")), select,
  h("button", { type: "submit", class: "btn btn-sm" }, t("labels.add")));
  const titleId = nextId("labels");
  return h("section", { class: "labels", "aria-labelledby": titleId },
    h("h3", { id: titleId, class: "visually-hidden" }, t("labels.title")),
    chips.length ? h("ul", { class: "label-list" }, chips) : h("p", { class: "muted" }, t("labels.none")),
    picker);
}

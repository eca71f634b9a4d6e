// @ts-check
// #/admin/labels: the system labels everybody may put on leads (admins manage them); the same
// screen with scope "personal" is #/labels, where each user manages their own labels.

import { api, asList } from "../../api.js";
import { h } from "../../dom.js";
import { addStrings } from "../../i18n.js";
import { tx } from "../../ui.js";
import { adminPage, creator, patch } from "./common.js";
import { catalogList } from "./catalog-list.js";

addStrings({
  th: { "labels.list": "ป้ายกำกับ",
        "labels.name": "ชื่อป้ายกำกับ", "labels.color": "สี",
        "labels.systemHint": "ทุกคนในบริษัทใช้ป้ายกำกับของระบบได้", "labels.mineHint": "เห็นและใช้ได้เฉพาะคุณ" },
  en: { "labels.list": "Labels",
        "labels.name": "Label name", "labels.color": "Colour",
        "labels.systemHint": "Everyone in the company may use system labels", "labels.mineHint": "Only you see and use these" },
});

/** @typedef {{id: string, name: string, color: string|null, scope: string, retired?: boolean}} Label */

/** A label's colour as a dot (set through the CSSOM: the CSP allows no inline style).
 * @param {Label} l */
function swatch(l) {
  const dot = h("span", { class: "swatch", "aria-hidden": "true" });
  if (l.color) dot.style.backgroundColor = l.color;
  return dot;
}

/** The labels screen of one scope. @param {"system"|"personal"} scope @param {HTMLElement} root */
export function mountScope(scope, root) {
  const page = adminPage(root, scope === "system" ? "nav.systemLabels" : "nav.labels");
  const at = (/** @type {Label} */ l) => `/api/v1/labels/${encodeURIComponent(l.id)}`;
  const add = creator();
  const section = catalogList({
    heading: "labels.list", maxlength: 50,
    load: async () => /** @type {Label[]} */ (asList(await api("/api/v1/labels", { query: { include_retired: "true" } })))
      .filter((l) => l.scope === scope),
    nameOf: (l) => l.name,
    retiredOf: (l) => !!l.retired,
    decorate: swatch,
    createSpecs: [
      { name: "name", label: "labels.name", required: true, attrs: { maxlength: 50 } },
      { name: "color", label: "labels.color", type: "color", attrs: { value: "#2f7d5b" } },
    ],
    create: (v) => add("/api/v1/labels", { name: v.name, color: v.color || null, scope }),
    rename: (l, name) => patch(at(l), { name }),
    retire: (l, retired) => patch(at(l), { retired }),
  });
  page.body.append(tx("p", scope === "system" ? "labels.systemHint" : "labels.mineHint", { class: "hint" }), section.el);
  section.reload();
  return () => {};
}

/** @param {HTMLElement} root */
export const mount = (root) => mountScope("system", root);

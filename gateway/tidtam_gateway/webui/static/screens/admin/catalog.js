// @ts-check
// #/admin/catalog: lead sources, and the reasons offered when a lead is marked lost or junk:
// add, rename, retire.

import { api, asList } from "../../api.js";
import { addStrings } from "../../i18n.js";
import { adminPage, creator, patch } from "./common.js";
import { catalogList } from "./catalog-list.js";

addStrings({
  th: { "catalog.sources": "ช่องทางที่มาของลีด",
        "catalog.lost": "เหตุผลที่ไม่สำเร็จ", "catalog.junk": "เหตุผลที่เป็นขยะ",
        "catalog.key": "รหัส (a-z, 0-9, _)", "catalog.sourceName": "ชื่อช่องทาง", "catalog.reason": "เหตุผล" },
  en: { "catalog.sources": "Lead sources",
        "catalog.lost": "Reasons a lead is lost", "catalog.junk": "Reasons a lead is junk",
        "catalog.key": "Key (a-z, 0-9, _)", "catalog.sourceName": "Source name", "catalog.reason": "Reason" },
});

/** @typedef {{key: string, name: string, retired?: boolean}} Source */
/** @typedef {{id: string, kind: string, text: string, retired?: boolean}} Reason */

const RETIRED_TOO = { include_retired: "true" };

/** @param {"lost"|"junk"} kind */
function reasons(kind) {
  const at = (/** @type {Reason} */ r) => `/api/v1/lead-reasons/${encodeURIComponent(r.id)}`;
  const add = creator();
  return catalogList({
    heading: `catalog.${kind}`, maxlength: 200,
    load: async () => /** @type {Reason[]} */ (asList(await api("/api/v1/lead-reasons", { query: { kind, ...RETIRED_TOO } }))),
    nameOf: (r) => r.text,
    retiredOf: (r) => !!r.retired,
    createSpecs: [{ name: "text", label: "catalog.reason", required: true, attrs: { maxlength: 200 } }],
    create: (v) => add("/api/v1/lead-reasons", { kind, text: v.text }),
    rename: (r, text) => patch(at(r), { text }),
    retire: (r, retired) => patch(at(r), { retired }),
  });
}

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.catalog");
  const at = (/** @type {Source} */ s) => `/api/v1/lead-sources/${encodeURIComponent(s.key)}`;
  const add = creator();
  const sources = catalogList({
    heading: "catalog.sources",
    load: async () => /** @type {Source[]} */ (asList(await api("/api/v1/lead-sources", { query: RETIRED_TOO }))),
    nameOf: (s) => s.name,
    retiredOf: (s) => !!s.retired,
    createSpecs: [
      { name: "name", label: "catalog.sourceName", required: true, attrs: { maxlength: 100 } },
      { name: "key", label: "catalog.key", required: true, attrs: { maxlength: 40, pattern: "[a-z][a-z0-9_]*", autocapitalize: "off" } },
    ],
    create: (v) => add("/api/v1/lead-sources", { key: v.key, name: v.name }),
    rename: (s, name) => patch(at(s), { name }),
    retire: (s, retired) => patch(at(s), { retired }),
  });
  const sections = [sources, reasons("lost"), reasons("junk")];
  page.body.append(...sections.map((s) => s.el));
  for (const s of sections) s.reload();
  return () => {};
}

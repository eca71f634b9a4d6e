// @ts-check
// Pick a colleague from any number of them: a search box asks GET /people?q= (debounced) and
// the select below lists who matches. The first page of people (the store's) shows before
// anything is typed, so a small team just picks.

import { api, asList } from "./api.js";
import { h, nextId } from "./dom.js";
import { addStrings, t } from "./i18n.js";
import { rememberPerson, state } from "./store.js";

addStrings({
  th: { "people.search": "ค้นหาชื่อ", "people.searchHint": "พิมพ์ชื่อเพื่อค้นหาเพื่อนร่วมงาน",
        "people.pick": "— เลือกผู้ใช้ —", "people.none": "ไม่พบผู้ใช้ที่ตรงกับ “{q}”",
        "people.count": "พบ {n} คน" },
  en: { "people.search": "Search by name", "people.searchHint": "Type a name to find a colleague",
        "people.pick": "— pick a user —", "people.none": "Nobody matches “{q}”",
        "people.count": "{n} found" },
});

/** @typedef {import("./store.js").Person} Person */

/** Those of `people` whose name contains `q` (any case), active ones only. */
export function matching(/** @type {Person[]} */ people, /** @type {string} */ q) {
  const needle = q.trim().toLocaleLowerCase();
  return people.filter((p) => p.active !== false && (!needle || p.name.toLocaleLowerCase().includes(needle)));
}

/**
 * A labelled people picker {wrap, input, error, value()}. `exclude` ids are not offered
 * (e.g. the lead's owner); `label` is an i18n key.
 * @param {{name: string, label: string, required?: boolean, exclude?: string[], value?: string}} spec
 */
export function peoplePicker({ name, label, required = false, exclude = [], value = "" }) {
  const id = nextId(name);
  const searchId = `${id}-q`;
  const note = h("p", { class: "hint", id: `${id}-note`, "aria-live": "polite" });
  const search = h("input", { type: "search", id: searchId, autocomplete: "off", maxlength: 100,
                              placeholder: t("people.searchHint"), "aria-describedby": `${id}-note` });
  const select = h("select", { id, name, required, "aria-describedby": `${id}-note ${id}-err` });
  const error = h("p", { class: "field-error", id: `${id}-err`, hidden: true });
  let seq = 0;
  let debounce = 0;

  function fill(/** @type {Person[]} */ people, /** @type {string} */ q) {
    const keep = select.value || value;
    const shown = matching(people, q).filter((p) => !exclude.includes(p.id));
    select.replaceChildren(h("option", { value: "" }, t("people.pick")),
      ...shown.map((p) => h("option", { value: p.id, selected: p.id === keep },
        p.role ? `${p.name} (${t(`role.${p.role}`)})` : p.name)));
    note.textContent = q ? (shown.length ? t("people.count", { n: shown.length }) : t("people.none", { q })) : "";
  }

  async function find() {
    const q = search.value.trim();
    const mine = ++seq;
    if (!q) { fill(state.users || [], ""); return; }
    let found;
    try {
      found = asList(await api("/api/v1/people", { query: { q, limit: 50 } }));
    } catch {
      found = state.users || []; // the first page, filtered here
    }
    if (mine !== seq) return;
    found.forEach(rememberPerson);
    fill(found, q);
  }

  search.addEventListener("input", () => { clearTimeout(debounce); debounce = window.setTimeout(find, 250); });
  search.addEventListener("keydown", (/** @type {KeyboardEvent} */ e) => {
    if (e.key === "Enter") { e.preventDefault(); clearTimeout(debounce); find(); }
  });
  fill(state.users || [], "");
  const wrap = h("div", { class: "field people-picker" },
    h("label", { for: id }, t(label), required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    h("label", { for: searchId, class: "visually-hidden" }, t("people.search")),
    search, select, note, error);
  return { wrap, input: select, error, value: () => select.value };
}

// @ts-check
// The leads screen's list pane: a box's leads (or a search in it) as links, paged with "load
// more", and the box counts handed to the nav.

import { api } from "../api.js";
import { h } from "../dom.js";
import { formatBaht, formatDate, formatPhone } from "../format.js";
import { lang, t } from "../i18n.js";
import { noMarketingBadge } from "../consent.js";
import { labelChip } from "../lead-labels.js";
import { state } from "../store.js";
import { errorMessage, sourceLabel, stageLabel, userLabel } from "../ui.js";
import { markShown } from "./split.js";

/** The lead's labels as small chips (those the store knows). */
const labelChips = (/** @type {any} */ lead) => (lead.label_ids || [])
  .map((/** @type {string} */ id) => state.labels.find((l) => l.id === id))
  .filter(Boolean).map((/** @type {any} */ l) => labelChip(l));

export const BOXES = ["inbox", "sent", "lost", "junk"];
const PAGE = 50;

/**
 * The list pane's elements and state. `hrefOf(id)` is the link of a lead (keeping the box
 * and search); `onCounts(counts)` gets GET /leads/counts after each load.
 * `checkbox(id, name)`, when given, makes the box that selects a lead for bulk work.
 * @param {{hrefOf: (id: string) => string, onCounts: (counts: Record<string, number>) => void,
 *          checkbox?: (id: string, name: string) => HTMLElement}} hooks
 */
export function leadList(hooks) {
  const list = { box: "inbox", q: "", segment: "", items: /** @type {any[]} */ ([]), cursor: null, seq: 0,
                 selectedId: /** @type {string | null} */ (null) };
  const title = h("h1", { id: "list-title" }, t("box.inbox"));
  const status = h("p", { class: "muted list-status", id: "list-status", role: "status", "aria-live": "polite" });
  const ul = h("ul", { class: "lead-list", id: "lead-list", "aria-labelledby": "list-title" });
  const more = h("button", { type: "button", class: "btn", id: "load-more", hidden: true,
                             onclick: () => load({ more: true }) }, t("list.more"));

  async function loadCounts() {
    try { hooks.onCounts(await api("/api/v1/leads/counts")); } catch { /* the list says why */ }
  }

  async function load({ more: next = false } = {}) {
    const seq = ++list.seq;
    if (!next) {
      list.items = [];
      list.cursor = null;
      ul.replaceChildren();
      more.hidden = true;
      loadCounts();
    }
    status.textContent = t("list.loading");
    let data;
    try {
      data = await api("/api/v1/leads", { query: {
        box: list.box, q: list.q, segment: list.segment, limit: PAGE, cursor: next ? list.cursor : undefined } });
    } catch (err) {
      if (seq === list.seq && err.status !== 401) status.textContent = errorMessage(err);
      return;
    }
    if (seq !== list.seq) return; // a newer box or search replaced this one
    list.items.push(...(data.items || []));
    list.cursor = data.next_cursor || null;
    render();
  }

  function item(/** @type {any} */ lead, /** @type {string} */ L) {
    const meta = [lead.company, formatPhone(lead.phone)].filter(Boolean);
    const tags = [
      h("span", { class: "tag" }, sourceLabel(lead.source)),
      stageLabel(lead.stage_id) ? h("span", { class: "tag tag-stage" }, stageLabel(lead.stage_id)) : null,
      lead.box !== "inbox" ? h("span", { class: `badge badge-${lead.box}` }, t(`lead.box.${lead.box}`)) : null,
      list.box === "sent" ? h("span", { class: "tag" }, `→ ${userLabel(lead.owner_id)}`) : null,
      noMarketingBadge(lead),
    ];
    const link = h("a", { href: hooks.hrefOf(lead.id), class: "lead-item",
                          "aria-current": lead.id === list.selectedId ? "true" : null },
      h("span", { class: "lead-top" },
        h("span", { class: "lead-name" }, lead.name),
        h("time", { class: "lead-date", datetime: lead.created_at }, formatDate(lead.created_at, L))),
      meta.length ? h("span", { class: "lead-meta" }, meta.map((m, i) => [
        i ? " · " : null, h("span", { class: i === meta.length - 1 && lead.phone ? "nowrap" : null }, m)])) : null,
      h("span", { class: "lead-tags" }, tags, labelChips(lead),
        lead.potential !== null && lead.potential !== undefined
          ? h("span", { class: "lead-potential" }, formatBaht(lead.potential, L)) : null));
    link.dataset.id = lead.id;
    return h("li", { class: "lead-row" }, hooks.checkbox ? hooks.checkbox(lead.id, lead.name) : null, link);
  }

  function render() {
    const L = lang();
    ul.replaceChildren(...list.items.map((lead) => item(lead, L)));
    more.hidden = !list.cursor;
    if (!list.items.length) status.textContent = list.q ? t("list.noMatch", { q: list.q }) : t("list.empty");
    else status.textContent = t("list.count", { n: list.items.length.toLocaleString(L === "th" ? "th-TH" : "en-US") });
  }

  /** Mark the lead shown in the detail pane; returns its link (null when not listed). */
  function select(/** @type {string | null} */ id) {
    list.selectedId = id;
    return markShown(ul, id);
  }

  /** Show `box` searched for `q` (within a saved `segment`); loads only when one changed (or `force`). */
  function show(/** @type {string} */ box, /** @type {string} */ q, force = false, segment = "") {
    const next = BOXES.includes(box) ? box : "inbox";
    if (!force && next === list.box && q === list.q && segment === list.segment && list.seq) return false;
    list.box = next;
    list.q = q;
    list.segment = segment;
    title.textContent = t(`box.${next}`);
    load();
    return true;
  }

  const stop = () => { list.seq++; };
  const names = () => new Map(list.items.map((l) => [l.id, l.name]));
  return { list, title, status, ul, more, show, select, reload: () => load(), stop, render, names };
}

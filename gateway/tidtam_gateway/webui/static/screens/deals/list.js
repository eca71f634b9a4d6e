// @ts-check
// #/deals?status=&owner=&pipeline=&account=: the deals the caller may see (GET /deals, newest
// first), filtered by status, owner and pipeline (and an account, from its page); each filter
// is in the link, so Back steps through them and a filtered list can be bookmarked; 50 at a
// time ("Load more" follows next_cursor).

import { api, asList } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { errorMessage, stageName, state, userLabel } from "../../ui.js";
import { dealItem } from "./related.js";
import { STATUSES, statusLabel, useDealStyles } from "./index.js";

addStrings({
  th: {
    "dlist.title": "ดีล", "dlist.filters": "ตัวกรอง", "dlist.all": "ทั้งหมด", "dlist.anyone": "ทุกคน",
    "dlist.count": "{n} ดีล", "dlist.countMore": "{n} ดีลแรก", "dlist.none": "ไม่มีดีลที่ตรงกับตัวกรอง",
    "dlist.board": "ดูเป็นบอร์ด", "dlist.oneAccount": "แสดงเฉพาะดีลของลูกค้ารายหนึ่ง", "dlist.allAccounts": "แสดงของลูกค้าทุกราย",
  },
  en: {
    "dlist.title": "Deals", "dlist.filters": "Filters", "dlist.all": "All", "dlist.anyone": "Anyone",
    "dlist.count": "{n} deals", "dlist.countMore": "the first {n} deals", "dlist.none": "No deal matches the filters",
    "dlist.board": "Show as a board", "dlist.oneAccount": "Showing one account's deals", "dlist.allAccounts": "Show every account's",
  },
});

/** @typedef {import("../../types.js").Params} Params */
/** @typedef {import("../../types.js").App} App */

const PAGE = 50;

/** The list call's query for the link's filters (unknown statuses are left out).
 * @param {Params} params */
export function listQuery(params) {
  return { status: STATUSES.includes(params.status) ? params.status : undefined,
           owner_id: params.owner || undefined, pipeline_id: params.pipeline || undefined,
           account_id: params.account || undefined };
}

/** @param {HTMLElement} root @param {Params} params @param {App} app */
export function mount(root, params, app) {
  useDealStyles();
  const ui = { seq: 0, cursor: /** @type {string|null} */ (null), n: 0 };
  const heading = h("h1", { tabindex: "-1", id: "deals-title" }, t("dlist.title"));
  const status = h("p", { class: "muted list-status", role: "status", "aria-live": "polite", id: "deals-status" });
  const list = h("ul", { class: "deal-list", id: "deal-list", "aria-labelledby": "deals-title" });
  const more = h("button", { type: "button", class: "btn", id: "deals-more", hidden: true,
                             onclick: () => load(true) }, t("list.more"));
  /** A filter select; changing it is a new link (Back returns to the previous filters). */
  const select = (/** @type {string} */ name, /** @type {string} */ label, /** @type {[string, string][]} */ options) => {
    const id = nextId(`deals-${name}`);
    const el = /** @type {HTMLSelectElement} */ (h("select", { id, name },
      options.map(([value, text]) => h("option", { value, selected: (params[name] || "") === value }, text))));
    el.value = params[name] || "";
    el.addEventListener("change", () => {
      app.navigate(app.href("/deals", { ...pick(params), [name]: el.value }));
    });
    return h("div", { class: "field" }, h("label", { for: id }, t(label)), el);
  };
  const people = (state.users || []).filter((u) => u.active !== false);
  const filters = h("form", { class: "deal-filters", "aria-label": t("dlist.filters"),
                              onsubmit: (/** @type {Event} */ e) => e.preventDefault() },
    select("status", "deal.status", [["", t("dlist.all")], ...STATUSES.map((s) => /** @type {[string, string]} */ ([s, statusLabel(s)]))]),
    select("owner", "deal.f.owner_id", [["", t("dlist.anyone")],
      ...people.map((u) => /** @type {[string, string]} */ ([u.id, userLabel(u.id)]))]),
    select("pipeline", "deal.f.pipeline_id", [["", t("dlist.all")],
      ...state.pipelines.map((p) => /** @type {[string, string]} */ ([p.id, stageName(p)]))]));
  const boardHref = params.pipeline ? `#/deals/board/${encodeURIComponent(params.pipeline)}` : "#/deals/board";
  root.replaceChildren(h("div", { class: "page deals-page" },
    h("div", { class: "list-title-row" }, heading,
      h("div", { class: "deal-tools" },
        h("a", { class: "btn", href: boardHref }, t("dlist.board")),
        h("a", { class: "btn btn-primary", href: "#/deals/new", id: "new-deal-btn" }, t("nav.dealNew")))),
    filters,
    params.account ? h("p", { class: "notice" }, t("dlist.oneAccount"), " · ",
      h("a", { href: app.href("/deals", { ...pick(params), account: undefined }) }, t("dlist.allAccounts"))) : null,
    status, list, h("div", { class: "list-foot" }, more)));

  async function load(next = false) {
    const seq = ++ui.seq;
    status.textContent = t("list.loading");
    let page;
    try {
      page = await api("/api/v1/deals", { query: { ...listQuery(params), limit: PAGE,
                                                   cursor: next ? ui.cursor : undefined } });
    } catch (err) {
      if (seq === ui.seq && err.status !== 401) status.textContent = errorMessage(err);
      return;
    }
    if (seq !== ui.seq) return;
    const items = asList(page);
    if (!next) { list.replaceChildren(); ui.n = 0; }
    list.append(...items.map(dealItem));
    ui.n += items.length;
    ui.cursor = page.next_cursor || null;
    more.hidden = !ui.cursor;
    status.textContent = !ui.n ? t("dlist.none") : t(ui.cursor ? "dlist.countMore" : "dlist.count", { n: ui.n });
  }
  load();
  heading.focus();
  return () => { ui.seq++; };
}

/** The link's filters alone (what a change of one filter keeps). @param {Params} params */
const pick = (params) => ({ status: params.status, owner: params.owner, pipeline: params.pipeline, account: params.account });

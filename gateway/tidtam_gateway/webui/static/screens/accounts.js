// @ts-check
// The accounts screen: "#/accounts?q=…" (search by name, tax ID, phone, email; load more),
// "#/accounts/<id>" (an account with its contacts and timeline beside the list) and
// "#/accounts/new". Like the leads screen it stays mounted while its route changes.

import { renderAccount, renderMerged } from "../account-detail.js";
import { branchText, formatTaxId } from "../address.js";
import { api, asList } from "../api.js";
import { h } from "../dom.js";
import { formatPhone } from "../format.js";
import { lang, t } from "../i18n.js";
import { renderNewAccount } from "../newaccount.js";
import { state } from "../store.js";
import { loadTimeline } from "../timeline.js";
import { errorMessage, toast } from "../ui.js";
import { sheetTools } from "../sheets.js";
import { listSearch } from "./list-search.js";
import { splitView } from "./split.js";

/** @typedef {import("../types.js").Params} Params */
/** @typedef {import("../types.js").App} App */

const PAGE = 50;
const accountUrl = (/** @type {string} */ id, tail = "") => `/api/v1/accounts/${encodeURIComponent(id)}${tail}`;

/** @param {HTMLElement} root @param {Params} params @param {App} app */
export function mount(root, params, app) {
  const ui = { q: "", items: /** @type {any[]} */ ([]), cursor: null, listSeq: 0, seq: 0,
               id: /** @type {string|null} */ (null), view: "", loaded: false };
  const listHref = () => app.href("/accounts", { q: ui.q });
  const accountHref = (/** @type {string} */ id) => app.href(`/accounts/${encodeURIComponent(id)}`, { q: ui.q });

  const searchBox = listSearch({ id: "acc-q", label: "acc.search.label", placeholder: "acc.search.placeholder",
    current: () => ui.q,
    search: (q) => { // the account shown stays open beside the new results
      const path = ui.view === "new" ? "/accounts/new" : ui.id ? `/accounts/${encodeURIComponent(ui.id)}` : "/accounts";
      app.navigate(app.href(path, { q }), { replace: true });
    } });
  const search = searchBox.input;
  const status = h("p", { class: "muted list-status", id: "acc-status", role: "status", "aria-live": "polite" });
  const ul = h("ul", { class: "lead-list", id: "account-list", "aria-labelledby": "accounts-title" });
  const more = h("button", { type: "button", class: "btn", id: "acc-more", hidden: true,
                             onclick: () => loadAccounts({ more: true }) }, t("list.more"));
  const panes = splitView(root,
    h("section", { class: "list-pane", "aria-labelledby": "accounts-title" },
      h("div", { class: "list-head" },
        h("div", { class: "list-title-row" },
          h("h1", { id: "accounts-title" }, t("acc.title")),
          h("a", { class: "btn btn-primary", id: "new-account-btn", href: "#/accounts/new" },
            h("span", { "aria-hidden": "true", class: "plus" }, "+"), " ", h("span", {}, t("acc.new")))),
        searchBox.form,
        sheetTools({ entity: "account", filters: () => ({ q: ui.q }) }).wrap),
      status, ul, h("div", { class: "list-foot" }, more)),
    { hint: "acc.placeholder", onEscape: () => app.navigate(listHref()) });
  const { body, setOpen: setDetailOpen } = panes;

  async function loadAccounts({ more: next = false } = {}) {
    const seq = ++ui.listSeq;
    if (!next) { ui.items = []; ui.cursor = null; ul.replaceChildren(); more.hidden = true; }
    status.textContent = t("list.loading");
    let data;
    try {
      data = await api("/api/v1/accounts", { query: { q: ui.q, limit: PAGE, cursor: next ? ui.cursor : undefined } });
    } catch (err) {
      if (seq === ui.listSeq && err.status !== 401) status.textContent = errorMessage(err);
      return;
    }
    if (seq !== ui.listSeq) return; // a newer search replaced this one
    ui.items.push(...(data.items || []));
    ui.cursor = data.next_cursor || null;
    renderList();
  }

  function accountItem(/** @type {any} */ account) {
    const meta = [
      account.tax_id ? `${t("acc.taxIdShort")} ${formatTaxId(account.tax_id)}` : null,
      account.address?.province, formatPhone(account.phones?.[0]),
    ].filter(Boolean).join(" · ");
    const link = h("a", { href: accountHref(account.id), class: "lead-item account-item",
                          "aria-current": account.id === ui.id ? "true" : null },
      h("span", { class: "lead-top" },
        h("span", { class: "lead-name" }, account.name),
        account.tax_id ? h("span", { class: "tag" }, branchText(account)) : null),
      meta ? h("span", { class: "lead-meta" }, meta) : null);
    link.dataset.id = account.id;
    return h("li", {}, link);
  }

  function renderList() {
    ul.replaceChildren(...ui.items.map(accountItem));
    more.hidden = !ui.cursor;
    const n = ui.items.length.toLocaleString(lang() === "th" ? "th-TH" : "en-US");
    if (!ui.items.length) status.textContent = ui.q ? t("acc.noMatch", { q: ui.q }) : t("acc.empty");
    else status.textContent = t("list.count", { n });
  }

  function select(/** @type {string|null} */ id) {
    ui.id = id;
    return panes.mark(ul, id);
  }

  const handlers = {
    close: () => app.navigate(listHref()),
    openLead: (/** @type {string} */ id) => app.navigate(app.href(`/leads/${encodeURIComponent(id)}`)),
    openAccount: (/** @type {string} */ id) => app.navigate(accountHref(id)),
    edited: async (/** @type {any} */ account) => {
      toast(t("acc.edit.saved", { name: account.name }));
      loadAccounts();
      await openAccount(account.id, { keepFocus: true });
    },
    reload: async (/** @type {string} */ message) => {
      toast(message);
      await openAccount(ui.id, { keepFocus: true });
    },
    leadCreated: (/** @type {any} */ lead) => {
      toast(t("acc.lead.created", { name: lead.name }));
      state.createdDuplicates = { id: lead.id, items: lead.possible_duplicates || [] };
      app.navigate(app.href(`/leads/${encodeURIComponent(lead.id)}`));
    },
  };

  /** The account with its contacts and the first page of its timeline (each may fail alone). */
  async function openAccount(/** @type {string|null} */ id, { keepFocus = false } = {}) {
    if (!id) return;
    const seq = ++ui.seq;
    select(id);
    if (!keepFocus) { setDetailOpen(true); body.replaceChildren(h("p", { class: "muted" }, t("list.loading"))); }
    const [account, contacts, timeline] = await Promise.allSettled([
      api(accountUrl(id)), api(accountUrl(id, "/contacts"), { query: { limit: 200 } }), loadTimeline(id)]);
    if (seq !== ui.seq) return;
    if (account.status === "rejected") {
      if (account.reason?.status === 401) return;
      setDetailOpen(true);
      if (account.reason?.code === "merged") { renderMerged(body, account.reason, handlers).focus(); return; }
      body.replaceChildren(h("p", { class: "notice" }, errorMessage(account.reason)));
      return;
    }
    const ok = (/** @type {PromiseSettledResult<any>} */ r) => r.status === "fulfilled";
    const value = (/** @type {PromiseSettledResult<any>} */ r) => (r.status === "fulfilled" ? r.value : null);
    const reason = (/** @type {PromiseSettledResult<any>} */ r) => (r.status === "rejected" ? errorMessage(r.reason) : null);
    const view = {
      kind: "account", account: account.value,
      contacts: ok(contacts) ? asList(value(contacts)) : null, contactsError: reason(contacts),
      timeline: ok(timeline) ? asList(value(timeline)) : null,
      timelineCursor: ok(timeline) ? value(timeline).next_cursor || null : null,
      timelineError: reason(timeline),
    };
    const active = document.activeElement;
    const heading = renderAccount(body, view, handlers);
    setDetailOpen(true);
    if (!keepFocus || (active && !document.contains(active))) heading.focus();
  }

  function openNew() {
    ui.seq++;
    select(null);
    setDetailOpen(true);
    renderNewAccount(body, {
      cancel: () => app.navigate(listHref()),
      openAccount: (/** @type {string} */ id) => app.navigate(accountHref(id)),
      created: (/** @type {any} */ account) => {
        toast(t("acc.created", { name: account.name }));
        loadAccounts();
        app.navigate(accountHref(account.id), { replace: true });
      },
    });
  }

  /** @param {Params} p */
  function update(p) {
    const q = p.q || "";
    if (document.activeElement !== search) search.value = q;
    if (q !== ui.q || !ui.loaded) { ui.q = q; ui.loaded = true; loadAccounts(); }
    const view = p.view === "new" ? "new" : p.id ? `account:${p.id}` : "";
    if (view === ui.view) return;
    ui.view = view;
    if (view === "new") openNew();
    else if (p.id) openAccount(p.id);
    else {
      const previous = ui.id;
      ui.seq++;
      const item = select(previous);
      select(null);
      body.replaceChildren();
      setDetailOpen(false);
      if (previous) (item || root).focus();
    }
  }
  update(params);

  const unmount = () => { searchBox.stop(); panes.stop(); ui.seq++; ui.listSeq++; };
  unmount.update = update;
  return unmount;
}

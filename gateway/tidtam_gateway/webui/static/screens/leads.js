// @ts-check
// The leads screen: "#/leads?box=…&q=…" (a box, searched), "#/leads/<id>" (a lead beside the
// list; alone on a phone), "#/leads/<id>/edit" (its edit form) and "#/leads/new" (the new-lead
// form). Following a lead, Back or a box keeps the screen mounted: update() loads only what
// changed.

import { api } from "../api.js";
import { h } from "../dom.js";
import { renderDetail } from "../detail.js";
import { t } from "../i18n.js";
import { renderLeadEdit } from "../lead-edit.js";
import { renderNewLead } from "../newlead.js";
import { state } from "../store.js";
import { errorMessage, toast } from "../ui.js";
import { bulkBar } from "./lead-bulk.js";
import { leadList } from "./lead-list.js";
import { segmentBar } from "../segments.js";
import { listSearch } from "./list-search.js";
import { splitView } from "./split.js";
import { sheetTools } from "../sheets.js";

/** @typedef {import("../types.js").Params} Params */
/** @typedef {import("../types.js").App} App */

const leadUrl = (/** @type {string} */ id, tail = "") => `/api/v1/leads/${encodeURIComponent(id)}${tail}`;

/** @param {HTMLElement} root @param {Params} params @param {App} app */
export function mount(root, params, app) {
  const ui = { box: "inbox", q: "", segment: "", id: /** @type {string|null} */ (null), view: "", seq: 0,
               showAll: false, lead: /** @type {any} */ (null) };
  const listQuery = () => ({ box: ui.box, q: ui.q, segment: ui.segment });
  const listHref = () => app.href("/leads", listQuery());
  const leadHref = (/** @type {string} */ id, tail = "") =>
    app.href(`/leads/${encodeURIComponent(id)}${tail}`, listQuery());
  const bulk = bulkBar({ query: listQuery, names: () => list.names(), done: () => list.reload(),
                         redraw: () => list.render() });
  const list = leadList({ hrefOf: leadHref, onCounts: app.setCounts, checkbox: bulk.checkbox });

  const searchBox = listSearch({ id: "search-q", label: "search.label", placeholder: "search.placeholder",
    current: () => ui.q,
    search: (q) => { // the lead shown stays open beside the new results
      const path = ui.view === "new" ? "/leads/new"
        : ui.id ? `/leads/${encodeURIComponent(ui.id)}${ui.view.startsWith("edit:") ? "/edit" : ""}` : "/leads";
      app.navigate(app.href(path, { box: ui.box, q }), { replace: true });
    } });
  const search = searchBox.input;

  // Saved segments (segments.js): pick one, or save the box and search as one.
  const segmentHost = h("div");
  const showSegments = () => segmentHost.replaceChildren(segmentBar({
    entity: "lead", selected: ui.segment, filters: () => ({ box: ui.box, q: ui.q }),
    pick: (id) => app.navigate(app.href("/leads", { box: ui.box, q: ui.q, segment: id })) }));

  const panes = splitView(root, h("section", { class: "list-pane", "aria-labelledby": "list-title" },
    h("div", { class: "list-head" }, list.title, searchBox.form, segmentHost,
      sheetTools({ entity: "lead", filters: () => ({ box: ui.box, q: ui.q, segment: ui.segment }) }).wrap),
    bulk.wrap, list.status, list.ul,
    h("div", { class: "list-foot" }, list.more)), { hint: "detail.placeholder", onEscape: () => app.navigate(listHref()) });
  const { body, setOpen: setDetailOpen } = panes;

  function closeDetail() {
    const previous = ui.id;
    ui.seq++;
    ui.id = null;
    ui.view = "";
    body.replaceChildren();
    setDetailOpen(false);
    const item = previous ? list.select(previous) : null;
    list.select(null);
    (item || root).focus();
  }

  const handlers = {
    close: () => app.navigate(listHref()),
    openLead: (/** @type {string} */ id) => app.navigate(leadHref(id)),
    openAccount: (/** @type {string} */ id) => app.navigate(app.href(`/accounts/${encodeURIComponent(id)}`)),
    toggleAll: (/** @type {boolean} */ all) => { ui.showAll = all; openLead(ui.id, { keepFocus: true }); },
    edit: () => { if (ui.id) app.navigate(leadHref(ui.id, "/edit")); },
    changed: async (/** @type {string} */ message) => {
      toast(message);
      list.reload();
      await openLead(ui.id, { keepFocus: true, afterAction: true });
    },
  };

  /** @param {string|null} id @param {{keepFocus?: boolean, afterAction?: boolean}} [options] */
  async function openLead(id, { keepFocus = false, afterAction = false } = {}) {
    if (!id) return;
    const seq = ++ui.seq;
    ui.id = id;
    list.select(id);
    if (!keepFocus) {
      setDetailOpen(true);
      body.replaceChildren(h("p", { class: "muted" }, t("list.loading")));
    }
    let lead, entries;
    try {
      [lead, entries] = await Promise.all([
        api(leadUrl(id)), api(leadUrl(id, ui.showAll ? "/history" : "/followups"))]);
    } catch (err) {
      if (seq !== ui.seq || err.status === 401) return;
      if (afterAction && err.status === 404) { // sent on to someone we may no longer see
        toast(t("detail.gone"));
        app.navigate(listHref(), { replace: true });
        return;
      }
      toast(errorMessage(err), "error");
      body.replaceChildren(h("p", { class: "notice" }, errorMessage(err)));
      return;
    }
    if (seq !== ui.seq) return;
    ui.lead = lead;
    const duplicates = state.createdDuplicates?.id === id ? state.createdDuplicates.items : null;
    if (duplicates) state.createdDuplicates = null; // shown once, as the lead is first opened
    const active = document.activeElement;
    const heading = renderDetail(body, { lead, entries: Array.isArray(entries) ? entries : [],
                                         showAll: ui.showAll, duplicates }, handlers);
    setDetailOpen(true);
    if (!keepFocus) heading.focus();
    else if (active && !document.contains(active)) heading.focus();
  }

  /** The edit form has its own link (a reload keeps it): the lead is read, then the form drawn.
   * Saved or cancelled, the link becomes the lead's again (Back does not reopen the form).
   * @param {string} id */
  async function openEdit(id) {
    const seq = ++ui.seq;
    ui.id = id;
    list.select(id);
    setDetailOpen(true);
    let lead = ui.lead && ui.lead.id === id ? ui.lead : null;
    if (!lead) {
      body.replaceChildren(h("p", { class: "muted" }, t("list.loading")));
      try { lead = await api(leadUrl(id)); } catch (err) {
        if (seq !== ui.seq || err.status === 401) return;
        body.replaceChildren(h("p", { class: "notice" }, errorMessage(err)));
        return;
      }
      if (seq !== ui.seq) return;
      ui.lead = lead;
    }
    const back = () => app.navigate(leadHref(id), { replace: true });
    renderLeadEdit(body, lead, {
      saved: (/** @type {any} */ saved) => {
        toast(t("edit.saved", { name: saved.name }));
        list.reload();
        back();
      },
      cancel: back,
    });
  }

  function openNew() {
    ui.seq++;
    ui.id = null;
    list.select(null);
    setDetailOpen(true);
    renderNewLead(body, {
      onCancel: () => app.navigate(listHref()),
      onCreated: (/** @type {any} */ lead) => {
        toast(t("new.created", { name: lead.name }));
        state.createdDuplicates = { id: lead.id, items: lead.possible_duplicates || [] };
        ui.box = "inbox";
        ui.q = "";
        app.navigate(app.href(`/leads/${encodeURIComponent(lead.id)}`, { box: "inbox" }), { replace: true });
        list.show("inbox", "", true);
      },
    });
  }

  /** Follow the route: the box and search, then the detail pane. @param {Params} p */
  function update(p) {
    ui.box = p.box || "inbox";
    ui.q = p.q || "";
    if (document.activeElement !== search) search.value = ui.q;
    if (!segmentHost.firstChild || (p.segment || "") !== ui.segment) { ui.segment = p.segment || ""; showSegments(); }
    if (list.show(ui.box, ui.q, false, ui.segment)) bulk.reset();
    const view = p.view === "new" ? "new" : p.id ? `${p.view === "edit" ? "edit" : "lead"}:${p.id}` : "";
    if (view === ui.view) return;
    ui.view = view;
    ui.showAll = false;
    if (view === "new") openNew();
    else if (p.id && p.view === "edit") openEdit(p.id);
    else if (p.id) openLead(p.id);
    else closeDetail();
  }

  update(params);

  const unmount = () => {
    searchBox.stop();
    ui.seq++;
    list.stop();
    panes.stop();
  };
  unmount.update = update;
  return unmount;
}

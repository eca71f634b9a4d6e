// Tidtam web UI: login, the boxes, the lead list, the accounts and the detail panel. No build step.

import { renderAccount, renderMerged } from "./account-detail.js";
import { initAccounts, loadAccounts, renderAccounts, resetAccounts } from "./accounts.js";
import { api, ApiError, asList, getToken, setToken, setUnauthorizedHandler } from "./api.js";
import { $, $$, h } from "./dom.js";
import { renderDetail } from "./detail.js";
import { formatBaht, formatDate, formatPhone } from "./format.js";
import { applyStatic, lang, setLang, t } from "./i18n.js";
import { renderNewAccount } from "./newaccount.js";
import { renderNewLead } from "./newlead.js";
import { loadTimeline } from "./timeline.js";
import { errorMessage, loadCatalogs, sourceLabel, stageLabel, state, toast, userLabel } from "./ui.js";

const BOXES = ["inbox", "sent", "lost", "junk"];
const PAGE = 50;

const ui = {
  mode: "leads",    // the list pane shows "leads" (a box) or "accounts"
  box: "inbox",
  q: "",
  items: [],
  cursor: null,
  listSeq: 0,
  detailSeq: 0,
  selectedId: null,
  view: null,       // {kind: "detail", lead, entries, showAll, duplicates} | {kind: "new"}
                    // | {kind: "account", account, contacts, timeline, …} | {kind: "newAccount"} | null
};

// ---- views ---------------------------------------------------------------------------------

function showLogin(message) {
  $("#app-view").hidden = true;
  $("#whoami").hidden = true;
  $("#logout").hidden = true;
  $("#login-view").hidden = false;
  const error = $("#login-error");
  error.hidden = !message;
  error.textContent = message || "";
  $("#login-email").focus();
}

async function showApp() {
  try {
    state.me = await api("/api/v1/me");
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) showLogin(errorMessage(err));
    return;
  }
  $("#login-view").hidden = true;
  $("#app-view").hidden = false;
  $("#whoami").hidden = false;
  $("#logout").hidden = false;
  renderWhoami();
  await loadCatalogs();
  if (ui.mode === "accounts") selectAccounts(); else selectBox(ui.box);
}

function renderWhoami() {
  if (!state.me) return;
  $("#me-name").textContent = state.me.name;
  $("#me-role").textContent = t(`role.${state.me.role}`);
}

// ---- login / logout / language -------------------------------------------------------------

async function onLogin(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const button = form.querySelector("button[type=submit]");
  const error = $("#login-error");
  error.hidden = true;
  button.disabled = true;
  button.textContent = t("login.busy");
  try {
    const data = await api("/api/v1/auth/token", { method: "POST", form: {
      username: $("#login-email").value.trim(), password: $("#login-password").value } });
    setToken(data.access_token);
    $("#login-password").value = "";
    await showApp();
  } catch (err) {
    const bad = err instanceof ApiError && (err.status === 401 || err.status === 400);
    error.textContent = bad ? t("login.failed") : errorMessage(err);
    error.hidden = false;
  } finally {
    button.disabled = false;
    button.textContent = t("login.submit");
  }
}

function logout() {
  setToken(null);
  Object.assign(state, { me: null, users: null, pipelines: [], reasons: {} });
  Object.assign(ui, { items: [], cursor: null, selectedId: null, view: null, q: "", mode: "leads" });
  $("#search-q").value = "";
  resetAccounts();
  closeDetail({ focus: false });
  showLogin();
}

function toggleLanguage() {
  setLang(lang() === "th" ? "en" : "th");
  relabel();
}

function relabel() {
  applyStatic();
  const button = $("#lang-toggle");
  button.textContent = t("lang.other");
  button.lang = lang() === "th" ? "en" : "th";
  button.setAttribute("aria-label", t("lang.switch"));
  document.title = lang() === "th" ? "ติดตาม · Tidtam CRM" : "Tidtam CRM · ติดตาม";
  $("#list-title").textContent = t(`box.${ui.box}`);
  renderWhoami();
  if (!$("#app-view").hidden) {
    if (ui.mode === "accounts") renderAccounts(); else renderList();
    const shown = ui.view?.kind === "detail" || ui.view?.kind === "account";
    if (shown && !ui.view.editing) drawDetail(false); // an edit form relabels itself
  }
}

// ---- the list ------------------------------------------------------------------------------

/** Show the leads list (a box) or the accounts list in the list pane. */
function showMode(mode) {
  ui.mode = mode;
  $("#leads-view").hidden = mode !== "leads";
  $("#accounts-view").hidden = mode !== "accounts";
  const placeholder = $("#detail-placeholder p");
  placeholder.dataset.i18n = mode === "accounts" ? "acc.placeholder" : "detail.placeholder";
  placeholder.textContent = t(placeholder.dataset.i18n);
  $("#main").setAttribute("aria-labelledby", mode === "accounts" ? "accounts-title" : "list-title");
  for (const button of $$(".box-btn")) {
    const current = mode === "accounts" ? button.dataset.view === "accounts" : button.dataset.box === ui.box;
    if (current) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
}

function selectBox(box) {
  ui.box = BOXES.includes(box) ? box : "inbox";
  showMode("leads");
  $("#list-title").textContent = t(`box.${ui.box}`);
  loadList();
}

/** How many leads each box holds (GET /leads/counts), beside the box names. */
async function loadCounts() {
  let counts;
  try { counts = await api("/api/v1/leads/counts"); } catch { return; } // the list says why
  for (const el of $$(".box-count[data-count]")) {
    const n = counts[el.dataset.count];
    el.textContent = n ? String(n) : "";
  }
}

function selectAccounts() {
  showMode("accounts");
  loadAccounts();
}

async function loadList({ more = false } = {}) {
  const seq = ++ui.listSeq;
  const status = $("#list-status");
  if (!more) {
    ui.items = [];
    ui.cursor = null;
    $("#lead-list").replaceChildren();
    $("#load-more").hidden = true;
  }
  status.textContent = t("list.loading");
  if (!more) loadCounts();
  let data;
  try {
    data = await api("/api/v1/leads", { query: {
      box: ui.box, q: ui.q, limit: PAGE, cursor: more ? ui.cursor : undefined } });
  } catch (err) {
    if (seq === ui.listSeq && err.status !== 401) status.textContent = errorMessage(err);
    return;
  }
  if (seq !== ui.listSeq) return; // a newer box or search replaced this one
  ui.items.push(...(data.items || []));
  ui.cursor = data.next_cursor || null;
  renderList();
}

function leadItem(lead, L) {
  const meta = [lead.company, formatPhone(lead.phone)].filter(Boolean).join(" · ");
  const tags = [
    h("span", { class: "tag" }, sourceLabel(lead.source)),
    stageLabel(lead.stage_id) ? h("span", { class: "tag tag-stage" }, stageLabel(lead.stage_id)) : null,
    lead.box !== "inbox" ? h("span", { class: `badge badge-${lead.box}` }, t(`lead.box.${lead.box}`)) : null,
    ui.box === "sent" ? h("span", { class: "tag" }, `→ ${userLabel(lead.owner_id)}`) : null,
  ];
  const button = h("button", {
    type: "button", class: "lead-item", "aria-current": lead.id === ui.selectedId ? "true" : null,
    onclick: () => openLead(lead.id) },
  h("span", { class: "lead-top" },
    h("span", { class: "lead-name" }, lead.name),
    h("time", { class: "lead-date", datetime: lead.created_at }, formatDate(lead.created_at, L))),
  meta ? h("span", { class: "lead-meta" }, meta) : null,
  h("span", { class: "lead-tags" }, tags,
    lead.potential !== null && lead.potential !== undefined
      ? h("span", { class: "lead-potential" }, formatBaht(lead.potential, L)) : null));
  button.dataset.id = lead.id;
  return h("li", {}, button);
}

function renderList() {
  const L = lang();
  $("#lead-list").replaceChildren(...ui.items.map((lead) => leadItem(lead, L)));
  $("#load-more").hidden = !ui.cursor;
  const status = $("#list-status");
  if (!ui.items.length) status.textContent = ui.q ? t("list.noMatch", { q: ui.q }) : t("list.empty");
  else status.textContent = t("list.count", { n: ui.items.length.toLocaleString(L === "th" ? "th-TH" : "en-US") });
}

function markSelected() {
  for (const button of $$(".lead-item")) {
    if (button.dataset.id === ui.selectedId) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

// ---- the detail panel ----------------------------------------------------------------------

function setDetailOpen(open) {
  $("#detail-placeholder").hidden = open;
  $("#detail-body").hidden = !open;
  $("#app-view").classList.toggle("show-detail", open);
}

function closeDetail({ focus = true } = {}) {
  const previous = ui.selectedId;
  ui.view = null;
  ui.selectedId = null;
  ui.detailSeq++;
  $("#detail-body").replaceChildren();
  setDetailOpen(false);
  markSelected();
  if (!focus || $("#app-view").hidden) return;
  const item = previous && $$(`.lead-item[data-id="${CSS.escape(previous)}"]`)
    .find((el) => el.offsetParent !== null);
  (item || $("#main")).focus();
}

const detailHandlers = {
  close: closeDetail,
  openLead: (id) => openLead(id),
  openAccount: (id) => openAccount(id),
  toggleAll: (all) => openLead(ui.selectedId, { showAll: all, keepFocus: true }),
  changed: async (message) => {
    toast(message);
    loadList();
    await openLead(ui.selectedId, { showAll: ui.view?.showAll, keepFocus: true, afterAction: true });
  },
};

function drawDetail(focus) {
  const heading = ui.view.kind === "account"
    ? renderAccount($("#detail-body"), ui.view, accountHandlers)
    : renderDetail($("#detail-body"), ui.view, detailHandlers);
  setDetailOpen(true);
  if (focus) heading.focus();
}

async function openLead(id, { showAll = false, duplicates = null, keepFocus = false, afterAction = false } = {}) {
  if (!id) return;
  const seq = ++ui.detailSeq;
  ui.selectedId = id;
  markSelected();
  if (!keepFocus) {
    setDetailOpen(true);
    $("#detail-body").replaceChildren(h("p", { class: "muted" }, t("list.loading")));
  }
  const base = `/api/v1/leads/${encodeURIComponent(id)}`;
  let lead, entries;
  try {
    [lead, entries] = await Promise.all([
      api(base), api(`${base}/${showAll ? "history" : "followups"}`)]);
  } catch (err) {
    if (seq !== ui.detailSeq || err.status === 401) return;
    if (afterAction && err.status === 404) { // sent on to someone we may no longer see
      toast(t("detail.gone"));
      closeDetail();
      return;
    }
    toast(errorMessage(err), "error");
    if (!keepFocus) closeDetail();
    return;
  }
  if (seq !== ui.detailSeq) return;
  ui.view = { kind: "detail", lead, entries: Array.isArray(entries) ? entries : [], showAll, duplicates };
  redrawDetail(keepFocus);
}

// Draw the detail pane again; with `keepFocus`, focus stays where it was if it still can.
function redrawDetail(keepFocus) {
  const active = document.activeElement;
  drawDetail(!keepFocus);
  if (keepFocus && active && !document.contains(active)) $(".detail-title")?.focus();
}

// Open the detail pane on a form of its own (`view`); returns the element to render into.
function openForm(view) {
  ui.detailSeq++;
  ui.selectedId = null;
  ui.view = view;
  markSelected();
  setDetailOpen(true);
  return $("#detail-body");
}

function openNewLead() {
  renderNewLead(openForm({ kind: "new" }), {
    onCancel: closeDetail,
    onCreated: (lead) => {
      toast(t("new.created", { name: lead.name }));
      if (ui.box !== "inbox" || ui.q) {
        ui.q = "";
        $("#search-q").value = "";
        selectBox("inbox");
      } else {
        loadList();
      }
      openLead(lead.id, { duplicates: lead.possible_duplicates || [] });
    },
  });
}

// ---- accounts ------------------------------------------------------------------------------

const accountUrl = (id, tail = "") => `/api/v1/accounts/${encodeURIComponent(id)}${tail}`;

const accountHandlers = {
  close: closeDetail,
  openLead: (id) => openLead(id),
  openAccount: (id) => openAccount(id),
  edited: async (account) => {
    toast(t("acc.edit.saved", { name: account.name }));
    if (ui.mode === "accounts") loadAccounts();
    await openAccount(account.id, { keepFocus: true });
  },
  reload: async (message) => {
    toast(message);
    await openAccount(ui.selectedId, { keepFocus: true });
  },
  leadCreated: (lead) => {
    toast(t("acc.lead.created", { name: lead.name }));
    if (ui.mode === "leads") loadList();
    openLead(lead.id, { duplicates: lead.possible_duplicates || [] });
  },
};

/** The account with its contacts and the first page of its timeline (each may fail alone). */
async function openAccount(id, { keepFocus = false } = {}) {
  if (!id) return;
  const seq = ++ui.detailSeq;
  ui.selectedId = id;
  markSelected();
  if (!keepFocus) {
    setDetailOpen(true);
    $("#detail-body").replaceChildren(h("p", { class: "muted" }, t("list.loading")));
  }
  const [account, contacts, timeline] = await Promise.allSettled([
    api(accountUrl(id)), api(accountUrl(id, "/contacts"), { query: { limit: 200 } }), loadTimeline(id)]);
  if (seq !== ui.detailSeq) return;
  if (account.status === "rejected") {
    if (account.reason?.status === 401) return;
    if (account.reason?.code === "merged") {
      ui.view = { kind: "merged" };
      setDetailOpen(true);
      renderMerged($("#detail-body"), account.reason, accountHandlers).focus();
      return;
    }
    toast(errorMessage(account.reason), "error");
    if (!keepFocus) closeDetail();
    return;
  }
  const ok = (r) => r.status === "fulfilled";
  ui.view = {
    kind: "account", account: account.value,
    contacts: ok(contacts) ? asList(contacts.value) : null,
    contactsError: ok(contacts) ? null : errorMessage(contacts.reason),
    timeline: ok(timeline) ? asList(timeline.value) : null,
    timelineCursor: ok(timeline) ? timeline.value.next_cursor || null : null,
    timelineError: ok(timeline) ? null : errorMessage(timeline.reason),
  };
  redrawDetail(keepFocus);
}

function openNewAccount() {
  renderNewAccount(openForm({ kind: "newAccount" }), {
    cancel: closeDetail,
    openAccount: (id) => openAccount(id),
    created: (account) => {
      toast(t("acc.created", { name: account.name }));
      loadAccounts();
      openAccount(account.id);
    },
  });
}

// ---- wiring --------------------------------------------------------------------------------

function init() {
  relabel();
  setUnauthorizedHandler(() => {
    state.me = null;
    closeDetail({ focus: false });
    showLogin(t("login.expired"));
  });
  $("#login-form").addEventListener("submit", onLogin);
  $("#lang-toggle").addEventListener("click", toggleLanguage);
  $("#logout").addEventListener("click", logout);
  $("#new-lead-btn").addEventListener("click", openNewLead);
  $("#load-more").addEventListener("click", () => loadList({ more: true }));
  for (const button of $$(".box-btn[data-box]")) {
    button.addEventListener("click", () => { closeDetail({ focus: false }); selectBox(button.dataset.box); });
  }
  $("#accounts-btn").addEventListener("click", () => { closeDetail({ focus: false }); selectAccounts(); });
  $("#new-account-btn").addEventListener("click", openNewAccount);
  initAccounts({ open: (id) => openAccount(id), selected: () => ui.selectedId });
  let debounce;
  const search = $("#search-q");
  $("#search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(debounce);
    ui.q = search.value.trim();
    loadList();
  });
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      if (search.value.trim() === ui.q) return;
      ui.q = search.value.trim();
      loadList();
    }, 350);
  });
  document.addEventListener("keydown", (event) => {
    // Not from inside a form: Escape there must not throw away what was typed.
    const typing = event.target.closest?.("input, textarea, select");
    if (event.key === "Escape" && ui.view && !typing && !event.defaultPrevented) closeDetail();
  });
  if (getToken()) showApp(); else showLogin();
}

init();

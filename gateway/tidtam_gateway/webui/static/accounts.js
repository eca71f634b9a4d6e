// The accounts list: search (name, tax ID, phone, email) and load-more paging.

import { api } from "./api.js";
import { branchText, formatTaxId } from "./address.js";
import { $, h } from "./dom.js";
import { formatPhone } from "./format.js";
import { lang, t } from "./i18n.js";
import { errorMessage } from "./ui.js";

const PAGE = 50;
const list = { q: "", items: [], cursor: null, seq: 0 };
let hooks = { open: () => {}, selected: () => null };

/** hooks: {open(id), selected() → the id shown in the detail pane}. Wires search and paging. */
export function initAccounts(given) {
  hooks = given;
  let debounce;
  const search = $("#acc-q");
  const run = () => {
    clearTimeout(debounce);
    list.q = search.value.trim();
    loadAccounts();
  };
  $("#acc-search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  search.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { if (search.value.trim() !== list.q) run(); }, 350);
  });
  $("#acc-more").addEventListener("click", () => loadAccounts({ more: true }));
}

/** Forget the list (logout). */
export function resetAccounts() {
  Object.assign(list, { q: "", items: [], cursor: null });
  list.seq++;
  $("#acc-q").value = "";
  $("#account-list").replaceChildren();
}

export async function loadAccounts({ more = false } = {}) {
  const seq = ++list.seq;
  const status = $("#acc-status");
  if (!more) {
    list.items = [];
    list.cursor = null;
    $("#account-list").replaceChildren();
    $("#acc-more").hidden = true;
  }
  status.textContent = t("list.loading");
  let data;
  try {
    data = await api("/api/v1/accounts", { query: {
      q: list.q, limit: PAGE, cursor: more ? list.cursor : undefined } });
  } catch (err) {
    if (seq === list.seq && err.status !== 401) status.textContent = errorMessage(err);
    return;
  }
  if (seq !== list.seq) return; // a newer search replaced this one
  list.items.push(...(data.items || []));
  list.cursor = data.next_cursor || null;
  renderAccounts();
}

function accountItem(account) {
  const meta = [
    account.tax_id ? `${t("acc.taxIdShort")} ${formatTaxId(account.tax_id)}` : null,
    account.address?.province,
    formatPhone(account.phones?.[0]),
  ].filter(Boolean).join(" · ");
  const button = h("button", {
    type: "button", class: "lead-item account-item",
    "aria-current": account.id === hooks.selected() ? "true" : null,
    onclick: () => hooks.open(account.id) },
  h("span", { class: "lead-top" },
    h("span", { class: "lead-name" }, account.name),
    account.tax_id ? h("span", { class: "tag" }, branchText(account)) : null),
  meta ? h("span", { class: "lead-meta" }, meta) : null);
  button.dataset.id = account.id;
  return h("li", {}, button);
}

export function renderAccounts() {
  $("#account-list").replaceChildren(...list.items.map(accountItem));
  $("#acc-more").hidden = !list.cursor;
  const status = $("#acc-status");
  const L = lang();
  if (!list.items.length) {
    status.textContent = list.q ? t("acc.noMatch", { q: list.q }) : t("acc.empty");
  } else {
    status.textContent = t("list.count", { n: list.items.length.toLocaleString(L === "th" ? "th-TH" : "en-US") });
  }
}

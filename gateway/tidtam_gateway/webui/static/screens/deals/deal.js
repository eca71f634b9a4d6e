// @ts-check
// #/deals/<id>: a deal: its facts (the account and contact by name), Edit, the stage, the won
// and lost dialogs, reopen (admins), and its history (who, when, each field before → after).

import { api, asList, creator } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { formatDateTime } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { busy, clearErrors, errorMessage, field, showErrors, stageName, state, userLabel } from "../../ui.js";
import { refusal } from "../board-model.js";
import { lostDialog, wonDialog } from "./dialogs.js";
import { linesTable } from "./lines.js";
import { dealUrl, fieldLabel, fieldValue, statusBadge, useDealStyles } from "./index.js";

addStrings({
  th: {
    "dpage.edit": "แก้ไข", "dpage.board": "ดูบนบอร์ด", "dpage.readOnly": "คุณดูดีลนี้ได้อย่างเดียว",
    "dpage.stage": "ย้ายขั้นตอน", "dpage.stageSubmit": "ย้าย", "dpage.stageDone": "ย้ายไปที่ “{stage}” แล้ว",
    "dpage.close": "ปิดการขาย", "dpage.won": "ขายได้…", "dpage.lost": "ขายไม่ได้…",
    "dpage.reopen": "เปิดดีลนี้อีกครั้ง", "dpage.reopenHint": "เฉพาะผู้ดูแลระบบ: ดีลกลับมาเป็น “กำลังดำเนินการ”",
    "dpage.reopened": "เปิดดีลอีกครั้งแล้ว",
    "dpage.history": "ประวัติการเปลี่ยนแปลง", "dpage.noHistory": "ยังไม่มีประวัติ",
    "dpage.kind.created": "สร้างดีล", "dpage.kind.updated": "แก้ไขข้อมูล", "dpage.kind.stage_changed": "ย้ายขั้นตอน",
    "dpage.kind.won": "ขายได้", "dpage.kind.lost": "ขายไม่ได้", "dpage.kind.reopened": "เปิดอีกครั้ง",
    "dpage.kind.other": "เปลี่ยนแปลง", "dpage.change": "{field}: {before} → {after}", "dpage.set": "{field}: {after}",
  },
  en: {
    "dpage.edit": "Edit", "dpage.board": "Show on the board", "dpage.readOnly": "You may only view this deal",
    "dpage.stage": "Move to a stage", "dpage.stageSubmit": "Move", "dpage.stageDone": "Moved to “{stage}”",
    "dpage.close": "Close the deal", "dpage.won": "Won…", "dpage.lost": "Lost…",
    "dpage.reopen": "Reopen this deal", "dpage.reopenHint": "Admins only: the deal is open again",
    "dpage.reopened": "The deal is open again",
    "dpage.history": "History", "dpage.noHistory": "No history yet",
    "dpage.kind.created": "Deal created", "dpage.kind.updated": "Details changed", "dpage.kind.stage_changed": "Stage changed",
    "dpage.kind.won": "Won", "dpage.kind.lost": "Lost", "dpage.kind.reopened": "Reopened",
    "dpage.kind.other": "Changed", "dpage.change": "{field}: {before} → {after}", "dpage.set": "{field}: {after}",
  },
});

/** @typedef {import("../../types.js").Params} Params */
/** @typedef {import("../../types.js").App} App */
/** @typedef {import("./index.js").Deal} Deal */
/** @typedef {{id: number, kind: string, author_id: string|null, changes: Record<string, unknown[]>,
 *             note: string|null, created_at: string}} Entry */

const KINDS = ["created", "updated", "stage_changed", "won", "lost", "reopened"];

/** @param {HTMLElement} root @param {Params} params @param {App} app */
export function mount(root, params, app) {
  useDealStyles();
  const page = h("div", { class: "page deal-page" }, h("p", { class: "muted" }, t("list.loading")));
  root.replaceChildren(page);
  let alive = true;
  /** @type {Map<string, string>} the account's and its contacts' names by id */
  const names = new Map();

  async function load(/** @type {string} */ message = "") {
    let deal, entries;
    try {
      [deal, entries] = await Promise.all([api(dealUrl(params.id)), api(dealUrl(params.id, "/history"))]);
    } catch (err) {
      if (alive && err.status !== 401) page.replaceChildren(h("p", { class: "notice screen-notice" }, errorMessage(err)));
      return;
    }
    if (!alive) return;
    if (!names.has(deal.account_id)) await nameAccount(deal.account_id, names);
    if (!alive) return;
    render(page, deal, asList(entries), names, { reload: load, app });
    if (message) app.toast(message);
  }
  load();
  return () => { alive = false; };
}

/** The account's name and its contacts' names (the deal shows names, not ids); best effort. */
async function nameAccount(/** @type {string} */ accountId, /** @type {Map<string, string>} */ names) {
  const url = `/api/v1/accounts/${encodeURIComponent(accountId)}`;
  const [account, contacts] = await Promise.allSettled([api(url), api(`${url}/contacts`, { query: { limit: 200 } })]);
  if (account.status === "fulfilled") names.set(accountId, account.value.name);
  if (contacts.status === "fulfilled") for (const c of asList(contacts.value)) names.set(c.id, c.name);
}

/**
 * @param {HTMLElement} page @param {Deal} deal @param {Entry[]} entries @param {Map<string, string>} names
 * @param {{reload: (message?: string) => Promise<void>, app: App}} on
 */
function render(page, deal, entries, names, on) {
  const heading = h("h1", { tabindex: "-1", class: "deal-title" }, deal.name);
  const open = deal.status === "open";
  const admin = state.me?.role === "admin";
  page.replaceChildren(...[
    h("div", { class: "detail-head" }, h("div", { class: "deal-head-main" }, heading, statusBadge(deal.status)),
      h("div", { class: "detail-tools" },
        deal.read_only ? null : h("a", { class: "btn btn-sm", href: `#/deals/${encodeURIComponent(deal.id)}/edit`, id: "deal-edit" }, t("dpage.edit")),
        open ? h("a", { class: "btn btn-sm", href: `#/deals/board/${encodeURIComponent(deal.pipeline_id)}` }, t("dpage.board")) : null)),
    deal.read_only ? h("p", { class: "notice" }, t("dpage.readOnly")) : null,
    facts(deal, names),
    linesTable(deal.lines || []),
    open && !deal.read_only ? stageCard(deal, on) : null,
    open && !deal.read_only ? closeCard(deal, on) : null,
    !open && admin ? reopenCard(deal, on) : null,
    history(entries, names),
  ].filter((x) => x !== null));
  heading.focus();
}

function facts(/** @type {Deal} */ deal, /** @type {Map<string, string>} */ names) {
  /** @type {(key: string, value: unknown, shown?: Node|string|null) => Node[]|null} */
  const row = (key, value, shown = null) => (value === null || value === undefined || value === "" ? null
    : [h("dt", {}, fieldLabel(key)), h("dd", { dataset: { field: key } }, shown ?? fieldValue(key, value, names))]);
  return h("dl", { class: "facts deal-facts" },
    row("account_id", deal.account_id, h("a", { href: `#/accounts/${encodeURIComponent(deal.account_id)}` },
      names.get(deal.account_id) || t("deal.openAccount"))),
    row("contact_id", deal.contact_id),
    row("stage_id", deal.stage_id),
    row("amount", deal.amount, deal.amount_source && deal.amount_source !== "typed" && deal.amount !== null
      ? `${fieldValue("amount", deal.amount)} (${fieldValue("amount_source", deal.amount_source)})` : null),
    row("probability", deal.probability, deal.probability_typed === false && deal.probability !== null
      ? `${fieldValue("probability", deal.probability)} (${t("deal.stageDefault")})` : null),
    row("weighted_amount", deal.weighted_amount),
    row("expected_close", deal.expected_close),
    row("owner_id", deal.owner_id),
    row("status", deal.status),
    row("lost_reason", deal.lost_reason, deal.lost_reason),
    row("closed_on", deal.closed_on),
    row("lead_id", deal.lead_id, h("a", { href: `#/leads/${encodeURIComponent(deal.lead_id || "")}` }, t("deal.openLead"))),
    row("created_at", deal.created_at, formatDateTime(deal.created_at, lang())));
}

function card(/** @type {string} */ key, /** @type {Node[]} */ ...body) {
  const id = nextId("dcard");
  return h("section", { class: "action-card", "aria-labelledby": id }, h("h2", { id }, t(key)), ...body);
}

/** The stage select (every pipeline's stages: another pipeline's moves the deal there). */
function stageCard(/** @type {Deal} */ deal, /** @type {{reload: (m?: string) => Promise<void>}} */ on) {
  const stage = field({ name: "stage_id", label: "deal.f.stage_id", control: "select" });
  stage.input.append(...state.pipelines.map((p) => h("optgroup", { label: stageName(p) },
    p.stages.map((s) => h("option", { value: s.id, selected: s.id === deal.stage_id }, stageName(s))))));
  stage.input.value = deal.stage_id;
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const post = creator();
  const form = h("form", { class: "stack deal-stage", novalidate: true },
    h("div", { class: "inline" }, stage.wrap, h("button", { type: "submit", class: "btn" }, t("dpage.stageSubmit"))), general);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearErrors({ stage_id: stage }, general);
    const chosen = stage.input.value;
    if (chosen === deal.stage_id) return;
    busy(form, async () => {
      try {
        await post(dealUrl(deal.id, "/stage"), { stage_id: chosen });
      } catch (err) {
        if (err.status === 401) return;
        general.textContent = refusal(err, { back: "deal.refused.back", readOnly: "deal.refused.readOnly", gone: "deal.refused.gone" });
        general.hidden = false;
        general.focus();
        return;
      }
      await on.reload(t("dpage.stageDone", { stage: fieldValue("stage_id", chosen) }));
    });
  });
  return card("dpage.stage", form);
}

/** Won… and Lost…: each opens its dialog; a success reloads the deal. */
function closeCard(/** @type {Deal} */ deal, /** @type {{reload: (m?: string) => Promise<void>}} */ on) {
  const won = h("button", { type: "button", class: "btn btn-primary", id: "deal-won", "aria-haspopup": "dialog" }, t("dpage.won"));
  const lost = h("button", { type: "button", class: "btn btn-danger", id: "deal-lost", "aria-haspopup": "dialog" }, t("dpage.lost"));
  const host = h("div");
  won.addEventListener("click", () => wonDialog(host, deal, on.reload, won));
  lost.addEventListener("click", () => lostDialog(host, deal, on.reload, lost));
  return card("dpage.close", h("div", { class: "deal-close-buttons" }, won, lost), host);
}

function reopenCard(/** @type {Deal} */ deal, /** @type {{reload: (m?: string) => Promise<void>}} */ on) {
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const post = creator();
  const button = h("button", { type: "button", class: "btn", id: "deal-reopen" }, t("dpage.reopen"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    general.hidden = true;
    try {
      await post(dealUrl(deal.id, "/reopen"));
    } catch (err) {
      button.disabled = false;
      if (err.status !== 401) { general.textContent = errorMessage(err); general.hidden = false; general.focus(); }
      return;
    }
    await on.reload(t("dpage.reopened"));
  });
  return card("dpage.reopen", h("p", { class: "hint" }, t("dpage.reopenHint")), h("div", {}, button), general);
}

/** One history entry's lines: each field's before → after, in words (what a deal was
 * created with: its value alone; a pair that did not change, e.g. the pipeline of a move
 * within it, is left out). */
export function changeLines(/** @type {Entry} */ entry, /** @type {Map<string, string>} */ names = new Map()) {
  return Object.entries(entry.changes || {}).flatMap(([key, pair]) => {
    const [before, after] = Array.isArray(pair) ? pair : [null, pair];
    if (before === after) return [];
    const words = { field: fieldLabel(key), before: fieldValue(key, before, names), after: fieldValue(key, after, names) };
    return [t(entry.kind === "created" && before === null ? "dpage.set" : "dpage.change", words)];
  });
}

/** An entry's kind in words, never its key. */
export const kindLabel = (/** @type {string} */ kind) => t(KINDS.includes(kind) ? `dpage.kind.${kind}` : "dpage.kind.other");

function history(/** @type {Entry[]} */ entries, /** @type {Map<string, string>} */ names) {
  const L = lang();
  const items = [...entries].reverse().map((e) => h("li", { class: `log-entry deal-entry deal-entry-${e.kind}` },
    h("div", { class: "log-head" },
      h("span", { class: "badge" }, kindLabel(e.kind)),
      h("span", { class: "log-author" }, e.author_id ? userLabel(e.author_id) : t("deal.system")),
      h("time", { datetime: e.created_at, class: "muted" }, formatDateTime(e.created_at, L))),
    h("ul", { class: "deal-changes" }, changeLines(e, names).map((line) => h("li", {}, line))),
    e.note && e.kind !== "lost" ? h("p", { class: "prewrap" }, e.note) : null)); // lost: the reason is a change
  const id = nextId("dhist");
  return h("section", { class: "log deal-history", "aria-labelledby": id },
    h("h2", { id }, t("dpage.history")),
    items.length ? h("ol", { class: "log-list" }, items) : h("p", { class: "muted" }, t("dpage.noHistory")));
}

// @ts-check
// Deals where other records show them: an item of a deals list (the list, an account's
// deals), the "Deals" section of an account's page (its deals and "New deal" with the account
// preset), and on a converted lead the link to the deal its conversion opened.

import { api, asList } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { errorText } from "../../errors.js";
import { formatBaht } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { stageLabel, userLabel } from "../../ui.js";
import { dealHref, fieldValue, statusBadge, useDealStyles } from "./index.js";

addStrings({
  th: {
    "drel.title": "ดีล", "drel.new": "สร้างดีล", "drel.none": "ยังไม่มีดีล", "drel.loading": "กำลังโหลดดีล…",
    "drel.ofLead": "ดีลจากลีดนี้:", "drel.more": "ดูดีลทั้งหมดของลูกค้ารายนี้",
  },
  en: {
    "drel.title": "Deals", "drel.new": "New deal", "drel.none": "No deals yet", "drel.loading": "Loading deals…",
    "drel.ofLead": "The deal from this lead:", "drel.more": "All deals of this account",
  },
});

/** @typedef {import("./index.js").Deal} Deal */

/** A deal in a list: its name (a link), status, stage, amount, owner and expected close.
 * @param {Deal} deal */
export function dealItem(deal) {
  const meta = [stageLabel(deal.stage_id), userLabel(deal.owner_id),
    deal.expected_close ? `${t("deal.f.expected_close")} ${fieldValue("expected_close", deal.expected_close)}` : ""]
    .filter(Boolean).join(" · ");
  return h("li", { class: "deal-item", dataset: { id: deal.id, status: deal.status } },
    h("div", { class: "deal-item-main" },
      h("a", { class: "deal-link", href: dealHref(deal.id) }, deal.name),
      statusBadge(deal.status),
      deal.amount !== null ? h("span", { class: "deal-amount" }, formatBaht(deal.amount, lang())) : null),
    h("p", { class: "muted deal-meta" }, meta));
}

/**
 * An account's deals (GET /deals?account_id=, the first 20 the caller may see) with "New
 * deal" for it.
 * @param {{account_id: string}} of
 */
export function dealsSection(of) {
  useDealStyles();
  const id = nextId("deals");
  const list = h("ul", { class: "deal-list" });
  const status = h("p", { class: "muted", role: "status" }, t("drel.loading"));
  const all = h("a", { href: `#/deals?account=${encodeURIComponent(of.account_id)}`, hidden: true }, t("drel.more"));
  const section = h("section", { class: "action-card deal-related", "aria-labelledby": id },
    h("div", { class: "deal-related-head" }, h("h3", { id }, t("drel.title")),
      h("a", { class: "btn btn-sm", href: `#/deals/new?account=${encodeURIComponent(of.account_id)}`, "data-new-deal": "" },
        t("drel.new"))),
    status, list, all);
  api("/api/v1/deals", { query: { account_id: of.account_id, limit: 20 } }).then((page) => {
    const items = asList(page);
    status.textContent = items.length ? "" : t("drel.none");
    status.hidden = items.length > 0;
    all.hidden = !page.next_cursor;
    list.replaceChildren(...items.map(dealItem));
  }).catch((err) => { status.textContent = errorText(err); });
  return section;
}

/**
 * On a converted lead: a link to the deal its conversion opened (found among its account's
 * deals by `lead_id`; the API has no lead filter). Empty until found; stays empty when none.
 * @param {{id: string, account_id?: string|null}} lead
 */
export function leadDealLink(lead) {
  const slot = h("p", { class: "lead-deal", hidden: true });
  if (!lead.account_id) return slot;
  (async () => {
    let cursor;
    for (let pages = 0; pages < 5; pages++) {
      const page = await api("/api/v1/deals", { query: { account_id: lead.account_id, limit: 200, cursor } });
      const found = asList(page).find((d) => d.lead_id === lead.id);
      if (found) {
        slot.replaceChildren(t("drel.ofLead"), " ", h("a", { href: dealHref(found.id), class: "deal-link" }, found.name),
          " ", statusBadge(found.status));
        slot.hidden = false;
        return;
      }
      cursor = page.next_cursor;
      if (!cursor) return;
    }
  })().catch(() => { /* the lead's page works without the link */ });
  return slot;
}

// @ts-check
// An account's timeline: its leads' events and follow-ups, newest first, with "load more".

import { api } from "./api.js";
import { h, nextId } from "./dom.js";
import { formatDateTime } from "./format.js";
import { t } from "./i18n.js";
import { errorMessage, stageLabel, userLabel } from "./ui.js";

const PAGE = 20;

// Literal keys (not built from the kind) so a test can check each exists in both languages.
const KIND_KEYS = {
  lead_created: "tl.lead_created", lead_stage_changed: "tl.lead_stage_changed",
  lead_lost: "tl.lead_lost", lead_junked: "tl.lead_junked", lead_restored: "tl.lead_restored",
  lead_sent: "tl.lead_sent", lead_transferred: "tl.lead_transferred",
  followup: "tl.followup", lead_converted: "tl.lead_converted",
  activity_created: "tl.activity_created", activity_completed: "tl.activity_completed",
  activity_cancelled: "tl.activity_cancelled", checkin: "tl.checkin", quote_sent: "tl.quote_sent",
};
const CHANNEL_KEYS = {
  phone: "channel.phone", email: "channel.email", line: "channel.line",
  meeting: "channel.meeting", note: "channel.note",
};

export const timelineUrl = (accountId) =>
  `/api/v1/accounts/${encodeURIComponent(accountId)}/timeline`;

/** The first page: {items, next_cursor}. */
export const loadTimeline = (accountId, cursor) =>
  api(timelineUrl(accountId), { query: { limit: PAGE, cursor } });

function detailText(kind, s) {
  if (kind === "lead_stage_changed" && s.to_stage_id) return `→ ${stageLabel(s.to_stage_id) || "…"}`;
  if ((kind === "lead_sent" || kind === "lead_transferred") && s.to_user_id) {
    return `→ ${userLabel(s.to_user_id)}`;
  }
  if ((kind === "lead_lost" || kind === "lead_junked") && s.reason) return s.reason;
  if (kind.startsWith("activity_") && s.subject) return String(s.subject);
  if (kind === "checkin" && s.place_name) {
    return s.distance_m == null ? String(s.place_name)
      : `${s.place_name} · ${t("tl.metres", { m: Math.round(Number(s.distance_m)) })}`;
  }
  if (kind === "quote_sent" && s.number) return `${s.number} → ${s.to || ""}`;
  return null;
}

function entryItem(e, on, L) {
  const s = e.summary || {};
  const f = e.kind === "followup" ? (s.followup || {}) : null;
  const badge = f && CHANNEL_KEYS[f.channel]
    ? `${t("tl.followup")} · ${t(CHANNEL_KEYS[f.channel])}`
    : (KIND_KEYS[e.kind] ? t(KIND_KEYS[e.kind]) : e.kind);
  const leadName = s.name || t("tl.lead");
  return h("li", { class: `log-entry${e.kind === "followup" ? " log-followup" : ""}` },
    h("div", { class: "log-head" },
      h("span", { class: "badge" }, badge),
      e.lead_id
        ? h("button", { type: "button", class: "link", onclick: () => on.openLead(e.lead_id) }, leadName)
        : h("span", { class: "log-author" }, leadName),
      h("time", { datetime: e.at, class: "muted" }, formatDateTime(e.at, L))),
    detailText(e.kind, s) ? h("p", { class: "log-detail" }, detailText(e.kind, s)) : null,
    f?.note ? h("p", { class: "prewrap" }, f.note) : null);
}

/** view.timeline: the entries so far (null when they could not be loaded), timelineCursor. */
export function timelineSection(account, view, on, L) {
  const id = nextId("timeline");
  const status = h("p", { class: "muted", role: "status" });
  const list = h("ol", { class: "log-list" }, (view.timeline || []).map((e) => entryItem(e, on, L)));
  const more = h("button", { type: "button", class: "btn", hidden: !view.timelineCursor },
    t("list.more"));
  more.addEventListener("click", async () => {
    more.disabled = true;
    try {
      const page = await loadTimeline(account.id, view.timelineCursor);
      view.timeline.push(...(page.items || []));
      view.timelineCursor = page.next_cursor || null;
      list.append(...(page.items || []).map((e) => entryItem(e, on, L)));
      status.textContent = "";
    } catch (err) {
      if (err.status !== 401) status.textContent = errorMessage(err);
    } finally {
      more.disabled = false;
      more.hidden = !view.timelineCursor;
    }
  });
  let body;
  if (view.timeline === null) body = h("p", { class: "form-error" }, view.timelineError || "");
  else if (!view.timeline.length) body = h("p", { class: "muted" }, t("tl.empty"));
  else body = list;
  return h("section", { class: "log", "aria-labelledby": id },
    h("h3", { id }, t("tl.title")), body, status, h("div", {}, more));
}

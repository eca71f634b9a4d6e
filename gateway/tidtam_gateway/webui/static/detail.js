// @ts-check
// The lead detail panel: the name with Edit, labels, facts, the follow-up log with "add
// follow-up" first (what a salesperson does most), then the actions (stage, send, lost/junk,
// restore) and the conversion.

import { creator } from "./api.js";
import { consentCard } from "./consent.js";
import { conversionCard } from "./convert.js";
import { customFacts } from "./custom-inputs.js";
import { h, nextId } from "./dom.js";
import { formatBaht, formatDate, formatDateTime, formatPhone } from "./format.js";
import { addStrings, has, lang, t } from "./i18n.js";
import { labelsSection } from "./lead-labels.js";
import { peoplePicker } from "./people-picker.js";
import { activitiesPanel } from "./screens/activities/parts.js";
import { qualifyCard } from "./qualify.js";
import {
  busy, CHANNELS, clearErrors, field, reasonsFor, showErrors, sourceLabel, stageLabel, stageName,
  state, userLabel,
} from "./ui.js";
import { dateField } from "./when.js";
import { documentsSection } from "./screens/documents/related.js";
import { leadDealLink } from "./screens/deals/related.js";

// The log's kinds beyond those in i18n.js (every kind the leads service writes has a label).
addStrings({
  th: { "kind.conversion_requested": "ขอแปลงเป็นลูกค้า", "kind.converted": "แปลงเป็นลูกค้าแล้ว",
        "kind.conversion_failed": "แปลงเป็นลูกค้าไม่สำเร็จ", "kind.account_merged": "รวมข้อมูลลูกค้า",
        "kind.activity_created": "นัดหมายกิจกรรม", "kind.activity_completed": "กิจกรรมเสร็จแล้ว",
        "kind.activity_cancelled": "ยกเลิกกิจกรรม", "kind.checkin": "เช็กอิน",
        "kind.quote_sent": "ส่งใบเสนอราคา", "log.metres": "ห่าง {m} ม.",
        "kind.other": "เหตุการณ์อื่น" },
  en: { "kind.conversion_requested": "Conversion requested", "kind.converted": "Converted to an account",
        "kind.conversion_failed": "Conversion failed", "kind.account_merged": "Account merged",
        "kind.activity_created": "Activity planned", "kind.activity_completed": "Activity done",
        "kind.activity_cancelled": "Activity cancelled", "kind.checkin": "Check-in",
        "kind.quote_sent": "Quotation sent", "log.metres": "{m} m away",
        "kind.other": "Other event" },
});

/** The badge text of a log entry: its channel for a follow-up, else its kind, never a raw key. */
export function entryBadge(/** @type {{kind: string, channel?: string}} */ entry) {
  if (entry.kind === "followup" && entry.channel && has(`channel.${entry.channel}`)) return t(`channel.${entry.channel}`);
  return has(`kind.${entry.kind}`) ? t(`kind.${entry.kind}`) : t("kind.other");
}

const leadUrl = (id, tail = "") => `/api/v1/leads/${encodeURIComponent(id)}${tail}`;

/**
 * view: {lead, entries, showAll, duplicates}
 * on: {close(), edit(), changed(message), toggleAll(bool), openLead(id), openAccount(id)}
 * @param {HTMLElement} container @param {any} view @param {any} on
 */
export function renderDetail(container, view, on) {
  const { lead } = view;
  const L = lang();
  const heading = h("h2", { class: "detail-title", tabindex: "-1" }, lead.name);
  const boxBadge = lead.box !== "inbox"
    ? h("span", { class: `badge badge-${lead.box}` }, t(`lead.box.${lead.box}`)) : null;

  // replaceChildren() would print null as text: drop the parts that do not apply.
  container.replaceChildren(...[
    h("div", { class: "detail-head" },
      h("div", {},
        heading,
        lead.company ? h("p", { class: "muted detail-company" }, lead.company) : null),
      h("div", { class: "detail-tools" },
        lead.read_only ? null : h("button", { type: "button", class: "btn btn-sm", onclick: on.edit }, t("edit.button")),
        h("button", { type: "button", class: "btn btn-icon", onclick: on.close,
                      "aria-label": t("detail.close") }, h("span", { "aria-hidden": "true" }, "×")))),
    view.duplicates?.length ? duplicatesNote(view.duplicates, on) : null,
    lead.read_only ? h("p", { class: "notice" }, t("detail.readOnly")) : null,
    labelsSection(lead, on),
    facts(lead, L, boxBadge),
    followupLog(lead, view, on, L), // first after the facts: on a phone, the day's main action
    consentCard(lead, on, L, { actionForm, section, url: leadUrl }),
    activitiesPanel({ lead_id: lead.id }, !lead.read_only),
    lead.read_only ? null : actions(lead, on),
    conversionCard(lead, on),
    lead.account_id ? leadDealLink(lead) : null, // converted: the deal it opened
    documentsSection({ lead_id: lead.id, canQuote: !lead.read_only }),
  ].filter(Boolean));
  return heading;
}

function duplicatesNote(duplicates, on) {
  return h("div", { class: "notice notice-warn", role: "note" },
    h("p", { class: "notice-title" }, t("dup.title")),
    h("ul", { class: "dup-list" }, duplicates.map((d) => h("li", {},
      h("button", { type: "button", class: "link", onclick: () => on.openLead(d.id) }, d.name),
      " — ", t(`dup.match.${d.match}`)))));
}

function facts(lead, L, boxBadge) {
  const row = (key, ...value) => (value.some((v) => v !== "" && v !== null && v !== undefined)
    ? [h("dt", {}, t(key)), h("dd", {}, ...value)] : null);
  return h("dl", { class: "facts" },
    row("field.phone", h("a", { href: `tel:${lead.phone}` }, formatPhone(lead.phone))),
    row("field.email", h("a", { href: `mailto:${lead.email}` }, lead.email)),
    row("field.box", boxBadge || t("lead.box.inbox"),
        lead.reason ? h("span", { class: "muted" }, ` — ${lead.reason}`) : null),
    row("field.stage", stageLabel(lead.stage_id)),
    row("field.source", sourceLabel(lead.source)),
    row("field.potential", formatBaht(lead.potential, L)),
    row("field.owner", userLabel(lead.owner_id)),
    row("field.created", formatDate(lead.created_at, L)),
    customFacts(state.leadFields, lead.custom, (v) => formatDate(v, L)).map(([label, text]) =>
      [h("dt", {}, label), h("dd", {}, text)]),
    lead.note ? [h("dt", {}, t("field.note")), h("dd", { class: "prewrap" }, lead.note)] : null);
}

function section(titleKey, ...body) {
  const id = nextId("sec");
  return h("section", { class: "action-card", "aria-labelledby": id },
    h("h3", { id }, t(titleKey)), ...body);
}

/** A form that POSTs, shows errors beside its fields and reports success. */
function actionForm(fields, buildRequest, doneMessage, on, ...children) {
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  const form = h("form", { class: "stack", novalidate: true }, ...children, general);
  const post = creator(); // a follow-up or an action: a double submit or a retry does it once
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(fields, general);
    const request = buildRequest();
    if (!request) return;
    await busy(form, async () => {
      try {
        await post(request.url, request.json);
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general);
        return;
      }
      on.changed(typeof doneMessage === "function" ? doneMessage() : doneMessage);
    });
  });
  return form;
}

function actions(lead, on) {
  const cards = [];
  if (lead.box === "inbox") {
    cards.push(stageCard(lead, on), qualifyCard(lead, on, { actionForm, section, url: leadUrl }),
               sendCard(lead, on), closeCard(lead, on));
  } else {
    const form = actionForm({}, () => ({ url: leadUrl(lead.id, "/restore") }), t("restore.done"), on,
      h("button", { type: "submit", class: "btn btn-primary" }, t("restore.submit")));
    cards.push(section("restore.title", form));
  }
  return h("div", { class: "actions" }, h("h3", { class: "visually-hidden" }, t("actions.title")), cards);
}

function stageCard(lead, on) {
  const options = state.pipelines.map((p) => h("optgroup", { label: stageName(p) },
    p.stages.map((s) => h("option", { value: s.id, selected: s.id === lead.stage_id }, stageName(s)))));
  const stage = field({ name: "stage_id", label: "field.stage", control: "select" });
  stage.input.append(...options);
  stage.input.value = lead.stage_id;
  const fields = { stage_id: stage };
  const form = actionForm(fields, () => ({ url: leadUrl(lead.id, "/stage"),
                                           json: { stage_id: stage.input.value } }),
    t("stage.done"), on,
    h("div", { class: "inline" }, stage.wrap,
      h("button", { type: "submit", class: "btn" }, t("stage.submit"))));
  return section("stage.title", form);
}

function sendCard(lead, on) {
  const user = peoplePicker({ name: "to_user_id", label: "send.user", required: true, exclude: [lead.owner_id] });
  const note = field({ name: "note", label: "send.note", control: "textarea",
                       attrs: { rows: 2, maxlength: 2000 } });
  const fields = { to_user_id: user, note };
  const form = actionForm(fields, () => {
    const json = { to_user_id: user.value() };
    if (note.input.value.trim()) json.note = note.input.value.trim();
    return { url: leadUrl(lead.id, "/send"), json };
  }, t("send.done"), on, user.wrap, note.wrap,
  h("div", {}, h("button", { type: "submit", class: "btn" }, t("send.submit"))));
  return section("send.title", form);
}

function closeCard(lead, on) {
  const listId = nextId("reasons");
  const datalist = h("datalist", { id: listId });
  const reason = field({ name: "reason", label: "close.reason", required: true, hint: "close.reasonHint",
                         attrs: { list: listId, maxlength: 500, autocomplete: "off" } });
  const groupName = nextId("kind");
  const radio = (kind) => h("label", { class: "choice" },
    h("input", { type: "radio", name: groupName, value: kind, checked: kind === "lost",
                 onchange: () => fillReasons(kind) }),
    " ", t(`close.${kind}`));
  const kind = () => (/** @type {HTMLInputElement | null} */ (
    document.querySelector(`input[name="${groupName}"]:checked`))?.value || "lost");
  async function fillReasons(k) {
    const reasons = await reasonsFor(k);
    datalist.replaceChildren(...reasons.map((r) => h("option", { value: r })));
  }
  fillReasons("lost");
  const form = actionForm({ reason }, () => ({ url: leadUrl(lead.id, kind() === "junk" ? "/junk" : "/lost"),
                                              json: { reason: reason.input.value.trim() } }),
    () => t(`close.done.${kind()}`), on,
    h("fieldset", { class: "choices" }, h("legend", {}, t("close.kind")), radio("lost"), radio("junk")),
    reason.wrap, datalist,
    h("div", {}, h("button", { type: "submit", class: "btn btn-danger" }, t("close.submit"))));
  return section("close.title", form);
}

function entryText(entry) {
  const d = entry.detail || {};
  if (entry.kind === "stage_changed" && d.to_stage_id) return `→ ${stageLabel(d.to_stage_id)}`;
  if (entry.kind === "sent" && d.to_user_id) return `→ ${userLabel(d.to_user_id)}`;
  if (entry.kind.startsWith("activity_") && d.subject) return String(d.subject);
  if (entry.kind === "checkin" && d.place_name) {
    return d.distance_m == null ? String(d.place_name)
      : `${d.place_name} · ${t("log.metres", { m: Math.round(Number(d.distance_m)) })}`;
  }
  if (entry.kind === "quote_sent" && d.number) return `${d.number} → ${d.to || ""}`;
  if (entry.kind.startsWith("consent_") && d.channel) {
    return `${t(`consent.scope.${d.scope}`)} · ${t(`how.${d.channel}`)}`;
  }
  return null;
}

function followupLog(lead, view, on, L) {
  const items = view.entries.map((e) => h("li", { class: `log-entry log-${e.kind}` },
    h("div", { class: "log-head" },
      h("span", { class: "badge" }, entryBadge(e)),
      h("span", { class: "log-author" }, e.author?.name || t("log.unknownAuthor")),
      h("time", { datetime: e.created_at, class: "muted" }, formatDateTime(e.created_at, L))),
    entryText(e) ? h("p", { class: "log-detail" }, entryText(e)) : null,
    e.note ? h("p", { class: "prewrap" }, e.note) : null,
    e.next_contact_at ? h("p", { class: "log-next" }, `${t("log.next")}: `,
      h("time", { datetime: e.next_contact_at }, formatDateTime(e.next_contact_at, L))) : null));

  const toggleId = nextId("all");
  const toggle = h("label", { class: "choice", for: toggleId },
    h("input", { type: "checkbox", id: toggleId, name: "show_all", checked: view.showAll,
                 onchange: (ev) => on.toggleAll(ev.target.checked) }), " ", t("log.all"));

  return h("section", { class: "log", "aria-labelledby": "log-title" },
    lead.read_only ? null : logForm(lead, on),
    h("div", { class: "log-title-row" }, h("h3", { id: "log-title" }, t("log.title")), toggle),
    items.length ? h("ol", { class: "log-list" }, items) : h("p", { class: "muted" }, t("log.empty")));
}

function logForm(lead, on) {
  const channel = field({ name: "channel", label: "log.channel", control: "select",
                          options: CHANNELS.map((c) => [c, t(`channel.${c}`)]) });
  const note = field({ name: "note", label: "log.note", control: "textarea", required: true,
                       attrs: { rows: 3, maxlength: 5000 } });
  const next = dateField({ name: "next_contact_at", label: "log.nextAt", time: true });
  const fields = { channel, note, next_contact_at: next };
  const form = actionForm(fields, () => {
    const json = { channel: channel.input.value, note: note.input.value.trim() };
    const at = next.read();
    if (at === null) { // incomplete: say so beside the picker, send nothing
      next.error.textContent = t("when.invalid");
      next.error.hidden = false;
      return null;
    }
    if (at) json.next_contact_at = at;
    return { url: leadUrl(lead.id, "/followups"), json };
  }, t("log.done"), on,
  channel.wrap, note.wrap, next.wrap,
  h("div", {}, h("button", { type: "submit", class: "btn btn-primary" }, t("log.submit"))));
  return section("log.add", form);
}

// @ts-check
// The lead page's consent card (PDPA, issue 17): the consent the person gave through a
// capture channel (the text shown, its version, when, the channel, the client address,
// marketing), the latest withdrawal or grant someone recorded, and the forms to record one.
// Anyone who sees the lead may record a withdrawal; giving it again needs the right to
// change the lead.

import { h } from "./dom.js";
import { formatDateTime } from "./format.js";
import { addStrings, t } from "./i18n.js";
import { field, userLabel } from "./ui.js";

addStrings({
  th: {
    "consent.title": "ความยินยอม (PDPA)", "consent.none": "ไม่มีความยินยอมที่บันทึกจากช่องทางรับลีด",
    "consent.given": "ให้ความยินยอมเมื่อ {when} ทาง {channel}", "consent.version": "ข้อความเวอร์ชัน {v} ({lang})",
    "consent.address": "จากที่อยู่ IP {ip}", "consent.text": "ข้อความที่แสดงให้เห็น",
    "consent.marketing.yes": "รับข่าวสารการตลาดได้", "consent.marketing.no": "ไม่รับการตลาด",
    "consent.marketing.unknown": "ยังไม่ทราบว่ายินยอมรับการตลาดหรือไม่",
    "consent.revoked": "ถอนความยินยอม ({scope}) เมื่อ {when} ทาง{how} บันทึกโดย {who}",
    "consent.granted": "ให้ความยินยอมอีกครั้งเมื่อ {when} ทาง{how} บันทึกโดย {who}",
    "consent.scope.marketing": "การตลาด", "consent.scope.all": "ทั้งหมด",
    "consent.how": "ลูกค้าแจ้งทาง", "consent.scope": "ถอนความยินยอมสำหรับ", "consent.note": "บันทึก (ไม่บังคับ)",
    "consent.revoke": "บันทึกการถอนความยินยอม", "consent.revokeDone": "บันทึกการถอนความยินยอมแล้ว",
    "consent.grant": "บันทึกการให้ความยินยอม", "consent.grantDone": "บันทึกการให้ความยินยอมแล้ว",
    "consent.grantMarketing": "ยินยอมรับข่าวสารการตลาดด้วย",
    "how.phone": "โทรศัพท์", "how.email": "อีเมล", "how.line": "LINE", "how.in_person": "พบตัว",
    "how.letter": "จดหมาย", "how.web_form": "แบบฟอร์มเว็บ", "how.other": "อื่น ๆ",
    "kind.consent_revoked": "ถอนความยินยอม", "kind.consent_granted": "ให้ความยินยอม",
    "list.noMarketing": "ไม่รับการตลาด",
    "capchannel.web_form": "แบบฟอร์มเว็บ", "capchannel.line": "LINE", "capchannel.facebook": "Facebook",
    "capchannel.email": "อีเมล",
  },
  en: {
    "consent.title": "Consent (PDPA)", "consent.none": "No consent recorded through a capture channel",
    "consent.given": "Given {when} through {channel}", "consent.version": "Text version {v} ({lang})",
    "consent.address": "From IP address {ip}", "consent.text": "The text shown",
    "consent.marketing.yes": "Marketing allowed", "consent.marketing.no": "No marketing",
    "consent.marketing.unknown": "Marketing consent not known",
    "consent.revoked": "Consent withdrawn ({scope}) {when} by {how}, recorded by {who}",
    "consent.granted": "Consent given again {when} by {how}, recorded by {who}",
    "consent.scope.marketing": "marketing", "consent.scope.all": "all",
    "consent.how": "The person told us by", "consent.scope": "Withdrawn for", "consent.note": "Note (optional)",
    "consent.revoke": "Record a withdrawal", "consent.revokeDone": "Recorded the withdrawal",
    "consent.grant": "Record consent given", "consent.grantDone": "Recorded the consent",
    "consent.grantMarketing": "They agree to marketing too",
    "how.phone": "phone", "how.email": "email", "how.line": "LINE", "how.in_person": "in person",
    "how.letter": "letter", "how.web_form": "web form", "how.other": "other",
    "kind.consent_revoked": "Consent withdrawn", "kind.consent_granted": "Consent given",
    "list.noMarketing": "No marketing",
    "capchannel.web_form": "web form", "capchannel.line": "LINE", "capchannel.facebook": "Facebook",
    "capchannel.email": "email",
  },
});

const HOW = ["phone", "email", "line", "in_person", "letter", "web_form", "other"];

/** The list's mark of a lead that may not be marketed to (null otherwise).
 * @param {any} lead */
export function noMarketingBadge(lead) {
  return lead.marketing === false
    ? h("span", { class: "badge badge-junk", title: t("consent.marketing.no") }, t("list.noMarketing")) : null;
}

/** @param {any} lead @param {string} L */
function record(lead, L) {
  const c = lead.consent;
  const change = lead.consent_change;
  const marketing = lead.marketing === true ? "yes" : lead.marketing === false ? "no" : "unknown";
  const lines = [h("p", { class: marketing === "no" ? "badge badge-junk" : "muted", dataset: { marketing } },
    t(`consent.marketing.${marketing}`))];
  if (c) {
    lines.push(h("p", {}, t("consent.given", { when: formatDateTime(c.given_at, L),
                                               channel: t(`capchannel.${c.channel}`) })),
      h("p", { class: "muted" }, t("consent.version", { v: c.version, lang: c.language.toUpperCase() }),
        c.client_address ? ` · ${t("consent.address", { ip: c.client_address })}` : ""),
      h("details", {}, h("summary", {}, t("consent.text")), h("p", { class: "prewrap" }, c.text)));
  } else {
    lines.push(h("p", { class: "muted" }, t("consent.none")));
  }
  if (change) {
    lines.push(h("p", { class: "consent-change", dataset: { action: change.action } },
      t(`consent.${change.action}`, { scope: t(`consent.scope.${change.scope}`),
        when: formatDateTime(change.at, L), how: t(`how.${change.channel}`), who: userLabel(change.by_user_id) }),
      change.note ? h("span", { class: "muted" }, ` — ${change.note}`) : null));
  }
  return lines;
}

/**
 * @param {any} lead @param {any} on @param {string} L
 * @param {{actionForm: Function, section: Function, url: (id: string, tail: string) => string}} kit
 *   detail.js's card helpers (a form that POSTs with its Idempotency-Key, a titled card)
 */
export function consentCard(lead, on, L, { actionForm, section, url }) {
  const how = () => field({ name: "channel", label: "consent.how", control: "select",
                            options: HOW.map((c) => [c, t(`how.${c}`), `how.${c}`]) });
  const note = () => field({ name: "note", label: "consent.note", attrs: { maxlength: 500 } });
  const rHow = how();
  const rNote = note();
  const scope = field({ name: "scope", label: "consent.scope", control: "select",
                        options: ["marketing", "all"].map((s) => [s, t(`consent.scope.${s}`)]) });
  const body = (/** @type {any} */ f, /** @type {Record<string, any>} */ json) => {
    const text = f.input.value.trim();
    return text ? { ...json, note: text } : json;
  };
  const revoke = actionForm({ channel: rHow, scope, note: rNote }, () => ({
    url: url(lead.id, "/consent/revoke"),
    json: body(rNote, { channel: rHow.input.value, scope: scope.input.value }),
  }), t("consent.revokeDone"), on, rHow.wrap, scope.wrap, rNote.wrap,
  h("div", {}, h("button", { type: "submit", class: "btn btn-danger" }, t("consent.revoke"))));
  const parts = [...record(lead, L), h("details", {}, h("summary", {}, t("consent.revoke")), revoke)];
  if (!lead.read_only) {
    const gHow = how();
    const gNote = note();
    const marketing = h("input", { type: "checkbox", name: "marketing" });
    const grant = actionForm({ channel: gHow, note: gNote }, () => ({
      url: url(lead.id, "/consent/grant"),
      json: body(gNote, { channel: gHow.input.value, marketing: marketing.checked }),
    }), t("consent.grantDone"), on, gHow.wrap,
    h("label", { class: "choice" }, marketing, " ", t("consent.grantMarketing")), gNote.wrap,
    h("div", {}, h("button", { type: "submit", class: "btn" }, t("consent.grant"))));
    parts.push(h("details", {}, h("summary", {}, t("consent.grant")), grant));
  }
  return section("consent.title", ...parts);
}

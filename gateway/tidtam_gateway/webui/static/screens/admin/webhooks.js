// @ts-check
// #/admin/webhooks (and #/admin/webhooks/:id, which opens that webhook's deliveries): events
// POSTed to other systems. Create (the signing secret shown this once), turn on or off,
// change the events, send a test, rotate the secret, delete; the deliveries log with retry.

import { api, asList } from "../../api.js";
import { h } from "../../dom.js";
import { formatDateTime } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { toast } from "../../ui.js";
import { adminPage, button, creator, del, errorText, patch, post, shownOnce, smallForm } from "./common.js";

addStrings({
  th: {
    "wh.url": "URL ปลายทาง (https://…)", "wh.events": "เหตุการณ์ (คั่นด้วยจุลภาค เช่น lead.*, account.created)",
    "wh.description": "ใช้สำหรับ (ไม่บังคับ)", "wh.created": "สร้างเว็บฮุกแล้ว",
    "wh.once": "คัดลอก secret นี้ไว้ตรวจลายเซ็นตอนนี้ ระบบจะไม่แสดงอีก",
    "wh.on": "เปิดใช้งาน", "wh.off": "ปิดใช้งานอยู่", "wh.enable": "เปิดใช้งาน", "wh.disable": "ปิดใช้งาน",
    "wh.test": "ส่งทดสอบ", "wh.tested": "ส่งเหตุการณ์ทดสอบแล้ว ดูผลในประวัติการส่ง",
    "wh.rotate": "เปลี่ยน secret", "wh.confirmRotate": "สร้าง secret ใหม่? secret เดิมยังลงลายเซ็นคู่กันอีก 24 ชั่วโมง",
    "wh.rotated": "secret เดิมใช้ได้ถึง {when}", "wh.editEvents": "แก้เหตุการณ์",
    "wh.deliveries": "ประวัติการส่ง", "wh.noDeliveries": "ยังไม่มีการส่ง", "wh.retry": "ส่งอีกครั้ง",
    "wh.retried": "จะส่งอีกครั้งเดี๋ยวนี้", "wh.refresh": "โหลดใหม่",
    "wh.attempts": "ครั้งที่ส่ง {n}", "wh.next": "ส่งครั้งถัดไป {when}", "wh.ms": "{ms} มิลลิวินาที",
    "wh.status.pending": "รอส่ง", "wh.status.sending": "กำลังส่ง", "wh.status.delivered": "ส่งสำเร็จ",
    "wh.status.failed": "ส่งไม่สำเร็จ",
  },
  en: {
    "wh.url": "Receiver URL (https://…)", "wh.events": "Events (comma-separated, e.g. lead.*, account.created)",
    "wh.description": "What it is for (optional)", "wh.created": "Created the webhook",
    "wh.once": "Copy this secret now to verify signatures: it is not shown again",
    "wh.on": "on", "wh.off": "off", "wh.enable": "Turn on", "wh.disable": "Turn off",
    "wh.test": "Send a test", "wh.tested": "Sent a test event; its outcome shows in the deliveries",
    "wh.rotate": "Rotate secret", "wh.confirmRotate": "Make a new secret? The old one keeps signing alongside for 24 hours",
    "wh.rotated": "The old secret works until {when}", "wh.editEvents": "Change events",
    "wh.deliveries": "Deliveries", "wh.noDeliveries": "Nothing sent yet", "wh.retry": "Retry",
    "wh.retried": "It is sent again now", "wh.refresh": "Refresh",
    "wh.attempts": "attempts {n}", "wh.next": "next attempt {when}", "wh.ms": "{ms} ms",
    "wh.status.pending": "waiting", "wh.status.sending": "sending", "wh.status.delivered": "delivered",
    "wh.status.failed": "failed",
  },
});

/** @typedef {{id: string, url: string, description: string|null, events: string[], enabled: boolean,
 *             disabled_reason: string|null, previous_secret_until: string|null}} Hook */
/** @typedef {{id: string, event_id: string, event_type: string, status: string, attempts: number,
 *             response_code: number|null, latency_ms: number|null, last_error: string|null,
 *             next_attempt_at: string|null, created_at: string}} Delivery */

/** "lead.*, account.created\nuser.*" → ["lead.*", "account.created", "user.*"] (no blanks, no repeats).
 * @param {string} text @returns {string[]} */
export function eventPatterns(text) {
  return [...new Set(text.split(/[\s,]+/).map((p) => p.trim()).filter(Boolean))];
}

/** What a create sends. @param {Record<string, string>} v */
export function hookBody(v) {
  return { url: v.url.trim(), events: eventPatterns(v.events), description: v.description.trim() || null };
}

/** One delivery's line: status, code, latency, attempts and the next attempt, in `L`.
 * @param {Delivery} d @param {string} L @returns {string} */
export function deliveryLine(d, L) {
  const parts = [t(`wh.status.${d.status}`), d.event_type];
  if (d.response_code !== null) parts.push(`HTTP ${d.response_code}`);
  if (d.latency_ms !== null) parts.push(t("wh.ms", { ms: d.latency_ms }));
  parts.push(t("wh.attempts", { n: d.attempts }));
  if (d.next_attempt_at) parts.push(t("wh.next", { when: formatDateTime(d.next_attempt_at, L) }));
  return parts.join(" · ");
}

/** @param {HTMLElement} root @param {import("../../types.js").Params} params */
export function mount(root, params) {
  const page = adminPage(root, "nav.webhooks");
  const list = h("ul", { class: "adm-list" });
  const shown = h("div", { class: "adm-extra", "aria-live": "polite" });
  let alive = true;

  async function load() {
    /** @type {Hook[]} */
    let hooks;
    try { hooks = asList(await api("/api/v1/webhooks", { query: { limit: 200 } })); }
    catch (err) { if (alive) page.say(errorText(err)); return; }
    if (!alive) return;
    page.say(hooks.length ? "" : t("adm.empty"));
    list.replaceChildren(...hooks.map(row));
    const opened = params.id && list.querySelector(`[data-id="${params.id}"] .adm-extra`);
    if (opened) deliveries(hooks.find((k) => k.id === params.id), /** @type {HTMLElement} */ (opened));
  }

  /** Run an action, say how it went, draw the list again.
   * @param {() => Promise<unknown>} fn @param {string} [doneKey] */
  async function act(fn, doneKey) {
    try { await fn(); if (doneKey) toast(t(doneKey)); } catch (err) { toast(errorText(err), "error"); }
    await load();
  }

  /** @param {Hook} k */
  function row(k) {
    const extra = h("div", { class: "adm-extra" });
    const base = `/api/v1/webhooks/${k.id}`;
    /** Each button names its webhook for screen readers ("ส่งทดสอบ: https://…"). @param {string} key */
    const named = (key) => ({ "aria-label": `${t(key)}: ${k.url}` });
    const toggle = k.enabled ? "wh.disable" : "wh.enable";
    return h("li", { class: `adm-row${k.enabled ? "" : " is-retired"}`, dataset: { id: k.id } },
      h("div", { class: "adm-main" },
        h("span", { class: "adm-name adm-sub" }, k.url),
        h("span", { class: "muted adm-sub" }, [k.enabled ? t("wh.on") : t("wh.off"), k.events.join(", "),
          k.description || ""].filter(Boolean).join(" · ")),
        k.disabled_reason ? h("span", { class: "form-error adm-sub" }, k.disabled_reason) : null),
      h("div", { class: "adm-controls" },
        button(toggle, () => act(() => patch(base, { enabled: !k.enabled })), named(toggle)),
        button("wh.editEvents", () => editEvents(k, extra), named("wh.editEvents")),
        button("wh.test", () => act(() => post(`${base}/test`), "wh.tested"), named("wh.test")),
        button("wh.rotate", async () => {
          if (!confirm(t("wh.confirmRotate"))) return;
          try {
            const made = await rotate(`${base}/rotate-secret`);
            toast(t("wh.rotated", { when: formatDateTime(made.previous_secret_until, lang()) }));
            shownOnce(extra, "wh.once", k.url, made.secret);
          } catch (err) { toast(errorText(err), "error"); }
        }, named("wh.rotate")),
        button("wh.deliveries", () => deliveries(k, extra), named("wh.deliveries")),
        button("adm.delete", () => {
          if (confirm(t("adm.confirmDelete", { name: k.url }))) act(() => del(base));
        }, { class: "btn btn-danger", ...named("adm.delete") })),
      extra);
  }

  /** @param {Hook} k @param {HTMLElement} host */
  function editEvents(k, host) {
    const { form, fields } = smallForm({
      specs: [{ name: "events", label: "wh.events", required: true, attrs: { value: k.events.join(", "), maxlength: 2000 } }],
      submitKey: "adm.save", cancel: () => host.replaceChildren(), className: "adm-form adm-inline",
      submit: async (v) => { await patch(`/api/v1/webhooks/${k.id}`, { events: eventPatterns(v.events) }); await load(); },
    });
    host.replaceChildren(form);
    fields.events.input.focus();
  }

  /** The deliveries log of `k`, newest first, each failed or waiting one with Retry.
   * @param {Hook|undefined} k @param {HTMLElement} host */
  async function deliveries(k, host) {
    if (!k) return;
    /** @type {Delivery[]} */
    let items;
    try { items = asList(await api(`/api/v1/webhooks/${k.id}/deliveries`, { query: { limit: 50 } })); }
    catch (err) { host.replaceChildren(h("p", { class: "form-error" }, errorText(err))); return; }
    const L = lang();
    const lines = items.map((d) => h("li", { class: "adm-sub", dataset: { id: d.id } },
      h("span", {}, `${formatDateTime(d.created_at, L)} · ${deliveryLine(d, L)}`),
      d.last_error ? h("span", { class: "muted" }, ` · ${d.last_error}`) : null,
      d.status === "sending" ? null : button("wh.retry", async () => {
        try { await post(`/api/v1/webhooks/${k.id}/deliveries/${d.id}/retry`); toast(t("wh.retried")); }
        catch (err) { toast(errorText(err), "error"); }
        await deliveries(k, host);
      }, { "aria-label": `${t("wh.retry")}: ${d.event_type}` })));
    host.replaceChildren(h("div", { class: "stack" },
      h("div", { class: "adm-row-head" }, h("strong", {}, t("wh.deliveries")),
        button("wh.refresh", () => deliveries(k, host))),
      items.length ? h("ul", { class: "adm-list" }, ...lines) : h("p", { class: "muted" }, t("wh.noDeliveries"))));
  }

  // A repeat of the same submit (a lost answer) sends the same Idempotency-Key: one webhook,
  // one rotation, and the secret of the first answer shown again.
  const add = creator();
  const rotate = creator();
  const create = smallForm({
    specs: [{ name: "url", label: "wh.url", required: true, attrs: { maxlength: 2000, inputmode: "url" } },
            { name: "events", label: "wh.events", required: true, attrs: { maxlength: 2000, value: "lead.*" } },
            { name: "description", label: "wh.description", attrs: { maxlength: 500 } }],
    submitKey: "adm.create", className: "adm-form",
    submit: async (v) => {
      const made = await add("/api/v1/webhooks", hookBody(v));
      toast(t("wh.created"));
      create.form.reset();
      shownOnce(shown, "wh.once", made.url, made.secret);
      await load();
    },
  });
  page.body.append(create.form, shown, list);
  load();
  return () => { alive = false; };
}

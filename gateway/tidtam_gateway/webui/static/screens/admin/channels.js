// @ts-check
// #/admin/channels: the lead channels other than web forms (capture service): a LINE
// Official Account, a Facebook page's Lead Ads and email-to-lead. Each card shows what is
// set up, the webhook URL to paste at LINE, Meta or the mail provider with the steps, and a
// form to save it, with the catalogue products its leads are interested in
// (capture-products.js). Secrets are write-only: the inputs are always empty, the answer never
// carries them, saving again replaces them.

import { api } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { toast } from "../../ui.js";
import { loadProducts, productNames, productPicker } from "./capture-products.js";
import { adminPage, button, del, errorText, smallForm } from "./common.js";

addStrings({
  th: {
    "ch.intro": "ช่องทางที่สร้างลีดให้อัตโนมัติ ข้อมูลลับ (secret, token) จะถูกเข้ารหัสเก็บไว้และไม่แสดงอีกหลังบันทึก หากต้องการเปลี่ยนให้กรอกใหม่ทั้งหมด",
    "ch.line": "LINE Official Account", "ch.facebook": "Facebook Lead Ads", "ch.email": "อีเมลเป็นลีด",
    "ch.notSet": "ยังไม่ได้ตั้งค่า", "ch.set": "ตั้งค่าแล้ว · บันทึกข้อมูลลับไว้แล้ว (ไม่แสดง)",
    "ch.webhook": "Webhook URL", "ch.save": "บันทึก", "ch.saved": "บันทึก {name} แล้ว",
    "ch.remove": "เลิกใช้ช่องทางนี้", "ch.removed": "เลิกใช้ {name} แล้ว",
    "ch.confirmRemove": "เลิกใช้ {name}? webhook จะหยุดรับทันที (ลีดที่ได้มาแล้วยังอยู่)",
    "ch.secretHint": "ไม่แสดงค่าที่บันทึกไว้ กรอกใหม่ทุกครั้งที่บันทึก",
    "ch.lineId": "Channel ID", "ch.lineSecret": "Channel secret", "ch.lineToken": "Channel access token (long-lived)",
    "ch.lineSteps": "ใน LINE Developers Console › Messaging API: วาง Webhook URL นี้ เปิด “Use webhook” แล้วกด Verify (ต้องได้ Success) ผู้ที่เพิ่มเพื่อนหรือส่งข้อความครั้งแรกจะเป็นลีด พร้อมชื่อที่แสดงใน LINE",
    "ch.pageId": "Page ID", "ch.appSecret": "App secret", "ch.pageToken": "Page access token",
    "ch.verifyToken": "Verify token (ตั้งเองอย่างน้อย 8 ตัวอักษร)",
    "ch.mapping": "การจับคู่ฟิลด์ (บรรทัดละ ชื่อฟิลด์ในฟอร์ม=name|phone|email|company|note)",
    "ch.fbSteps": "ใน Meta App Dashboard › Webhooks › Page: วาง Callback URL นี้ และ Verify token เดียวกับที่กรอกที่นี่ (จะไม่แสดงอีก จดไว้จนกดยืนยันเสร็จ) แล้ว Subscribe ฟิลด์ leadgen",
    "ch.address": "ที่อยู่อีเมลรับลีด", "ch.signing": "Signing secret ของ webhook ขาเข้า",
    "ch.emailSteps": "ตั้งผู้ให้บริการอีเมลให้ส่งอีเมลที่ถึงที่อยู่นี้มาที่ Webhook URL (ลงลายเซ็น X-Signature-256) หรือชี้ MX ของโดเมนมาที่ตัวรับ SMTP ของ Tidtam อีเมลแรกของผู้ส่งเป็นลีด อีเมลต่อ ๆ ไปเป็นการติดตาม",
  },
  en: {
    "ch.intro": "Channels that make leads by themselves. Secrets (secrets, tokens) are kept encrypted and never shown again after saving; to change one, enter them all again.",
    "ch.line": "LINE Official Account", "ch.facebook": "Facebook Lead Ads", "ch.email": "Email to lead",
    "ch.notSet": "Not set up", "ch.set": "Set up · secrets saved (not shown)",
    "ch.webhook": "Webhook URL", "ch.save": "Save", "ch.saved": "Saved {name}",
    "ch.remove": "Stop this channel", "ch.removed": "Stopped {name}",
    "ch.confirmRemove": "Stop {name}? Its webhook stops answering at once (leads it made stay)",
    "ch.secretHint": "The saved value is not shown; enter it each time you save",
    "ch.lineId": "Channel ID", "ch.lineSecret": "Channel secret", "ch.lineToken": "Channel access token (long-lived)",
    "ch.lineSteps": "In the LINE Developers Console › Messaging API: paste this Webhook URL, turn on “Use webhook” and press Verify (it must say Success). A new follower or a first message becomes a lead, with their LINE display name.",
    "ch.pageId": "Page ID", "ch.appSecret": "App secret", "ch.pageToken": "Page access token",
    "ch.verifyToken": "Verify token (your own, at least 8 characters)",
    "ch.mapping": "Field mapping (one per line: form field name=name|phone|email|company|note)",
    "ch.fbSteps": "In the Meta App Dashboard › Webhooks › Page: paste this Callback URL and the same Verify token you enter here (it is not shown again: keep it until Meta has verified), then subscribe to the leadgen field.",
    "ch.address": "Inbound lead address", "ch.signing": "The inbound webhook's signing secret",
    "ch.emailSteps": "Have your mail provider post mail to this address to the Webhook URL (signed with X-Signature-256), or point the domain's MX at Tidtam's SMTP receiver. A sender's first mail becomes a lead, later ones follow-ups.",
  },
});

const SECRET = { type: "password", autocomplete: "off", minlength: 8, maxlength: 500, spellcheck: "false" };

/** "full_name=name\nphone_number=phone" → {full_name: "name", phone_number: "phone"}.
 * @param {string} text @returns {Record<string, string>} */
export function parseMapping(text) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const line of text.split(/\n/)) {
    const at = line.indexOf("=");
    if (at > 0) out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

/** @param {Record<string, string>} mapping */
const mappingText = (mapping) => Object.entries(mapping || {}).map(([k, v]) => `${k}=${v}`).join("\n");

/** The channels, each: its API path, title, what its answer shows, its form and its body.
 * @type {{key: string, path: string, title: string, steps: string, shows: (c: any) => [string, string][],
 *   specs: (c: any) => any[], body: (v: Record<string, string>) => any}[]} */
const CHANNELS = [
  { key: "line", path: "/api/v1/capture/line", title: "ch.line", steps: "ch.lineSteps",
    shows: (c) => [["ch.lineId", c.channel_id]],
    specs: (c) => [
      { name: "channel_id", label: "ch.lineId", required: true, attrs: { maxlength: 40, inputmode: "numeric", value: c?.channel_id || "" } },
      { name: "channel_secret", label: "ch.lineSecret", required: true, hint: "ch.secretHint", attrs: SECRET },
      { name: "access_token", label: "ch.lineToken", required: true, hint: "ch.secretHint", attrs: SECRET },
    ],
    body: (v) => ({ channel_id: v.channel_id, channel_secret: v.channel_secret, access_token: v.access_token }) },
  { key: "facebook", path: "/api/v1/capture/facebook", title: "ch.facebook", steps: "ch.fbSteps",
    shows: (c) => [["ch.pageId", c.page_id]],
    specs: (c) => [
      { name: "page_id", label: "ch.pageId", required: true, attrs: { maxlength: 40, inputmode: "numeric", value: c?.page_id || "" } },
      { name: "app_secret", label: "ch.appSecret", required: true, hint: "ch.secretHint", attrs: SECRET },
      { name: "page_access_token", label: "ch.pageToken", required: true, hint: "ch.secretHint", attrs: SECRET },
      { name: "verify_token", label: "ch.verifyToken", required: true, hint: "ch.secretHint", attrs: SECRET },
      { name: "mapping", label: "ch.mapping", control: "textarea",
        attrs: { rows: 4, maxlength: 4000, spellcheck: "false" }, text: mappingText(c?.mapping) },
    ],
    body: (v) => {
      const mapping = parseMapping(v.mapping);
      return { page_id: v.page_id, app_secret: v.app_secret, page_access_token: v.page_access_token,
               verify_token: v.verify_token, ...(Object.keys(mapping).length ? { mapping } : {}) };
    } },
  { key: "email", path: "/api/v1/capture/email", title: "ch.email", steps: "ch.emailSteps",
    shows: (c) => [["ch.address", c.address]],
    specs: () => [
      { name: "signing_secret", label: "ch.signing", required: true, hint: "ch.secretHint", attrs: SECRET },
    ],
    body: (v) => ({ signing_secret: v.signing_secret }) },
];

/** A read-only value with Copy (the webhook URL, the inbound address).
 * @param {string} labelKey @param {string} value */
function copyable(labelKey, value) {
  const id = nextId("copy");
  const input = h("input", { id, type: "text", readonly: true, value, class: "key-once",
    onfocus: (/** @type {Event} */ e) => /** @type {HTMLInputElement} */ (e.target).select() });
  return h("div", { class: "field" }, h("label", { for: id }, t(labelKey)), input,
    button("adm.copy", async () => {
      try { await navigator.clipboard.writeText(value); toast(t("adm.copied")); } catch { input.focus(); }
    }, { "aria-label": `${t("adm.copy")}: ${t(labelKey)}` }));
}

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.channels");
  let alive = true;
  const catalogue = loadProducts();
  const cards = CHANNELS.map((ch) => {
    const id = nextId(`ch-${ch.key}`);
    const card = h("section", { class: "card adm-card stack", "aria-labelledby": id, dataset: { channel: ch.key } });
    return { ch, card, id };
  });

  /** @param {typeof cards[number]} c */
  async function load({ ch, card, id }) {
    /** @type {any} */
    let current = null;
    try { current = await api(ch.path); } catch (err) {
      if (/** @type {any} */ (err).status !== 404) { if (alive) page.say(errorText(err)); return; }
    }
    const products = await catalogue;
    if (!alive) return;
    const name = t(ch.title);
    const picker = productPicker(products, current?.product_ids || []);
    const { form, fields } = smallForm({
      specs: ch.specs(current), submitKey: "ch.save",
      submit: async (v) => {
        await api(ch.path, { method: "PUT", json: { ...ch.body(v), product_ids: picker.read() } });
        toast(t("ch.saved", { name }));
        await load({ ch, card, id });
      },
    });
    for (const spec of ch.specs(current)) if (spec.text) fields[spec.name].input.value = spec.text;
    form.insertBefore(picker.box, form.querySelector(".form-error"));
    const picked = current ? productNames(products, current.product_ids) : "";
    card.replaceChildren(
      h("h2", { id }, name),
      h("p", { class: current ? "" : "muted", dataset: { state: current ? "set" : "unset" } },
        t(current ? "ch.set" : "ch.notSet")),
      ...(current ? [
        ...ch.shows(current).map(([label, value]) => copyable(label, value)),
        ...(picked ? [h("p", { class: "muted", dataset: { products: "" } }, picked)] : []),
        copyable("ch.webhook", current.webhook_url),
        h("p", { class: "hint" }, t(ch.steps)),
      ] : [h("p", { class: "hint" }, t(ch.steps))]),
      form,
      ...(current ? [button("ch.remove", async () => {
        if (!confirm(t("ch.confirmRemove", { name }))) return;
        try { await del(ch.path); toast(t("ch.removed", { name })); } catch (err) { toast(errorText(err), "error"); }
        await load({ ch, card, id });
      }, { class: "btn btn-danger" })] : []));
  }

  page.body.append(h("p", { class: "muted" }, t("ch.intro")), ...cards.map((c) => c.card));
  for (const c of cards) load(c);
  return () => { alive = false; };
}

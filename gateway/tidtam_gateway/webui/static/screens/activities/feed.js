// @ts-check
// My private calendar address (ICS) on My account: make one (POST /calendar/feed: shown once,
// with a Copy button; a new one replaces the old) or revoke it (DELETE /calendar/feed: the
// address then answers 404). Google Calendar and Outlook subscribe to it without a login.

import { api, creator } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { errorMessage } from "../../ui.js";

addStrings({
  th: {
    "feed.title": "ปฏิทินส่วนตัว (ICS)",
    "feed.hint": "สร้างลิงก์ลับเพื่อติดตามปฏิทินของคุณใน Google Calendar หรือ Outlook ลิงก์นี้เปิดได้โดยไม่ต้องเข้าสู่ระบบ อย่าส่งให้ผู้อื่น",
    "feed.create": "สร้างลิงก์ปฏิทิน", "feed.revoke": "ยกเลิกลิงก์",
    "feed.url": "ลิงก์ปฏิทินของคุณ (แสดงครั้งเดียว)", "feed.copy": "คัดลอก", "feed.copied": "คัดลอกแล้ว",
    "feed.replaces": "การสร้างลิงก์ใหม่จะยกเลิกลิงก์เดิม", "feed.revoked": "ยกเลิกลิงก์ปฏิทินแล้ว",
  },
  en: {
    "feed.title": "Private calendar (ICS)",
    "feed.hint": "Make a secret address to subscribe to your calendar in Google Calendar or Outlook. It opens without a login: do not share it.",
    "feed.create": "Make a calendar address", "feed.revoke": "Revoke the address",
    "feed.url": "Your calendar address (shown once)", "feed.copy": "Copy", "feed.copied": "Copied",
    "feed.replaces": "A new address replaces the old one", "feed.revoked": "The calendar address is revoked",
  },
});

export function feedCard() {
  const id = nextId("feed");
  const urlId = nextId("feed-url");
  const say = h("p", { role: "status", class: "muted", id: "feed-status" });
  const input = h("input", { id: urlId, type: "text", readonly: true, class: "feed-url" });
  const copy = h("button", { type: "button", class: "btn btn-sm" }, t("feed.copy"));
  const shown = h("div", { class: "field", hidden: true, id: "feed-shown" },
    h("label", { for: urlId }, t("feed.url")), h("div", { class: "inline" }, input, copy));
  const post = creator();
  const make = h("button", { type: "button", class: "btn btn-primary", id: "feed-create" }, t("feed.create"));
  const revoke = h("button", { type: "button", class: "btn btn-danger", id: "feed-revoke" }, t("feed.revoke"));
  make.addEventListener("click", async () => {
    make.disabled = true;
    try {
      const feed = await post("/api/v1/calendar/feed");
      /** @type {HTMLInputElement} */ (input).value = feed.url;
      shown.hidden = false;
      say.textContent = t("feed.replaces");
      /** @type {HTMLInputElement} */ (input).select();
    } catch (err) {
      if (err.status !== 401) say.textContent = errorMessage(err);
    } finally { make.disabled = false; }
  });
  copy.addEventListener("click", async () => {
    /** @type {HTMLInputElement} */ (input).select();
    try { await navigator.clipboard.writeText(/** @type {HTMLInputElement} */ (input).value); say.textContent = t("feed.copied"); } catch {
      document.execCommand?.("copy");
      say.textContent = t("feed.copied");
    }
  });
  revoke.addEventListener("click", async () => {
    revoke.disabled = true;
    try {
      await api("/api/v1/calendar/feed", { method: "DELETE" });
      shown.hidden = true;
      /** @type {HTMLInputElement} */ (input).value = "";
      say.textContent = t("feed.revoked");
    } catch (err) {
      if (err.status !== 401) say.textContent = errorMessage(err);
    } finally { revoke.disabled = false; }
  });
  return h("section", { class: "action-card stack-sm", "aria-labelledby": id },
    h("h2", { id }, t("feed.title")), h("p", { class: "hint" }, t("feed.hint")),
    h("div", { class: "form-actions" }, make, revoke), shown, say);
}

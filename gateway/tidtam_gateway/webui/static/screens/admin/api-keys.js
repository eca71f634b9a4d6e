// @ts-check
// #/admin/api-keys: keys for other systems (a website form, a LINE bot). Create (the key is
// shown this once), list, revoke.

import { api, asList } from "../../api.js";
import { h } from "../../dom.js";
import { formatDateTime } from "../../format.js";
import { addStrings, lang, t } from "../../i18n.js";
import { toast } from "../../ui.js";
import { adminPage, button, creator, del, errorText, shownOnce, smallForm } from "./common.js";

addStrings({
  th: {
    "keys.name": "ใช้สำหรับ (เช่น ฟอร์มบนเว็บไซต์)",
    "keys.created": "สร้างคีย์ “{name}” แล้ว",
    "keys.once": "คัดลอกคีย์นี้เก็บไว้ตอนนี้ ระบบจะไม่แสดงอีก",
    "keys.revoke": "ยกเลิกคีย์", "keys.revoked": "ยกเลิกคีย์ “{name}” แล้ว", "keys.revokedOn": "ยกเลิกเมื่อ {when}",
    "keys.createdOn": "สร้างเมื่อ {when}", "keys.confirmRevoke": "ยกเลิกคีย์ “{name}”? ระบบที่ใช้คีย์นี้จะเชื่อมต่อไม่ได้ทันที",
  },
  en: {
    "keys.name": "What it is for (e.g. website form)",
    "keys.created": "Created the key “{name}”",
    "keys.once": "Copy this key now: it is not shown again",
    "keys.revoke": "Revoke", "keys.revoked": "Revoked the key “{name}”", "keys.revokedOn": "revoked {when}",
    "keys.createdOn": "created {when}", "keys.confirmRevoke": "Revoke the key “{name}”? Systems using it stop working at once",
  },
});

/** @typedef {{id: string, name: string, prefix: string, created_at: string, revoked_at: string|null}} ApiKey */

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.apiKeys");
  const list = h("ul", { class: "adm-list" });
  const shown = h("div", { class: "adm-extra", "aria-live": "polite" });
  let alive = true;

  async function load() {
    /** @type {ApiKey[]} */
    let keys;
    try { keys = asList(await api("/api/v1/api-keys")); } catch (err) { if (alive) page.say(errorText(err)); return; }
    if (!alive) return;
    page.say(keys.length ? "" : t("adm.empty"));
    list.replaceChildren(...keys.map(row));
  }

  /** @param {ApiKey} k */
  function row(k) {
    const L = lang();
    return h("li", { class: `adm-row${k.revoked_at ? " is-retired" : ""}`, dataset: { id: k.id } },
      h("div", { class: "adm-main" },
        h("span", { class: "adm-name" }, k.name),
        h("code", { class: "muted" }, `${k.prefix}…`),
        h("span", { class: "muted adm-sub" }, k.revoked_at
          ? t("keys.revokedOn", { when: formatDateTime(k.revoked_at, L) })
          : t("keys.createdOn", { when: formatDateTime(k.created_at, L) }))),
      k.revoked_at ? null : h("div", { class: "adm-controls" },
        button("keys.revoke", async () => {
          if (!confirm(t("keys.confirmRevoke", { name: k.name }))) return;
          try { await del(`/api/v1/api-keys/${k.id}`); toast(t("keys.revoked", { name: k.name })); }
          catch (err) { toast(errorText(err), "error"); }
          await load();
        }, { class: "btn btn-danger", "aria-label": `${t("keys.revoke")}: ${k.name}` })));
  }

  const add = creator();
  const create = smallForm({
    specs: [{ name: "name", label: "keys.name", required: true, attrs: { maxlength: 200 } }],
    submitKey: "adm.create", className: "adm-form adm-inline",
    submit: async (v) => {
      const made = await add("/api/v1/api-keys", { name: v.name });
      toast(t("keys.created", { name: made.name }));
      create.form.reset();
      shownOnce(shown, "keys.once", made.name, made.key);
      await load();
    },
  });
  page.body.append(create.form, shown, list);
  load();
  return () => { alive = false; };
}

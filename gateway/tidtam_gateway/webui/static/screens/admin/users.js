// @ts-check
// #/admin/users: the tenant's users. Create, change role and team, reset a password,
// deactivate (offering to hand their leads to someone first) and reactivate.

import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { toast, tx } from "../../ui.js";
import { adminPage, button, creator, errorText, getAll, patch, post, smallForm } from "./common.js";

addStrings({
  th: {
    "users.new": "เพิ่มผู้ใช้", "users.email": "อีเมล", "users.name": "ชื่อ",
    "users.password": "รหัสผ่านเริ่มต้น", "users.passwordHint": "อย่างน้อย 8 ตัวอักษร แจ้งผู้ใช้ให้เปลี่ยนเองภายหลัง",
    "users.role": "บทบาท", "users.team": "ทีม", "users.noTeam": "— ไม่มีทีม —",
    "users.created": "เพิ่มผู้ใช้ “{name}” แล้ว", "users.inactive": "ปิดการใช้งาน",
    "users.resetPassword": "ตั้งรหัสผ่านใหม่", "users.newPassword": "รหัสผ่านใหม่",
    "users.passwordSet": "ตั้งรหัสผ่านใหม่ของ “{name}” แล้ว",
    "users.deactivate": "ปิดการใช้งาน", "users.reactivate": "เปิดใช้งานอีกครั้ง",
    "users.transferTo": "โอนลีดของผู้ใช้นี้ให้", "users.keepLeads": "— ไม่โอน (ลีดคงอยู่กับผู้ใช้เดิม) —",
    "users.deactivated": "ปิดการใช้งาน “{name}” แล้ว",
    "users.deactivatedTo": "ปิดการใช้งาน “{name}” แล้ว ลีดทั้งหมดจะย้ายไปให้ “{to}” ภายในไม่กี่วินาที",
    "users.generateHint": "เว้นว่างไว้ ระบบจะสร้างรหัสผ่านใช้ครั้งเดียวให้", "users.mustChange": "ให้ผู้ใช้ตั้งรหัสผ่านเองหลังเข้าสู่ระบบ",
    "users.tempPassword": "รหัสผ่านใช้ครั้งเดียว (แสดงครั้งเดียว แจ้งผู้ใช้ตอนนี้)",
    "users.invite": "ให้ผู้ใช้ตั้งรหัสผ่านเองเมื่อเข้าสู่ระบบครั้งแรก",
    "users.reactivated": "เปิดใช้งาน “{name}” อีกครั้งแล้ว", "users.changed": "บันทึกการเปลี่ยนแปลงของ “{name}” แล้ว",
    "users.confirmDeactivate": "ยืนยันการปิดใช้งาน",
  },
  en: {
    "users.new": "Add a user", "users.email": "Email", "users.name": "Name",
    "users.password": "First password", "users.passwordHint": "At least 8 characters; tell the user to change it",
    "users.role": "Role", "users.team": "Team", "users.noTeam": "— no team —",
    "users.created": "Added “{name}”", "users.inactive": "Deactivated",
    "users.resetPassword": "Reset password", "users.newPassword": "New password",
    "users.passwordSet": "New password set for “{name}”",
    "users.deactivate": "Deactivate", "users.reactivate": "Reactivate",
    "users.transferTo": "Transfer this user's leads to", "users.keepLeads": "— keep them where they are —",
    "users.deactivated": "Deactivated “{name}”",
    "users.deactivatedTo": "Deactivated “{name}”; their leads move to “{to}” within seconds",
    "users.generateHint": "Leave empty to have a one-time password made", "users.mustChange": "The user chooses their own password after logging in",
    "users.tempPassword": "One-time password (shown only now: tell the user)",
    "users.invite": "The user chooses their own password at the first login",
    "users.reactivated": "Reactivated “{name}”", "users.changed": "Saved the change to “{name}”",
    "users.confirmDeactivate": "Confirm deactivation",
  },
});

const ROLES = ["admin", "manager", "sales"];

/** @typedef {{id: string, email: string, name: string, role: string, team_id: string|null, active: boolean}} User */
/** @typedef {{id: string, name: string}} Team */

/** The options of a role picker. @param {string} selected */
const roleOptions = (selected) =>
  ROLES.map((r) => h("option", { value: r, selected: r === selected }, t(`role.${r}`)));

/** @param {Team[]} teams @param {string|null} selected */
const teamOptions = (teams, selected) => [
  h("option", { value: "" }, t("users.noTeam")),
  ...teams.map((tm) => h("option", { value: tm.id, selected: tm.id === selected }, tm.name))];

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.users");
  /** @type {{users: User[], teams: Team[], open: string|null}} */
  const s = { users: [], teams: [], open: null };
  const list = h("ul", { class: "adm-list" });
  let alive = true;

  async function load() {
    page.say(t("adm.loading"));
    try {
      [s.users, s.teams] = await Promise.all([getAll("/api/v1/users"), getAll("/api/v1/teams")]);
    } catch (err) { if (alive) page.say(errorText(err)); return; }
    if (!alive) return;
    page.say("");
    draw();
  }

  /** PATCH one user; the list is drawn again from the answer. @param {User} u @param {object} change */
  async function change(u, change) {
    try {
      const saved = await patch(`/api/v1/users/${u.id}`, change);
      Object.assign(u, saved);
      toast(t("users.changed", { name: u.name }));
    } catch (err) { toast(errorText(err), "error"); }
    draw();
  }

  /** A new password: the one typed, or (left empty) a one-time one shown here once. Either
   * way the user's sessions end, and they may be asked to choose their own.
   * @param {User} u @param {HTMLElement} host */
  function resetPassword(u, host) {
    const { form, fields } = smallForm({
      specs: [{ name: "password", label: "users.newPassword", type: "password", hint: "users.generateHint",
        attrs: { minlength: 8, maxlength: 128, autocomplete: "new-password" } },
      { name: "must_change", label: "users.mustChange", type: "checkbox", attrs: { checked: true } }],
      submitKey: "adm.save", cancel: draw, className: "adm-form adm-inline",
      submit: async (v) => {
        const done = await post(`/api/v1/users/${u.id}/password`,
          { password: v.password || null, must_change_password: !!v.must_change });
        toast(t("users.passwordSet", { name: u.name }));
        draw();
        if (done.temporary_password) showOnce(u, done.temporary_password);
      },
    });
    host.replaceChildren(form);
    fields.password.input.focus();
  }

  /** The generated password, shown once in the user's row. @param {User} u @param {string} password */
  function showOnce(u, password) {
    const host = list.querySelector(`[data-id="${u.id}"] .adm-extra`);
    if (!host) return;
    const value = h("input", { type: "text", readonly: true, value: password, "aria-label": t("users.tempPassword") });
    host.replaceChildren(h("div", { class: "notice notice-warn", role: "alert" },
      h("p", { class: "notice-title" }, t("users.tempPassword")), value));
    value.focus();
    /** @type {HTMLInputElement} */ (value).select();
  }

  /** Deactivate, after handing the leads to the chosen colleague (if one is chosen).
   * @param {User} u @param {HTMLElement} host */
  function deactivate(u, host) {
    const others = s.users.filter((o) => o.active && o.id !== u.id);
    const { form, fields } = smallForm({
      specs: [{ name: "to", label: "users.transferTo", control: "select",
        options: [["", t("users.keepLeads")], ...others.map((o) => [o.id, o.name])] }],
      submitKey: "users.confirmDeactivate", cancel: draw, className: "adm-form adm-inline",
      submit: async (v) => {
        // One request: the leads service moves the leads on the user.deactivated event.
        Object.assign(u, await post(`/api/v1/users/${u.id}/deactivate`, { transfer_leads_to: v.to || null }));
        const to = others.find((o) => o.id === v.to);
        toast(to ? t("users.deactivatedTo", { name: u.name, to: to.name }) : t("users.deactivated", { name: u.name }));
        draw();
      },
    });
    host.replaceChildren(form);
    fields.to.input.focus();
  }

  /** @param {User} u */
  function row(u) {
    const extra = h("div", { class: "adm-extra" });
    const label = (/** @type {string} */ key) => `${t(key)}: ${u.name}`;
    const role = h("select", { "aria-label": label("users.role"), disabled: !u.active,
      onchange: () => change(u, { role: role.value }) }, ...roleOptions(u.role));
    const team = h("select", { "aria-label": label("users.team"), disabled: !u.active,
      onchange: () => change(u, { team_id: team.value || null }) }, ...teamOptions(s.teams, u.team_id));
    const actions = u.active
      ? [button("users.resetPassword", () => resetPassword(u, extra), { "aria-label": label("users.resetPassword") }),
        button("users.deactivate", () => deactivate(u, extra), { class: "btn btn-danger", "aria-label": label("users.deactivate") })]
      : [button("users.reactivate", async () => {
        try {
          Object.assign(u, await post(`/api/v1/users/${u.id}/reactivate`));
          toast(t("users.reactivated", { name: u.name }));
        } catch (err) { toast(errorText(err), "error"); }
        draw();
      }, { "aria-label": label("users.reactivate") })];
    return h("li", { class: "adm-row", dataset: { id: u.id } },
      h("div", { class: "adm-main" },
        h("span", { class: "adm-name" }, u.name),
        h("span", { class: "muted adm-sub" }, u.email),
        u.active ? null : h("span", { class: "badge badge-junk" }, t("users.inactive"))),
      h("div", { class: "adm-controls" }, role, team, ...actions),
      extra);
  }

  function draw() {
    list.replaceChildren(...s.users.map(row));
    if (!s.users.length) page.say(t("adm.empty"));
  }

  const add = creator();
  const create = smallForm({
    specs: [
      { name: "email", label: "users.email", type: "email", required: true, attrs: { autocomplete: "off", maxlength: 320 } },
      { name: "name", label: "users.name", required: true, attrs: { maxlength: 200 } },
      { name: "password", label: "users.password", type: "password", required: true,
        hint: "users.passwordHint", attrs: { minlength: 8, maxlength: 128, autocomplete: "new-password" } },
      { name: "role", label: "users.role", control: "select", options: ROLES.map((r) => [r, t(`role.${r}`), `role.${r}`]) },
      { name: "team_id", label: "users.team", control: "select", options: [["", t("users.noTeam"), "users.noTeam"]] },
      { name: "invite", label: "users.invite", type: "checkbox" },
    ],
    submitKey: "adm.create",
    submit: async (v) => {
      const { invite, ...fields } = v;
      const user = await add("/api/v1/users", { ...fields, team_id: v.team_id || null,
        ...(invite ? { must_change_password: true } : {}) });
      toast(t("users.created", { name: user.name }));
      create.form.reset();
      s.users.push(user);
      draw();
    },
  });
  create.fields.role.input.value = "sales";

  page.body.append(
    h("details", { class: "card adm-card" }, tx("summary", "users.new"), create.form),
    list);
  load().then(() => {
    const select = create.fields.team_id.input;
    select.replaceChildren(...teamOptions(s.teams, null));
  });
  return () => { alive = false; };
}

// @ts-check
// #/admin/teams: create, rename, delete (only an empty team; otherwise it says who is in it).

import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { toast } from "../../ui.js";
import { adminPage, button, creator, del, errorText, getAll, patch, renameForm, smallForm } from "./common.js";

addStrings({
  th: {
    "teams.new": "ชื่อทีมใหม่", "teams.created": "เพิ่มทีม “{name}” แล้ว",
    "teams.members": "สมาชิก: {names}", "teams.noMembers": "ยังไม่มีสมาชิก",
    "teams.notEmpty": "ลบไม่ได้: ทีมนี้ยังมีสมาชิก ({names}) ย้ายพวกเขาไปทีมอื่นในหน้าผู้ใช้ก่อน",
    "teams.deleted": "ลบทีม “{name}” แล้ว", "teams.renamed": "เปลี่ยนชื่อทีมเป็น “{name}” แล้ว",
  },
  en: {
    "teams.new": "New team's name", "teams.created": "Added the team “{name}”",
    "teams.members": "Members: {names}", "teams.noMembers": "No members yet",
    "teams.notEmpty": "Cannot delete: the team still has members ({names}). Move them to another team on the Users page first",
    "teams.deleted": "Deleted the team “{name}”", "teams.renamed": "Renamed the team to “{name}”",
  },
});

/** Names of a team's members. @param {{team_id: string|null, name: string, active: boolean}[]} users @param {string} teamId */
export const memberNames = (users, teamId) =>
  users.filter((u) => u.team_id === teamId && u.active !== false).map((u) => u.name);

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.teams");
  /** @type {{teams: {id: string, name: string}[], users: any[]}} */
  const s = { teams: [], users: [] };
  const list = h("ul", { class: "adm-list" });
  let alive = true;

  async function load() {
    page.say(t("adm.loading"));
    try {
      [s.teams, s.users] = await Promise.all([getAll("/api/v1/teams"), getAll("/api/v1/users")]);
    } catch (err) { if (alive) page.say(errorText(err)); return; }
    if (alive) draw();
  }

  /** @param {{id: string, name: string}} team */
  function row(team) {
    const names = memberNames(s.users, team.id);
    const extra = h("div", { class: "adm-extra" });
    const label = (/** @type {string} */ key) => `${t(key)}: ${team.name}`;
    const remove = async () => {
      if (names.length) { extra.replaceChildren(h("p", { class: "form-error", role: "alert" }, t("teams.notEmpty", { names: names.join(", ") }))); return; }
      try {
        await del(`/api/v1/teams/${team.id}`);
        s.teams = s.teams.filter((x) => x.id !== team.id);
        toast(t("teams.deleted", { name: team.name }));
        draw();
      } catch (err) { extra.replaceChildren(h("p", { class: "form-error", role: "alert" }, errorText(err))); }
    };
    return h("li", { class: "adm-row", dataset: { id: team.id } },
      h("div", { class: "adm-main" },
        h("span", { class: "adm-name" }, team.name),
        h("span", { class: "muted adm-sub" }, names.length ? t("teams.members", { names: names.join(", ") }) : t("teams.noMembers"))),
      h("div", { class: "adm-controls" },
        button("adm.rename", () => renameForm(extra, team, async ({ name }) => {
          Object.assign(team, await patch(`/api/v1/teams/${team.id}`, { name }));
          toast(t("teams.renamed", { name: team.name }));
        }, draw), { "aria-label": label("adm.rename") }),
        button("adm.delete", remove, { class: "btn btn-danger", "aria-label": label("adm.delete") })),
      extra);
  }

  function draw() {
    page.say(s.teams.length ? "" : t("adm.empty"));
    list.replaceChildren(...s.teams.map(row));
  }

  const add = creator();
  const create = smallForm({
    specs: [{ name: "name", label: "teams.new", required: true, attrs: { maxlength: 200 } }],
    submitKey: "adm.create", className: "adm-form adm-inline",
    submit: async (v) => {
      const team = await add("/api/v1/teams", { name: v.name });
      s.teams.push(team);
      toast(t("teams.created", { name: team.name }));
      create.form.reset();
      draw();
    },
  });
  page.body.append(create.form, list);
  load();
  return () => { alive = false; };
}

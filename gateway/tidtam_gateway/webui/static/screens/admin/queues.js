// @ts-check
// #/admin/queues: the assignment queues new leads without an owner go through (issue 16), in
// the order they are tried: add one (name, source, strategy, members), move it up or down,
// pause or resume it, delete it.

import { api } from "../../api.js";
import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { toast, tx } from "../../ui.js";
import { adminPage, button, creator, del, errorText, getAll, patch, smallForm } from "./common.js";

addStrings({
  th: {
    "queues.hint": "ลีดใหม่ที่ไม่ได้ระบุผู้ดูแลจะเข้าคิวแรกที่ตรงเงื่อนไข แล้วส่งให้สมาชิกคนถัดไปที่ยังใช้งานอยู่",
    "queues.name": "ชื่อคิว", "queues.source": "ช่องทางของลีด", "queues.anySource": "ทุกช่องทาง",
    "queues.strategy": "วิธีแจกลีด", "queues.round_robin": "เวียนตามลำดับ",
    "queues.least_open": "ให้คนที่มีลีดค้างน้อยที่สุด", "queues.members": "สมาชิก (เลือกอย่างน้อย 1 คน)",
    "queues.pickMembers": "เลือกสมาชิกอย่างน้อย 1 คน",
    "queues.created": "เพิ่มคิว “{name}” แล้ว", "queues.deleted": "ลบคิว “{name}” แล้ว",
    "queues.up": "เลื่อนขึ้น", "queues.down": "เลื่อนลง", "queues.pause": "หยุดชั่วคราว",
    "queues.resume": "ใช้งานต่อ", "queues.paused": "หยุดชั่วคราว",
    "queues.sub": "{strategy} · {source} · {members}",
  },
  en: {
    "queues.hint": "A new lead without an owner goes to the first queue it matches, then to that queue's next active member",
    "queues.name": "Queue name", "queues.source": "Lead source", "queues.anySource": "Any source",
    "queues.strategy": "How leads are shared", "queues.round_robin": "In turn",
    "queues.least_open": "To whoever has the fewest open leads", "queues.members": "Members (at least one)",
    "queues.pickMembers": "Pick at least one member",
    "queues.created": "Added the queue “{name}”", "queues.deleted": "Deleted the queue “{name}”",
    "queues.up": "Move up", "queues.down": "Move down", "queues.pause": "Pause",
    "queues.resume": "Resume", "queues.paused": "paused",
    "queues.sub": "{strategy} · {source} · {members}",
  },
});

/** @typedef {{id: string, name: string, position: number, match: {source?: string|null},
 *   members: string[], strategy: string, active: boolean}} Queue */

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.queues");
  /** @type {{queues: Queue[], users: any[], sources: any[]}} */
  const s = { queues: [], users: [], sources: [] };
  const list = h("ol", { class: "adm-list" });
  const memberBox = h("fieldset", { class: "field" });
  const formHost = h("div");
  let alive = true;

  async function load() {
    page.say(t("adm.loading"));
    try {
      [s.queues, s.users, s.sources] = await Promise.all([
        getAll("/api/v1/queues"), getAll("/api/v1/users"), getAll("/api/v1/lead-sources")]);
    } catch (err) { if (alive) page.say(errorText(err)); return; }
    if (!alive) return;
    drawForm();
    draw();
  }

  const nameOf = (/** @type {string} */ id) => s.users.find((u) => u.id === id)?.name || id;

  /** @param {Queue} q @param {number} i */
  function row(q, i) {
    const extra = h("div", { class: "adm-extra" });
    const label = (/** @type {string} */ key) => `${t(key)}: ${q.name}`;
    const fail = (/** @type {unknown} */ err) =>
      extra.replaceChildren(h("p", { class: "form-error", role: "alert" }, errorText(err)));
    const move = async (/** @type {number} */ by) => {
      const ids = s.queues.map((x) => x.id);
      [ids[i], ids[i + by]] = [ids[i + by], ids[i]];
      try { s.queues = await api("/api/v1/queues/order", { method: "PUT", json: { queue_ids: ids } }); draw(); }
      catch (err) { fail(err); }
    };
    const sub = t("queues.sub", {
      strategy: t(`queues.${q.strategy}`),
      source: q.match.source || t("queues.anySource"),
      members: q.members.map(nameOf).join(", "),
    });
    return h("li", { class: "adm-row", dataset: { id: q.id } },
      h("div", { class: "adm-main" },
        h("span", { class: "adm-name" }, q.name),
        q.active ? null : h("span", { class: "muted" }, ` (${t("queues.paused")})`),
        h("span", { class: "muted adm-sub" }, sub)),
      h("div", { class: "adm-controls" },
        i > 0 ? button("queues.up", () => move(-1), { "aria-label": label("queues.up") }) : null,
        i < s.queues.length - 1 ? button("queues.down", () => move(1), { "aria-label": label("queues.down") }) : null,
        button(q.active ? "queues.pause" : "queues.resume", async () => {
          try { Object.assign(q, await patch(`/api/v1/queues/${q.id}`, { active: !q.active })); draw(); }
          catch (err) { fail(err); }
        }, { "aria-label": label(q.active ? "queues.pause" : "queues.resume") }),
        button("adm.delete", async () => {
          try {
            await del(`/api/v1/queues/${q.id}`);
            s.queues = s.queues.filter((x) => x.id !== q.id);
            toast(t("queues.deleted", { name: q.name }));
            draw();
          } catch (err) { fail(err); }
        }, { class: "btn btn-danger", "aria-label": label("adm.delete") })),
      extra);
  }

  function draw() {
    page.say(s.queues.length ? "" : t("adm.empty"));
    list.replaceChildren(...s.queues.map(row));
  }

  const add = creator();
  function drawForm() {
    memberBox.replaceChildren(tx("legend", "queues.members"),
      ...s.users.filter((u) => u.active !== false).map((u) => h("label", { class: "check" },
        h("input", { type: "checkbox", name: "member", value: u.id }), ` ${u.name}`)));
    const sources = s.sources.filter((x) => !x.retired).map((x) => [x.key, x.name]);
    const create = smallForm({
      specs: [
        { name: "name", label: "queues.name", required: true, attrs: { maxlength: 100 } },
        { name: "source", label: "queues.source", control: "select",
          options: [["", t("queues.anySource"), "queues.anySource"], ...sources] },
        { name: "strategy", label: "queues.strategy", control: "select",
          options: [["round_robin", t("queues.round_robin"), "queues.round_robin"],
                    ["least_open", t("queues.least_open"), "queues.least_open"]] },
      ],
      submitKey: "adm.create",
      submit: async (v) => {
        const members = [...memberBox.querySelectorAll("input:checked")]
          .map((x) => /** @type {HTMLInputElement} */ (x).value);
        if (!members.length) throw new Error(t("queues.pickMembers"));
        const queue = await add("/api/v1/queues", {
          name: v.name, strategy: v.strategy, members, match: v.source ? { source: v.source } : {} });
        s.queues.push(queue);
        toast(t("queues.created", { name: queue.name }));
        create.form.reset();
        draw();
      },
    });
    create.form.insertBefore(memberBox, create.form.querySelector(".form-error"));
    formHost.replaceChildren(create.form);
  }

  page.body.append(tx("p", "queues.hint", { class: "hint" }), formHost, list);
  load();
  return () => { alive = false; };
}

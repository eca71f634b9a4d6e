// @ts-check
// #/admin/queues: the assignment queues new leads without an owner go through (issue 16), in
// the order they are tried: add one (name, source, strategy, members), move it up or down,
// pause or resume it, edit it (the add form's fields, filled in; PATCH sends only what
// changed), delete it. A queue may also take only leads interested in some catalogue
// products (`match.product_ids`), those a saved lead segment lists (`match.segment_id`), or
// those with some custom-field values (`match.custom`: the tenant's lead fields as inputs,
// left empty = any value; a field deleted since is kept as it was).

import { api, asList } from "../../api.js";
import { customInputs } from "../../custom-inputs.js";
import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { stageName, toast, tx } from "../../ui.js";
import { adminPage, button, creator, del, errorText, getAll, patch, smallForm } from "./common.js";
import { customMatch, customText, queueMatch, queuePatch } from "./queue-model.js";

/** @typedef {import("./queue-model.js").Queue} Queue */

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
    "queues.products": "สินค้าที่ลีดสนใจ (ไม่เลือก = ทุกสินค้า)", "queues.productsSub": "สินค้า: {names}",
    "queues.tooManyProducts": "เลือกสินค้าได้ไม่เกิน {max} รายการ",
    "queues.segment": "กลุ่มลีดที่บันทึกไว้", "queues.anySegment": "ไม่ใช้กลุ่ม", "queues.segmentSub": "กลุ่ม: {name}",
    "queues.segmentGone": "กลุ่มที่ถูกลบแล้ว", "queues.shared": "ใช้ร่วมกัน",
    "queues.edit": "แก้ไข", "queues.saved": "บันทึกคิว “{name}” แล้ว", "queues.unchanged": "ไม่มีอะไรเปลี่ยน",
    "queues.custom": "ค่าในฟิลด์กำหนดเองที่ลีดต้องมี (เว้นว่าง = ค่าใดก็ได้)", "queues.customSub": "ฟิลด์: {conds}",
    "queues.yes": "ใช่",
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
    "queues.products": "Products the lead is interested in (none picked: any product)", "queues.productsSub": "products: {names}",
    "queues.tooManyProducts": "Pick at most {max} products",
    "queues.segment": "Saved lead segment", "queues.anySegment": "No segment", "queues.segmentSub": "segment: {name}",
    "queues.segmentGone": "a deleted segment", "queues.shared": "shared",
    "queues.edit": "Edit", "queues.saved": "Saved the queue “{name}”", "queues.unchanged": "Nothing changed",
    "queues.custom": "Custom-field values the lead must have (empty: any value)", "queues.customSub": "fields: {conds}",
    "queues.yes": "yes",
  },
});

/** The API takes at most this many products in `match.product_ids`. */
const MAX_PRODUCTS = 20;

/** @param {HTMLElement} root */
export function mount(root) {
  const page = adminPage(root, "nav.queues");
  /** @type {{queues: Queue[], users: any[], sources: any[], products: any[], segments: any[],
   *   fields: import("../../store.js").CustomField[]}} */
  const s = { queues: [], users: [], sources: [], products: [], segments: [], fields: [] };
  const list = h("ol", { class: "adm-list" });
  const formHost = h("div");
  const add = creator();
  let alive = true;

  async function load() {
    page.say(t("adm.loading"));
    try {
      // Products (documents service), segments and custom fields are extras: the screen
      // works without them. The fields are read afresh (one may have been added just now).
      [s.queues, s.users, s.sources, s.products, s.segments, s.fields] = await Promise.all([
        getAll("/api/v1/queues"), getAll("/api/v1/users"), getAll("/api/v1/lead-sources"),
        getAll("/api/v1/products").catch(() => []),
        api("/api/v1/segments", { query: { entity: "lead" } }).then(asList).catch(() => []),
        api("/api/v1/custom-fields", { query: { entity: "lead" } }).then(asList).catch(() => [])]);
    } catch (err) { if (alive) page.say(errorText(err)); return; }
    if (!alive) return;
    const create = queueForm(null, "adm.create", async (next) => {
      const queue = await add("/api/v1/queues", next);
      s.queues.push(queue);
      toast(t("queues.created", { name: queue.name }));
      create.reset();
      draw();
    });
    formHost.replaceChildren(create);
    draw();
  }

  const nameOf = (/** @type {string} */ id) => s.users.find((u) => u.id === id)?.name || id;
  const productOf = (/** @type {string} */ id) => {
    const p = s.products.find((x) => x.id === id);
    return p ? stageName(p) : id;
  };
  /** What the queue matches besides its source: its products, segment and custom values. @param {Queue} q */
  const matchSub = (q) => [
    q.match.product_ids?.length ? t("queues.productsSub", { names: q.match.product_ids.map(productOf).join(", ") }) : "",
    q.match.custom && Object.keys(q.match.custom).length
      ? t("queues.customSub", { conds: customText(q.match.custom, s.fields) }) : "",
    q.match.segment_id ? t("queues.segmentSub", {
      name: s.segments.find((x) => x.id === q.match.segment_id)?.name || t("queues.segmentGone") }) : "",
  ].filter(Boolean).map((x) => ` · ${x}`).join("");

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
    }) + matchSub(q);
    return h("li", { class: "adm-row", dataset: { id: q.id } },
      h("div", { class: "adm-main" },
        h("span", { class: "adm-name" }, q.name),
        q.active ? null : h("span", { class: "muted" }, ` (${t("queues.paused")})`),
        h("span", { class: "muted adm-sub" }, sub)),
      h("div", { class: "adm-controls" },
        i > 0 ? button("queues.up", () => move(-1), { "aria-label": label("queues.up") }) : null,
        i < s.queues.length - 1 ? button("queues.down", () => move(1), { "aria-label": label("queues.down") }) : null,
        button("queues.edit", () => extra.replaceChildren(queueForm(q, "adm.save", async (next) => {
          const body = queuePatch(q, next);
          if (Object.keys(body).length) Object.assign(q, await patch(`/api/v1/queues/${q.id}`, body));
          toast(t(Object.keys(body).length ? "queues.saved" : "queues.unchanged", { name: q.name }));
          draw();
        }, () => extra.replaceChildren())), { "aria-label": label("queues.edit") }),
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

  /** A fieldset of checkboxes (value id, text name), those in `on` ticked.
   * @param {string} legend @param {string} name @param {{id: string, name: string}[]} items @param {string[]} on */
  const checks = (legend, name, items, on) => h("fieldset", { class: "field" }, tx("legend", legend),
    ...items.map((x) => h("label", { class: "check" },
      h("input", { type: "checkbox", name, value: x.id, checked: on.includes(x.id) }), ` ${x.name}`)));
  const picked = (/** @type {HTMLElement} */ box) => [...box.querySelectorAll("input:checked")]
    .map((x) => /** @type {HTMLInputElement} */ (x).value);

  /** The queue form: empty to add one, filled in with `q` to edit it. `submit` gets the
   * queue's fields (an edit keeps the members' rotation order, the new ones last).
   * @param {Queue|null} q @param {string} submitKey
   * @param {(next: {name: string, strategy: string, members: string[], match: Queue["match"]}) => Promise<unknown>} submit
   * @param {() => void} [cancel] @returns {HTMLFormElement} */
  function queueForm(q, submitKey, submit, cancel) {
    const users = s.users.filter((u) => u.active !== false || q?.members.includes(u.id));
    const memberBox = checks("queues.members", "member", users, q?.members || []);
    const products = s.products.filter((p) => p.active !== false || q?.match.product_ids?.includes(p.id))
      .map((p) => ({ id: p.id, name: stageName(p) }));
    const productBox = checks("queues.products", "product", products, q?.match.product_ids || []);
    // The lead fields' own inputs, none required: what is filled in is the condition.
    const custom = customInputs(s.fields.map((f) => ({ ...f, required: false })),
      /** @type {Record<string, any>} */ (q?.match.custom || {}));
    const customBox = h("fieldset", { class: "field queue-custom" }, tx("legend", "queues.custom"), ...custom.wraps);
    const sources = s.sources.filter((x) => !x.retired || x.key === q?.match.source).map((x) => [x.key, x.name]);
    const gone = q?.match.segment_id && !s.segments.some((x) => x.id === q.match.segment_id) ? q.match.segment_id : "";
    const { form, fields } = smallForm({
      specs: [
        { name: "name", label: "queues.name", required: true, attrs: { maxlength: 100 } },
        { name: "source", label: "queues.source", control: "select",
          options: [["", t("queues.anySource"), "queues.anySource"], ...sources] },
        { name: "strategy", label: "queues.strategy", control: "select",
          options: [["round_robin", t("queues.round_robin"), "queues.round_robin"],
                    ["least_open", t("queues.least_open"), "queues.least_open"]] },
        { name: "segment", label: "queues.segment", control: "select",
          options: [["", t("queues.anySegment"), "queues.anySegment"],
                    ...s.segments.map((x) => [x.id, x.shared ? `${x.name} (${t("queues.shared")})` : x.name]),
                    ...(gone ? [[gone, t("queues.segmentGone"), "queues.segmentGone"]] : [])] },
      ],
      submitKey, cancel, className: q ? "adm-form adm-inline" : "adm-form",
      submit: async (v) => {
        const ticked = picked(memberBox);
        const members = [...(q?.members.filter((id) => ticked.includes(id)) || []),
          ...ticked.filter((id) => !q?.members.includes(id))];
        const productIds = picked(productBox);
        if (!members.length) throw new Error(t("queues.pickMembers"));
        if (productIds.length > MAX_PRODUCTS) throw new Error(t("queues.tooManyProducts", { max: MAX_PRODUCTS }));
        await submit({ name: v.name, strategy: v.strategy, members, match: queueMatch(v, productIds,
          customMatch(custom.read(), q?.match.custom, s.fields.map((f) => f.key))) });
      },
    });
    if (q) {
      fields.name.input.value = q.name;
      fields.source.input.value = q.match.source || "";
      fields.strategy.input.value = q.strategy;
      fields.segment.input.value = q.match.segment_id || "";
    }
    const errorLine = form.querySelector(".form-error");
    form.insertBefore(memberBox, errorLine);
    if (products.length) form.insertBefore(productBox, errorLine);
    if (s.fields.length) form.insertBefore(customBox, errorLine);
    return form;
  }

  page.body.append(tx("p", "queues.hint", { class: "hint" }), formHost, list);
  load();
  return () => { alive = false; };
}

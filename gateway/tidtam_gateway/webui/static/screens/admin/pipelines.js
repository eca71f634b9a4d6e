// @ts-check
// #/admin/pipelines: pipelines and their stages. Create, rename, reorder (Up/Down buttons: the
// keyboard does it as well as the mouse), delete (a stage that still holds leads asks where
// they go), with the limits shown: 10 pipelines besides the standard one, 10 stages each. A
// stage may carry a default deal probability (%), set when added or later.

import { api, asList } from "../../api.js";
import { h } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { setPipelines } from "../../store.js";
import { stageName, toast, tx } from "../../ui.js";
import { adminPage, button, creator, del, errorText, patch, renameForm, smallForm } from "./common.js";
import { holdsLeads, moved, percent, stageLines } from "./pipeline-model.js";
import { PROBABILITY, probabilityForm } from "./stage-probability.js";

/** The limits when GET /pipelines/limits does not say. */
const LIMITS = { max_pipelines: 10, max_stages: 10 };

addStrings({
  th: {
    "pipes.count": "ไปป์ไลน์เพิ่มเติม {n} จาก {max}",
    "pipes.stageCount": "{n} จาก {max} ขั้นตอน", "pipes.standard": "มาตรฐาน",
    "pipes.new": "เพิ่มไปป์ไลน์", "pipes.stages": "ขั้นตอน (บรรทัดละหนึ่งขั้นตอน)",
    "pipes.created": "เพิ่มไปป์ไลน์ “{name}” แล้ว", "pipes.renamed": "เปลี่ยนชื่อเป็น “{name}” แล้ว",
    "pipes.deleted": "ลบ “{name}” แล้ว", "pipes.full": "ครบจำนวนสูงสุดแล้ว",
    "pipes.addStage": "เพิ่มขั้นตอน", "pipes.stageAdded": "เพิ่มขั้นตอน “{name}” แล้ว",
    "pipes.up": "เลื่อนขึ้น", "pipes.down": "เลื่อนลง",
    "pipes.reordered": "ย้าย “{name}” ไปลำดับที่ {n} แล้ว",
    "pipes.moveLeadsTo": "ขั้นตอนนี้ยังมีลีด ย้ายลีดไปที่ขั้นตอน",
    "pipes.moveLeadsToPipeline": "ไปป์ไลน์นี้ยังมีลีด ย้ายลีดไปที่ขั้นตอนแรกของไปป์ไลน์", "pipes.moveAndDelete": "ย้ายลีดแล้วลบ",
    "pipes.board": "เปิดบอร์ด", "pipes.confirmDelete": "ยืนยันการลบ",
  },
  en: {
    "pipes.count": "{n} of {max} extra pipelines",
    "pipes.stageCount": "{n} of {max} stages", "pipes.standard": "standard",
    "pipes.new": "Add a pipeline", "pipes.stages": "Stages (one per line)",
    "pipes.created": "Added the pipeline “{name}”", "pipes.renamed": "Renamed to “{name}”",
    "pipes.deleted": "Deleted “{name}”", "pipes.full": "The limit is reached",
    "pipes.addStage": "Add a stage", "pipes.stageAdded": "Added the stage “{name}”",
    "pipes.up": "Move up", "pipes.down": "Move down",
    "pipes.reordered": "Moved “{name}” to position {n}",
    "pipes.moveLeadsTo": "This stage has leads. Move them to the stage",
    "pipes.moveLeadsToPipeline": "This pipeline has leads. Move them to the first stage of", "pipes.moveAndDelete": "Move the leads and delete",
    "pipes.board": "Open the board", "pipes.confirmDelete": "Confirm deletion",
  },
});

/** @typedef {import("./pipeline-model.js").Stage} Stage */
/** @typedef {import("./pipeline-model.js").Pipeline} Pipeline */

const base = (/** @type {string} */ pid) => `/api/v1/pipelines/${encodeURIComponent(pid)}`;

/** @param {HTMLElement} root @param {Record<string, string>} _params @param {any} app */
export function mount(root, _params, app) {
  const page = adminPage(root, "nav.pipelines");
  /** @type {Pipeline[]} */
  let pipelines = [];
  let limits = LIMITS;
  let alive = true;
  const holder = h("div", { class: "stack" });
  /** Where focus goes after a redraw (a data-focus value). @type {string|null} */
  let focusAfter = null;

  async function load() {
    try {
      const [list, known] = await Promise.all([api("/api/v1/pipelines"), api("/api/v1/pipelines/limits").catch(() => LIMITS)]);
      pipelines = asList(list);
      limits = { ...LIMITS, ...known };
      for (const p of pipelines) p.stages = [...p.stages].sort((a, b) => a.position - b.position);
      setPipelines(pipelines); // the rest of the UI names stages from the store
    } catch (err) { if (alive) page.say(errorText(err)); return; }
    if (alive) draw();
  }

  /** Run a change, then load again; a refusal is said in the user's language.
   * @param {() => Promise<string|void>} fn */
  async function act(fn) {
    try {
      const message = await fn();
      if (message) toast(message);
    } catch (err) { toast(errorText(err), "error"); }
    await load();
  }

  /** @param {Pipeline} p @param {number} i @param {number} delta */
  function reorder(p, i, delta) {
    const ids = moved(p.stages.map((s) => s.id), i, delta);
    const stage = p.stages[i];
    focusAfter = `${stage.id}:${delta < 0 ? "up" : "down"}`;
    return act(async () => {
      await api(`${base(p.id)}/stage-order`, { method: "PUT", json: { stage_ids: ids } });
      return t("pipes.reordered", { name: stageName(stage), n: ids.indexOf(stage.id) + 1 });
    });
  }

  /** Delete a stage; when it holds leads, ask where they go and try again with `move_to`.
   * @param {Pipeline} p @param {Stage} stage @param {HTMLElement} host */
  async function deleteStage(p, stage, host) {
    try {
      await del(`${base(p.id)}/stages/${stage.id}`);
      toast(t("pipes.deleted", { name: stageName(stage) }));
      await load();
      return;
    } catch (err) {
      if (!holdsLeads(err)) { toast(errorText(err), "error"); return; }
    }
    const others = p.stages.filter((s) => s.id !== stage.id);
    const { form, fields } = smallForm({
      specs: [{ name: "move_to", label: "pipes.moveLeadsTo", control: "select",
        options: others.map((s) => [s.id, stageName(s)]) }],
      submitKey: "pipes.moveAndDelete", cancel: draw, className: "adm-form adm-inline",
      submit: async (v) => {
        await del(`${base(p.id)}/stages/${stage.id}`, { move_to_stage_id: v.move_to });
        toast(t("pipes.deleted", { name: stageName(stage) }));
        await load();
      },
    });
    host.replaceChildren(form);
    fields.move_to.input.focus();
  }

  /** Delete a pipeline; when it holds leads, ask which pipeline takes them (its first stage).
   * @param {Pipeline} p @param {HTMLElement} host */
  async function deletePipeline(p, host) {
    const name = stageName(p);
    if (!confirm(t("adm.confirmDelete", { name }))) return;
    try {
      await del(base(p.id));
      toast(t("pipes.deleted", { name }));
      await load();
      return;
    } catch (err) {
      if (!holdsLeads(err)) { toast(errorText(err), "error"); return; }
    }
    const { form, fields } = smallForm({
      specs: [{ name: "to", label: "pipes.moveLeadsToPipeline", control: "select",
        options: pipelines.filter((x) => x.id !== p.id).map((x) => [x.id, stageName(x)]) }],
      submitKey: "pipes.moveAndDelete", cancel: draw, className: "adm-form adm-inline",
      submit: async (v) => {
        await del(base(p.id), { move_to_pipeline_id: v.to });
        toast(t("pipes.deleted", { name }));
        await load();
      },
    });
    host.replaceChildren(form);
    fields.to.input.focus();
  }

  /** @param {Pipeline} p @param {Stage} stage @param {number} i */
  function stageRow(p, stage, i) {
    const extra = h("div", { class: "adm-extra" });
    const name = stageName(stage);
    const last = p.stages.length - 1;
    return h("li", { class: "adm-row adm-stage", dataset: { id: stage.id } },
      h("div", { class: "adm-main" },
        h("span", { class: "stage-pos", "aria-hidden": "true" }, String(i + 1)),
        h("span", { class: "adm-name" }, name),
        stage.probability == null ? null : h("span", { class: "muted adm-sub" }, t("pipes.percent", { n: stage.probability }))),
      h("div", { class: "adm-controls" },
        button("pipes.up", () => reorder(p, i, -1), { "aria-label": `${t("pipes.up")}: ${name}`,
          disabled: i === 0, dataset: { focus: `${stage.id}:up` } }),
        button("pipes.down", () => reorder(p, i, 1), { "aria-label": `${t("pipes.down")}: ${name}`,
          disabled: i === last, dataset: { focus: `${stage.id}:down` } }),
        button("adm.rename", () => renameForm(extra, stage, (names) => act(async () => {
          await patch(`${base(p.id)}/stages/${stage.id}`, names);
          return t("pipes.renamed", { name: names.name });
        }), draw, { english: true }), { "aria-label": `${t("adm.rename")}: ${name}` }),
        button("pipes.setProbability", () => probabilityForm(extra, stage, (probability) => act(async () => {
          await patch(`${base(p.id)}/stages/${stage.id}`, { probability });
          return t("pipes.probabilitySet", { name });
        }), draw),
          { "aria-label": `${t("pipes.setProbability")}: ${name}` }),
        button("adm.delete", () => deleteStage(p, stage, extra), { class: "btn btn-danger",
          "aria-label": `${t("adm.delete")}: ${name}`, disabled: p.stages.length <= 1 })),
      extra);
  }

  /** @param {Pipeline} p */
  function card(p) {
    const extra = h("div", { class: "adm-extra" });
    const name = stageName(p);
    const full = p.stages.length >= limits.max_stages;
    const addOne = creator();
    const addStage = smallForm({
      specs: [{ name: "name", label: "pipes.addStage", required: true, attrs: { maxlength: 100 } }, PROBABILITY],
      submitKey: "adm.create", className: "adm-form adm-inline",
      submit: (v) => act(async () => {
        await addOne(`${base(p.id)}/stages`, { name: v.name, probability: percent(v.probability) });
        return t("pipes.stageAdded", { name: v.name });
      }),
    });
    return h("section", { class: "card adm-card stack", dataset: { id: p.id }, "aria-label": name },
      h("div", { class: "adm-row-head" },
        h("h2", {}, name, p.is_standard ? h("span", { class: "tag" }, t("pipes.standard")) : null),
        h("span", { class: "muted" }, t("pipes.stageCount", { n: p.stages.length, max: limits.max_stages }))),
      h("div", { class: "adm-controls" },
        app && app.href ? h("a", { class: "btn", href: app.href(`/board/${p.id}`) }, t("pipes.board")) : null,
        button("adm.rename", () => renameForm(extra, p, (names) => act(async () => {
          await patch(base(p.id), names);
          return t("pipes.renamed", { name: names.name });
        }), draw, { english: true }), { "aria-label": `${t("adm.rename")}: ${name}` }),
        p.is_standard ? null : button("adm.delete", () => deletePipeline(p, extra),
          { class: "btn btn-danger", "aria-label": `${t("adm.delete")}: ${name}` })),
      extra,
      h("ol", { class: "adm-list" }, ...p.stages.map((s, i) => stageRow(p, s, i))),
      full ? h("p", { class: "muted" }, t("pipes.full")) : addStage.form);
  }

  function draw() {
    const extra = pipelines.filter((p) => !p.is_standard).length;
    page.say(t("pipes.count", { n: extra, max: limits.max_pipelines }));
    const add = creator();
    const create = smallForm({
      specs: [
        { name: "name", label: "adm.name", required: true, attrs: { maxlength: 100 } },
        { name: "name_en", label: "adm.nameEn", attrs: { maxlength: 100 } },
        { name: "stages", label: "pipes.stages", control: "textarea", required: true, attrs: { rows: 4 } },
      ],
      submitKey: "adm.create",
      submit: (v) => act(async () => {
        const made = await add("/api/v1/pipelines", { name: v.name, name_en: v.name_en || null, stages: stageLines(v.stages) });
        return t("pipes.created", { name: made.name });
      }),
    });
    const adder = extra >= limits.max_pipelines ? h("p", { class: "muted" }, t("pipes.full"))
      : h("details", { class: "card adm-card" }, tx("summary", "pipes.new"), create.form);
    holder.replaceChildren(...pipelines.map(card), adder);
    if (focusAfter) focusMoved(focusAfter);
    focusAfter = null;
  }

  /** After a reorder, focus stays on the moved stage's button (its other one at an end).
   * @param {string} key "<stage id>:up|down" */
  function focusMoved(key) {
    const [id, dir] = key.split(":");
    for (const d of [dir, dir === "up" ? "down" : "up"]) {
      const target = /** @type {HTMLButtonElement|null} */ (holder.querySelector(`[data-focus="${id}:${d}"]`));
      if (target && !target.disabled) { target.focus(); return; }
    }
  }

  page.body.append(holder);
  load();
  return () => { alive = false; };
}

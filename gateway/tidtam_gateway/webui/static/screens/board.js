// @ts-check
// #/board/<pipelineId>: the pipeline board. A column per stage with its count and the sum of
// potential values; drag a card to another column, or use its "Move to…" menu (keyboard and
// touch). The board shows what GET /leads returns for the caller (paged through), so
// visibility (`own`, `team`) is exactly the list's. At 375 px the columns scroll sideways.

import { api, asList } from "../api.js";
import { h } from "../dom.js";
import { formatBaht } from "../format.js";
import { addStrings, lang, t } from "../i18n.js";
import { stageName, toast } from "../ui.js";
import { useStyles } from "./admin/common.js";
import { columns, refusal, targets, withStage } from "./board-model.js";

addStrings({
  th: {
    "board.nav": "บอร์ด", "board.pipeline": "ไปป์ไลน์",
    "board.count": "{n} ราย", "board.total": "รวม {sum}", "board.empty": "ไม่มีลีดในขั้นตอนนี้",
    "board.move": "ย้ายไป…", "board.moveLead": "ย้าย “{name}” ไปขั้นตอน", "board.moved": "ย้าย “{name}” ไปที่ “{stage}” แล้ว",
    "board.moving": "กำลังย้าย…", "board.noPipeline": "ไม่พบไปป์ไลน์นี้", "board.truncated": "แสดง {n} รายการแรก",
    "board.hint": "ลากการ์ดไปยังคอลัมน์อื่น หรือกดปุ่ม “ย้ายไป…” บนการ์ด",
    "board.closeMenu": "ปิด",
  },
  en: {
    "board.nav": "Board", "board.pipeline": "Pipeline",
    "board.count": "{n} leads", "board.total": "Total {sum}", "board.empty": "No leads at this stage",
    "board.move": "Move to…", "board.moveLead": "Move “{name}” to the stage", "board.moved": "Moved “{name}” to “{stage}”",
    "board.moving": "Moving…", "board.noPipeline": "No such pipeline", "board.truncated": "Showing the first {n}",
    "board.hint": "Drag a card to another column, or use the card's “Move to…” button",
    "board.closeMenu": "Close",
  },
});

const PAGE = 200;
const MAX_PAGES = 25; // 5,000 cards: beyond that a board is not the tool; say so

/** @typedef {import("./board-model.js").Lead} Lead */
/** @typedef {import("./board-model.js").Stage} Stage */
/** @typedef {{id: string, name: string, name_en?: string|null, is_standard?: boolean, stages: Stage[]}} Pipeline */

/** @param {HTMLElement} root @param {Record<string, string>} params @param {any} app */
export function mount(root, params, app) {
  useStyles();
  /** @type {{pipelines: Pipeline[], pipeline: Pipeline|null, leads: Lead[], truncated: boolean, seq: number}} */
  const s = { pipelines: [], pipeline: null, leads: [], truncated: false, seq: 0 };
  const status = h("p", { class: "muted list-status", role: "status", "aria-live": "polite" });
  const picker = h("select", { id: "board-pipeline", onchange: () => go(picker.value) });
  const lanes = h("div", { class: "board" });
  root.replaceChildren(h("section", { class: "board-page" },
    h("div", { class: "board-head" },
      h("h1", { tabindex: "-1" }, t("nav.board")),
      h("div", { class: "field board-picker" }, h("label", { for: "board-pipeline" }, t("board.pipeline")), picker)),
    h("p", { class: "hint" }, t("board.hint")), status, lanes));
  let alive = true;

  /** @param {string} id */
  function go(id) {
    const href = `#/board/${encodeURIComponent(id)}`;
    if (app && app.navigate) app.navigate(href); else location.hash = href;
  }

  async function load() {
    const seq = ++s.seq;
    status.textContent = t("list.loading");
    try {
      s.pipelines = asList(await api("/api/v1/pipelines"));
      s.pipeline = s.pipelines.find((p) => p.id === params.pipelineId)
        || (params.pipelineId ? null : s.pipelines.find((p) => p.is_standard) || s.pipelines[0] || null);
      picker.replaceChildren(...s.pipelines.map((p) =>
        h("option", { value: p.id, selected: p === s.pipeline }, stageName(p))));
      if (!s.pipeline) { status.textContent = t("board.noPipeline"); lanes.replaceChildren(); return; }
      /** @type {Lead[]} */
      const leads = [];
      let cursor;
      let pages = 0;
      do {
        const data = await api("/api/v1/leads", { query: { box: "inbox", pipeline_id: s.pipeline.id, limit: PAGE, cursor } });
        leads.push(...asList(data));
        cursor = data.next_cursor;
      } while (cursor && ++pages < MAX_PAGES && alive && seq === s.seq);
      if (!alive || seq !== s.seq) return;
      s.leads = leads;
      s.truncated = !!cursor;
    } catch (err) {
      if (alive && seq === s.seq) status.textContent = refusal(err);
      return;
    }
    status.textContent = s.truncated ? t("board.truncated", { n: s.leads.length }) : "";
    draw();
  }

  /**
   * Move a card: shown at once, then POST /leads/{id}/stage; a refusal puts it back and says why.
   * @param {string} leadId @param {string} stageId
   */
  async function move(leadId, stageId) {
    const lead = s.leads.find((l) => l.id === leadId);
    const stage = s.pipeline?.stages.find((x) => x.id === stageId);
    if (!lead || !stage || lead.stage_id === stageId) return;
    const before = s.leads;
    s.leads = withStage(s.leads, leadId, stageId);
    draw(leadId);
    status.textContent = t("board.moving");
    try {
      await api(`/api/v1/leads/${encodeURIComponent(leadId)}/stage`, { method: "POST", json: { stage_id: stageId } });
      const message = t("board.moved", { name: lead.name, stage: stageName(stage) });
      status.textContent = message;
      toast(message);
    } catch (err) {
      s.leads = before;
      draw(leadId);
      const why = refusal(err);
      status.textContent = why;
      toast(why, "error");
    }
  }

  /** The "Move to…" menu of a card: a button per other stage; Escape closes it.
   * @param {Lead} lead @param {HTMLElement} host @param {HTMLButtonElement} opener */
  function openMenu(lead, host, opener) {
    if (!s.pipeline) return;
    const close = () => { host.replaceChildren(); opener.setAttribute("aria-expanded", "false"); opener.focus(); };
    const choices = targets(s.pipeline.stages, lead).map((stage) =>
      h("li", {}, h("button", { type: "button", class: "btn board-target", onclick: () => move(lead.id, stage.id) }, stageName(stage))));
    const menu = h("div", { class: "board-menu", role: "group", "aria-label": t("board.moveLead", { name: lead.name }),
      onkeydown: (/** @type {KeyboardEvent} */ e) => { if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); close(); } } },
    h("ul", {}, ...choices),
    h("button", { type: "button", class: "btn btn-ghost", onclick: close }, t("board.closeMenu")));
    host.replaceChildren(menu);
    opener.setAttribute("aria-expanded", "true");
    /** @type {HTMLElement|null} */ (menu.querySelector("button"))?.focus();
  }

  /** @param {Lead} lead */
  function card(lead) {
    const menuHost = h("div");
    const opener = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "btn board-move",
      "aria-expanded": "false", "aria-label": `${t("board.move")} ${lead.name}`, disabled: !!lead.read_only,
      onclick: () => openMenu(lead, menuHost, opener) }, t("board.move")));
    const el = h("li", { class: "board-card card", draggable: lead.read_only ? null : "true", dataset: { id: lead.id },
      ondragstart: (/** @type {DragEvent} */ e) => {
        e.dataTransfer?.setData("text/plain", lead.id);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
        el.classList.add("is-dragging");
      },
      ondragend: () => el.classList.remove("is-dragging") },
    h("a", { class: "board-name", href: `#/leads/${encodeURIComponent(lead.id)}` }, lead.name),
    lead.company ? h("span", { class: "muted board-sub" }, lead.company) : null,
    lead.potential !== null && lead.potential !== undefined && lead.potential !== ""
      ? h("span", { class: "lead-potential" }, formatBaht(lead.potential, lang())) : null,
    opener, menuHost);
    return el;
  }

  /** @param {string} [focusLead] the card whose Move button gets focus after drawing */
  function draw(focusLead) {
    if (!s.pipeline) return;
    const L = lang();
    lanes.replaceChildren(...columns(s.pipeline.stages, s.leads).map((col) => {
      const headingId = `col-${col.stage.id}`;
      const list = h("ul", { class: "board-cards", "aria-labelledby": headingId },
        ...(col.leads.length ? col.leads.map(card) : [h("li", { class: "muted board-empty" }, t("board.empty"))]));
      const lane = h("section", { class: "board-col", "aria-labelledby": headingId, dataset: { stage: col.stage.id },
        ondragover: (/** @type {DragEvent} */ e) => { e.preventDefault(); lane.classList.add("is-over"); },
        ondragleave: () => lane.classList.remove("is-over"),
        ondrop: (/** @type {DragEvent} */ e) => {
          e.preventDefault();
          lane.classList.remove("is-over");
          const id = e.dataTransfer?.getData("text/plain");
          if (id) move(id, col.stage.id);
        } },
      h("header", { class: "board-col-head" },
        h("h2", { id: headingId }, stageName(col.stage)),
        h("span", { class: "board-count" }, t("board.count", { n: col.count })),
        h("span", { class: "board-total" }, t("board.total", { sum: formatBaht(col.total, L) }))),
      list);
      return lane;
    }));
    if (focusLead) {
      const target = /** @type {HTMLElement|null} */ (lanes.querySelector(`.board-card[data-id="${CSS.escape(focusLead)}"] .board-move`));
      target?.focus();
    }
  }

  load();
  const unmount = () => { alive = false; };
  return unmount;
}

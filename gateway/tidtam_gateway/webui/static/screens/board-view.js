// @ts-check
// A pipeline board, whatever its cards are (leads: screens/board.js; deals:
// screens/deals/board.js): a column per stage with its count and the sum of the cards' values;
// drag a card to another column, or use its "Move to…" menu (keyboard and touch); a move the
// API refuses is put back and said in the user's language. The cards are what the board's
// list call returns for the caller (paged through), so visibility is exactly the list's. At
// 375 px the columns scroll sideways.

import { api, asList } from "../api.js";
import { h } from "../dom.js";
import { formatBaht } from "../format.js";
import { addStrings, lang, t } from "../i18n.js";
import { stageName, toast } from "../ui.js";
import { useStyles } from "./admin/common.js";
import { columns, refusal, targets, withStage } from "./board-model.js";

addStrings({
  th: {
    "board.nav": "บอร์ด", "board.pipeline": "ไปป์ไลน์", "board.total": "รวม {sum}",
    "board.move": "ย้ายไป…", "board.moveLead": "ย้าย “{name}” ไปขั้นตอน", "board.moved": "ย้าย “{name}” ไปที่ “{stage}” แล้ว",
    "board.moving": "กำลังย้าย…", "board.noPipeline": "ไม่พบไปป์ไลน์นี้", "board.truncated": "แสดง {n} รายการแรก",
    "board.hint": "ลากการ์ดไปยังคอลัมน์อื่น หรือกดปุ่ม “ย้ายไป…” บนการ์ด",
    "board.closeMenu": "ปิด",
  },
  en: {
    "board.nav": "Board", "board.pipeline": "Pipeline", "board.total": "Total {sum}",
    "board.move": "Move to…", "board.moveLead": "Move “{name}” to the stage", "board.moved": "Moved “{name}” to “{stage}”",
    "board.moving": "Moving…", "board.noPipeline": "No such pipeline", "board.truncated": "Showing the first {n}",
    "board.hint": "Drag a card to another column, or use the card's “Move to…” button",
    "board.closeMenu": "Close",
  },
});

/**
 * What makes a board a leads' or a deals' one. Keys are i18n keys: `title` the heading,
 * `count` "{n} leads", `empty` a column without cards, `refusals` the three refusals.
 * `page` fetches one page of the pipeline's cards (an API page: items, next_cursor), `move`
 * posts the new stage, `href` links a card's record, `value` is what a column sums, `details`
 * the card's lines under its name.
 * @typedef {{title: string, base: string, count: string, empty: string,
 *   refusals: import("./board-model.js").RefusalKeys,
 *   page: (pipelineId: string, limit: number, cursor: string|undefined) => Promise<any>,
 *   move: (id: string, stageId: string) => Promise<unknown>, href: (id: string) => string,
 *   value: (item: any) => unknown, details: (item: any) => (Node|null)[]}} BoardSpec
 */

const PAGE = 200;
const MAX_PAGES = 25; // 5,000 cards: beyond that a board is not the tool; say so

/** @typedef {import("./board-model.js").Lead} Card a lead or a deal: id, name, stage_id, read_only */
/** @typedef {import("./board-model.js").Stage} Stage */
/** @typedef {{id: string, name: string, name_en?: string|null, is_standard?: boolean, stages: Stage[]}} Pipeline */

/** Draw the board of `params.pipelineId` (the standard pipeline without one) into `root`;
 * returns the screen's unmount.
 * @param {HTMLElement} root @param {Record<string, string>} params @param {any} app
 * @param {BoardSpec} spec */
export function boardScreen(root, params, app, spec) {
  useStyles();
  /** @type {{pipelines: Pipeline[], pipeline: Pipeline|null, cards: Card[], truncated: boolean, seq: number}} */
  const s = { pipelines: [], pipeline: null, cards: [], truncated: false, seq: 0 };
  const status = h("p", { class: "muted list-status", role: "status", "aria-live": "polite" });
  const picker = h("select", { id: "board-pipeline", onchange: () => go(picker.value) });
  const lanes = h("div", { class: "board" });
  root.replaceChildren(h("section", { class: "board-page" },
    h("div", { class: "board-head" },
      h("h1", { tabindex: "-1" }, t(spec.title)),
      h("div", { class: "field board-picker" }, h("label", { for: "board-pipeline" }, t("board.pipeline")), picker)),
    h("p", { class: "hint" }, t("board.hint")), status, lanes));
  let alive = true;

  /** @param {string} id */
  function go(id) {
    const href = `#${spec.base}/${encodeURIComponent(id)}`;
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
      /** @type {Card[]} */
      const cards = [];
      let cursor;
      let pages = 0;
      do {
        const data = await spec.page(s.pipeline.id, PAGE, cursor);
        cards.push(...asList(data));
        cursor = data.next_cursor;
      } while (cursor && ++pages < MAX_PAGES && alive && seq === s.seq);
      if (!alive || seq !== s.seq) return;
      s.cards = cards;
      s.truncated = !!cursor;
    } catch (err) {
      if (alive && seq === s.seq) status.textContent = refusal(err, spec.refusals);
      return;
    }
    status.textContent = s.truncated ? t("board.truncated", { n: s.cards.length }) : "";
    draw();
  }

  /**
   * Move a card: shown at once, then POST /cards/{id}/stage; a refusal puts it back and says why.
   * @param {string} cardId @param {string} stageId
   */
  async function move(cardId, stageId) {
    const item = s.cards.find((l) => l.id === cardId);
    const stage = s.pipeline?.stages.find((x) => x.id === stageId);
    if (!item || !stage || item.stage_id === stageId) return;
    const before = s.cards;
    s.cards = withStage(s.cards, cardId, stageId);
    draw(cardId);
    status.textContent = t("board.moving");
    try {
      await spec.move(cardId, stageId);
      const message = t("board.moved", { name: item.name, stage: stageName(stage) });
      status.textContent = message;
      toast(message);
    } catch (err) {
      s.cards = before;
      draw(cardId);
      const why = refusal(err, spec.refusals);
      status.textContent = why;
      toast(why, "error");
    }
  }

  /** The "Move to…" menu of a card: a button per other stage; Escape closes it.
   * @param {Card} item @param {HTMLElement} host @param {HTMLButtonElement} opener */
  function openMenu(item, host, opener) {
    if (!s.pipeline) return;
    const close = () => { host.replaceChildren(); opener.setAttribute("aria-expanded", "false"); opener.focus(); };
    const choices = targets(s.pipeline.stages, item).map((stage) =>
      h("li", {}, h("button", { type: "button", class: "btn board-target", onclick: () => move(item.id, stage.id) }, stageName(stage))));
    const menu = h("div", { class: "board-menu", role: "group", "aria-label": t("board.moveLead", { name: item.name }),
      onkeydown: (/** @type {KeyboardEvent} */ e) => { if (e.key === "Escape") { e.preventDefault(); e.stopPropagation(); close(); } } },
    h("ul", {}, ...choices),
    h("button", { type: "button", class: "btn btn-ghost", onclick: close }, t("board.closeMenu")));
    host.replaceChildren(menu);
    opener.setAttribute("aria-expanded", "true");
    /** @type {HTMLElement|null} */ (menu.querySelector("button"))?.focus();
  }

  /** @param {Card} item */
  function card(item) {
    const menuHost = h("div");
    const opener = /** @type {HTMLButtonElement} */ (h("button", { type: "button", class: "btn board-move",
      "aria-expanded": "false", "aria-label": `${t("board.move")} ${item.name}`, disabled: !!item.read_only,
      onclick: () => openMenu(item, menuHost, opener) }, t("board.move")));
    const el = h("li", { class: "board-card card", draggable: item.read_only ? null : "true", dataset: { id: item.id },
      ondragstart: (/** @type {DragEvent} */ e) => {
        e.dataTransfer?.setData("text/plain", item.id);
        if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
        el.classList.add("is-dragging");
      },
      ondragend: () => el.classList.remove("is-dragging") },
    h("a", { class: "board-name", href: spec.href(item.id) }, item.name),
    ...spec.details(item),
    opener, menuHost);
    return el;
  }

  /** @param {string} [focusCard] the card whose Move button gets focus after drawing */
  function draw(focusCard) {
    if (!s.pipeline) return;
    const L = lang();
    lanes.replaceChildren(...columns(s.pipeline.stages, s.cards, spec.value).map((col) => {
      const headingId = `col-${col.stage.id}`;
      const list = h("ul", { class: "board-cards", "aria-labelledby": headingId },
        ...(col.leads.length ? col.leads.map(card) : [h("li", { class: "muted board-empty" }, t(spec.empty))]));
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
        h("span", { class: "board-count" }, t(spec.count, { n: col.count })),
        h("span", { class: "board-total" }, t("board.total", { sum: formatBaht(col.total, L) }))),
      list);
      return lane;
    }));
    if (focusCard) {
      const target = /** @type {HTMLElement|null} */ (lanes.querySelector(`.board-card[data-id="${CSS.escape(focusCard)}"] .board-move`));
      target?.focus();
    }
  }

  load();
  const unmount = () => { alive = false; };
  return unmount;
}

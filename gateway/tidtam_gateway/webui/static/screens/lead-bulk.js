// @ts-check
// Bulk work on the leads list: the leads ticked (or every lead matching the box and search)
// → send to a user, add or take off a label, move stage, lost or junk with a reason. One
// POST /leads/bulk per action; its per-lead results are shown (a lead that may not be
// changed is named with why, the others are done).

import { api, idempotencyKey } from "../api.js";
import { h, nextId } from "../dom.js";
import { addStrings, t } from "../i18n.js";
import { peoplePicker } from "../people-picker.js";
import { state } from "../store.js";
import { busy, clearErrors, field, reasonsFor, showErrors, stageName } from "../ui.js";

addStrings({
  th: {
    "bulk.title": "ทำกับหลายลีด", "bulk.selected": "เลือกแล้ว {n} รายการ",
    "bulk.all": "เลือกทุกลีดที่ตรงกับกล่องและคำค้นนี้ (สูงสุด 500)", "bulk.select": "เลือก {name}",
    "bulk.action": "ทำอะไร", "bulk.send": "ส่งต่อ", "bulk.add_label": "ติดป้าย",
    "bulk.remove_label": "เอาป้ายออก", "bulk.move_stage": "เปลี่ยนขั้นตอน", "bulk.lost": "ไม่สำเร็จ",
    "bulk.junk": "ขยะ", "bulk.submit": "ทำเลย", "bulk.clear": "ยกเลิกการเลือก",
    "bulk.summary": "สำเร็จ {done} · ไม่พบ {not_found} · ทำไม่ได้ {refused}",
    "bulk.notFound": "ไม่พบ หรือคุณไม่มีสิทธิ์เห็น", "bulk.dismiss": "ปิดผลลัพธ์",
  },
  en: {
    "bulk.title": "Work on several leads", "bulk.selected": "{n} selected",
    "bulk.all": "Select every lead matching this box and search (at most 500)", "bulk.select": "Select {name}",
    "bulk.action": "Action", "bulk.send": "Send", "bulk.add_label": "Add label",
    "bulk.remove_label": "Remove label", "bulk.move_stage": "Move stage", "bulk.lost": "Lost",
    "bulk.junk": "Junk", "bulk.submit": "Apply", "bulk.clear": "Clear selection",
    "bulk.summary": "Done {done} · not found {not_found} · refused {refused}",
    "bulk.notFound": "Not found, or not yours to see", "bulk.dismiss": "Close the results",
  },
});

export const ACTIONS = ["send", "add_label", "remove_label", "move_stage", "lost", "junk"];

/**
 * The request body of a bulk action: the leads (ids, or all_matching) and what the action
 * needs (values by name: to_user_id, note, label_id, stage_id, reason).
 * @param {string} action @param {string[] | "all"} leads @param {Record<string, string>} values
 */
export function bulkBody(action, leads, values) {
  /** @type {Record<string, any>} */
  const body = { action, ...(leads === "all" ? { all_matching: true } : { lead_ids: leads }) };
  const needs = { send: ["to_user_id", "note"], add_label: ["label_id"], remove_label: ["label_id"],
                  move_stage: ["stage_id"], lost: ["reason"], junk: ["reason"] }[action] || [];
  for (const key of needs) if (values[key]?.trim()) body[key] = values[key].trim();
  return body;
}

/**
 * The bulk bar. hooks: query() → {box, q} of the list; names() → id → name of the leads
 * shown; done() after a bulk action (the list reloads).
 * `redraw()` draws the list again (its boxes unticked).
 * @param {{query: () => Record<string, string>, names: () => Map<string, string>, done: () => void,
 *          redraw: () => void}} hooks
 */
export function bulkBar(hooks) {
  /** @type {Set<string>} */
  const selected = new Set();
  const count = h("p", { class: "bulk-count", "aria-live": "polite" });
  const allId = nextId("all");
  const all = h("input", { type: "checkbox", id: allId, onchange: () => refresh() });
  const action = field({ name: "action", label: "bulk.action", control: "select",
                         options: ACTIONS.map((a) => [a, t(`bulk.${a}`)]) });
  const slot = h("div", { class: "bulk-params" });
  const results = h("div", { class: "bulk-results", role: "status", "aria-live": "polite" });
  const general = h("p", { class: "form-error", role: "alert", tabindex: "-1", hidden: true });
  /** @type {Record<string, any>} */
  let params = {};

  function paramsFor(/** @type {string} */ a) {
    if (a === "send") {
      return { to_user_id: peoplePicker({ name: "to_user_id", label: "send.user", required: true }),
               note: field({ name: "note", label: "send.note", attrs: { maxlength: 2000 } }) };
    }
    if (a === "add_label" || a === "remove_label") {
      const offered = state.labels.filter((l) => a === "remove_label" || !l.retired);
      return { label_id: field({ name: "label_id", label: "labels.title", control: "select", required: true,
                                 options: [["", t("labels.pick")], ...offered.map((l) => [l.id, l.name])] }) };
    }
    if (a === "move_stage") {
      const stage = field({ name: "stage_id", label: "field.stage", control: "select", required: true });
      stage.input.append(...state.pipelines.map((p) => h("optgroup", { label: stageName(p) },
        p.stages.map((s) => h("option", { value: s.id }, stageName(s))))));
      return { stage_id: stage };
    }
    const reason = field({ name: "reason", label: "close.reason", required: true, attrs: { maxlength: 500 } });
    const listId = nextId("reasons");
    reason.input.setAttribute("list", listId);
    const datalist = h("datalist", { id: listId });
    reasonsFor(a).then((rs) => datalist.replaceChildren(...rs.map((r) => h("option", { value: r }))));
    reason.wrap.append(datalist);
    return { reason };
  }

  function showParams() {
    params = paramsFor(action.input.value);
    slot.replaceChildren(...Object.values(params).map((p) => p.wrap));
  }
  action.input.addEventListener("change", showParams);

  const form = h("form", { class: "bulk-form stack", novalidate: true, "aria-label": t("bulk.title") },
    h("div", { class: "bulk-head" }, count,
      h("label", { class: "choice", for: allId }, all, " ", t("bulk.all")),
      h("button", { type: "button", class: "btn btn-sm", onclick: () => { selected.clear(); all.checked = false; refresh(); hooks.redraw(); } },
        t("bulk.clear"))),
    h("div", { class: "bulk-body stack" },
      h("div", { class: "inline" }, action.wrap, slot),
      general,
      h("div", {}, h("button", { type: "submit", class: "btn btn-primary" }, t("bulk.submit")))));
  const body = /** @type {HTMLElement} */ (form.lastChild);
  const clear = /** @type {HTMLElement} */ (/** @type {HTMLElement} */ (form.firstChild).lastChild);
  const wrap = h("div", { class: "bulk" }, form, results);
  form.addEventListener("submit", async (/** @type {Event} */ event) => {
    event.preventDefault();
    const fields = { ...params, action };
    clearErrors(fields, general);
    /** @type {Record<string, string>} */
    const values = {};
    for (const [key, p] of Object.entries(params)) values[key] = p.input.value;
    const request = bulkBody(action.input.value, all.checked ? "all" : [...selected], values);
    await busy(form, async () => {
      let out;
      try {
        out = await api("/api/v1/leads/bulk", { method: "POST", json: request,
          query: all.checked ? hooks.query() : undefined, headers: { "Idempotency-Key": idempotencyKey() } });
      } catch (err) {
        if (err.status !== 401) showErrors(err, fields, general);
        return;
      }
      showResults(out);
      selected.clear();
      all.checked = false;
      refresh();
      hooks.done();
    });
  });

  function showResults(/** @type {any} */ out) {
    const names = hooks.names();
    const problems = (out.results || []).filter((/** @type {any} */ r) => r.status !== "done");
    results.replaceChildren(h("div", { class: out.refused || out.not_found ? "notice notice-warn" : "notice" },
      h("p", { class: "notice-title" }, `${t(`bulk.${out.action}`)}: ${t("bulk.summary", out)}`),
      problems.length ? h("ul", { class: "dup-list" }, problems.map((/** @type {any} */ r) => h("li", {},
        names.get(r.lead_id) || `${r.lead_id.slice(0, 8)}…`, " — ",
        r.status === "not_found" ? t("bulk.notFound") : (r.message || r.code)))) : null,
      h("button", { type: "button", class: "link", onclick: () => results.replaceChildren() }, t("bulk.dismiss"))));
  }

  function refresh() {
    const some = selected.size > 0 || all.checked;
    body.hidden = !some;
    clear.hidden = !some;
    form.classList.toggle("bulk-active", some);
    count.textContent = selected.size && !all.checked ? t("bulk.selected", { n: selected.size }) : "";
  }

  /** The checkbox that selects one lead of the list. */
  function checkbox(/** @type {string} */ id, /** @type {string} */ name) {
    return h("input", { type: "checkbox", class: "lead-check", checked: selected.has(id),
                        "aria-label": t("bulk.select", { name }),
                        onchange: (/** @type {Event} */ e) => {
                          if (/** @type {HTMLInputElement} */ (e.target).checked) selected.add(id); else selected.delete(id);
                          refresh();
                        } });
  }

  showParams();
  refresh();
  return { wrap, checkbox, selected, reset: () => { selected.clear(); all.checked = false; refresh(); } };
}

// @ts-check
// Saved segments: a list's current filter saved under a name, personal or shared with the
// tenant, and picked again later. A list screen (the leads list, the accounts list) puts
// segmentBar() above itself:
//   segmentBar({entity: "lead", selected: params.segment, filters: () => ({box, q, …}),
//               pick: (id) => app.navigate(app.href("/leads", {...query, segment: id}))})
// The list then asks GET /leads?segment=<id> (the API ANDs it with the request's own filters).

import { api, asList, creator } from "./api.js";
import { h, nextId } from "./dom.js";
import { addStrings, t } from "./i18n.js";
import { busy, errorMessage, toast } from "./ui.js";

addStrings({
  th: {
    "seg.label": "กลุ่มที่บันทึกไว้", "seg.none": "— ทั้งหมด (ไม่ใช้กลุ่ม) —", "seg.shared": "ใช้ร่วมกัน",
    "seg.save": "บันทึกตัวกรองนี้เป็นกลุ่ม", "seg.name": "ชื่อกลุ่ม", "seg.shareIt": "ให้ทุกคนในบริษัทใช้ได้",
    "seg.saved": "บันทึกกลุ่ม “{name}” แล้ว", "seg.delete": "ลบกลุ่มนี้", "seg.deleted": "ลบกลุ่ม “{name}” แล้ว",
    "seg.noFilter": "ยังไม่มีตัวกรองให้บันทึก", "seg.ok": "บันทึก", "seg.cancel": "ยกเลิก",
    "seg.confirmDelete": "ลบกลุ่ม “{name}” ใช่หรือไม่",
  },
  en: {
    "seg.label": "Saved segment", "seg.none": "— all (no segment) —", "seg.shared": "shared",
    "seg.save": "Save this filter as a segment", "seg.name": "Segment name", "seg.shareIt": "Everyone in the company may use it",
    "seg.saved": "Saved the segment “{name}”", "seg.delete": "Delete this segment", "seg.deleted": "Deleted the segment “{name}”",
    "seg.noFilter": "There is no filter to save yet", "seg.ok": "Save", "seg.cancel": "Cancel",
    "seg.confirmDelete": "Delete the segment “{name}”?",
  },
});

/** @typedef {{id: string, name: string, shared: boolean, editable: boolean, filters: Record<string, string|string[]>}} Segment */

/** The filters worth saving: empty values, the cursor and the segment itself left out.
 * @param {Record<string, unknown>} query @returns {Record<string, string>} */
export function savedFilters(query) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === "" || ["cursor", "limit", "segment"].includes(k)) continue;
    out[k] = String(v);
  }
  return out;
}

/**
 * @param {{entity: "lead"|"account", selected?: string|null, filters: () => Record<string, unknown>,
 *          pick: (segmentId: string|null) => void}} opts
 * @returns {HTMLElement}
 */
export function segmentBar({ entity, selected = null, filters, pick }) {
  const id = nextId("segment");
  const select = h("select", { id, onchange: () => pick(select.value || null) });
  const removeBtn = h("button", { type: "button", class: "btn btn-danger", hidden: true }, t("seg.delete"));
  const saveForm = h("div", { class: "seg-save" });
  /** @type {Segment[]} */
  let segments = [];

  async function load() {
    try { segments = asList(await api("/api/v1/segments", { query: { entity } })); }
    catch { segments = []; } // no segments: the list works without them
    select.replaceChildren(h("option", { value: "" }, t("seg.none")),
      ...segments.map((s) => h("option", { value: s.id, selected: s.id === selected },
        s.shared ? `${s.name} (${t("seg.shared")})` : s.name)));
    const current = segments.find((s) => s.id === selected);
    removeBtn.hidden = !(current && current.editable);
  }

  removeBtn.addEventListener("click", async () => {
    const current = segments.find((s) => s.id === select.value);
    if (!current || !confirm(t("seg.confirmDelete", { name: current.name }))) return;
    try {
      await api(`/api/v1/segments/${current.id}`, { method: "DELETE", query: { entity } });
      toast(t("seg.deleted", { name: current.name }));
      pick(null);
    } catch (err) { toast(errorMessage(err), "error"); }
  });

  function openSave() {
    const chosen = savedFilters(filters());
    if (!Object.keys(chosen).length) { toast(t("seg.noFilter")); return; }
    const nameId = nextId("seg-name");
    const sharedId = nextId("seg-shared");
    const name = h("input", { id: nameId, required: true, maxlength: 100 });
    const shared = h("input", { id: sharedId, type: "checkbox" });
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const form = h("form", { class: "adm-form adm-inline", novalidate: true },
      h("div", { class: "field" }, h("label", { for: nameId }, t("seg.name")), name),
      h("label", { class: "choice", for: sharedId }, shared, h("span", {}, t("seg.shareIt"))),
      error,
      h("div", { class: "form-actions" },
        h("button", { type: "submit", class: "btn btn-primary" }, t("seg.ok")),
        h("button", { type: "button", class: "btn", onclick: () => saveForm.replaceChildren() }, t("seg.cancel"))));
    const create = creator();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      await busy(/** @type {HTMLFormElement} */ (form), async () => {
        try {
          const made = await create("/api/v1/segments",
            { name: name.value.trim(), filters: chosen, shared: shared.checked }, { entity });
          toast(t("seg.saved", { name: made.name }));
          saveForm.replaceChildren();
          pick(made.id);
        } catch (err) { error.textContent = errorMessage(err); error.hidden = false; }
      });
    });
    saveForm.replaceChildren(form);
    name.focus();
  }

  load();
  return h("div", { class: "seg-bar" },
    h("div", { class: "seg-row" },
      h("label", { for: id }, t("seg.label")), select,
      h("button", { type: "button", class: "btn", onclick: openSave }, t("seg.save")), removeBtn),
    saveForm);
}

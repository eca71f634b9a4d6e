// @ts-check
// #/admin/custom-fields: the extra fields of leads and of accounts. Define (key, Thai and
// English label, type, options, required), change labels, options and "required", delete.
// The lead and account forms show and check them (the services validate the values).

import { api, asList } from "../../api.js";
import { h } from "../../dom.js";
import { addStrings, lang, t } from "../../i18n.js";
import { toast, tx } from "../../ui.js";
import { adminPage, button, creator, del, errorText, patch, smallForm } from "./common.js";

export const FIELD_TYPES = ["text", "number", "date", "select", "multi_select", "checkbox"];
const ENTITIES = ["lead", "account"];

addStrings({
  th: {
    "cf.entity.lead": "ลีด", "cf.entity.account": "ลูกค้า (บริษัท)",
    "cf.key": "รหัสฟิลด์ (a-z, 0-9, _; เปลี่ยนภายหลังไม่ได้)", "cf.labelTh": "ชื่อฟิลด์ (ไทย)",
    "cf.labelEn": "ชื่อฟิลด์ (อังกฤษ)", "cf.type": "ชนิด", "cf.options": "ตัวเลือก (บรรทัดละหนึ่งตัวเลือก)",
    "cf.required": "ต้องกรอกทุกครั้ง", "cf.new": "เพิ่มฟิลด์", "cf.edit": "แก้ไข",
    "cf.created": "เพิ่มฟิลด์ “{name}” แล้ว", "cf.saved": "บันทึกฟิลด์ “{name}” แล้ว", "cf.deleted": "ลบฟิลด์ “{name}” แล้ว",
    "cf.type.text": "ข้อความ", "cf.type.number": "ตัวเลข", "cf.type.date": "วันที่",
    "cf.type.select": "เลือกหนึ่งข้อ", "cf.type.multi_select": "เลือกได้หลายข้อ", "cf.type.checkbox": "ใช่/ไม่ใช่",
    "cf.requiredTag": "จำเป็น",
  },
  en: {
    "cf.entity.lead": "Leads", "cf.entity.account": "Accounts",
    "cf.key": "Field key (a-z, 0-9, _; cannot change later)", "cf.labelTh": "Label (Thai)",
    "cf.labelEn": "Label (English)", "cf.type": "Type", "cf.options": "Options (one per line)",
    "cf.required": "Always required", "cf.new": "Add a field", "cf.edit": "Edit",
    "cf.created": "Added the field “{name}”", "cf.saved": "Saved the field “{name}”", "cf.deleted": "Deleted the field “{name}”",
    "cf.type.text": "Text", "cf.type.number": "Number", "cf.type.date": "Date",
    "cf.type.select": "One of a list", "cf.type.multi_select": "Several of a list", "cf.type.checkbox": "Yes/no",
    "cf.requiredTag": "required",
  },
});

/** @typedef {{value: string, label_th: string, label_en: string}} Option */
/** @typedef {{key: string, label_th: string, label_en: string|null, type: string, options: Option[], required: boolean, position: number}} CustomField */

/** A field's label in the user's language. @param {CustomField} f */
export const fieldLabel = (f) => (lang() === "en" && f.label_en ? f.label_en : f.label_th);

/** The create body from the form's values. @param {Record<string, string>} v */
export function fieldBody(v) {
  const choice = v.type === "select" || v.type === "multi_select";
  return {
    key: v.key, label_th: v.label_th, label_en: v.label_en || null, type: v.type, required: !!v.required,
    options: choice ? v.options.split("\n").map((o) => o.trim()).filter(Boolean) : [],
  };
}

/** The PATCH body: only what differs from the field as it is (a type or options sent unchanged
 * could be refused while values use them). @param {CustomField} f @param {ReturnType<typeof fieldBody>} body */
export function fieldPatch(f, body) {
  /** @type {Record<string, unknown>} */
  const out = {};
  if (body.label_th !== f.label_th) out.label_th = body.label_th;
  if ((body.label_en || null) !== (f.label_en || null)) out.label_en = body.label_en;
  if (body.type !== f.type) out.type = body.type;
  if (body.required !== f.required) out.required = body.required;
  if (body.options.join("\n") !== f.options.map((o) => o.value).join("\n")) out.options = body.options;
  return out;
}

const specs = (/** @type {CustomField|null} */ f) => [
  ...(f ? [] : [{ name: "key", label: "cf.key", required: true, attrs: { maxlength: 40, pattern: "[a-z][a-z0-9_]*", autocapitalize: "off" } }]),
  { name: "label_th", label: "cf.labelTh", required: true, attrs: { maxlength: 100, value: f ? f.label_th : "" } },
  { name: "label_en", label: "cf.labelEn", attrs: { maxlength: 100, value: f ? f.label_en || "" : "" } },
  { name: "type", label: "cf.type", control: "select", options: FIELD_TYPES.map((x) => [x, t(`cf.type.${x}`), `cf.type.${x}`]) },
  { name: "options", label: "cf.options", control: "textarea", attrs: { rows: 3 } },
  { name: "required", label: "cf.required", type: "checkbox" },
];

/** @param {HTMLElement} root @param {Record<string, string>} params */
export function mount(root, params) {
  const page = adminPage(root, "nav.customFields");
  let entity = ENTITIES.includes(params.entity) ? params.entity : "lead";
  /** @type {CustomField[]} */
  let fields = [];
  const list = h("ul", { class: "adm-list" });
  const tabs = h("div", { class: "adm-tabs", role: "group" });
  const url = (/** @type {string} */ key) => `/api/v1/custom-fields/${encodeURIComponent(key)}`;
  let alive = true;

  async function load() {
    try { fields = asList(await api("/api/v1/custom-fields", { query: { entity } })); }
    catch (err) { if (alive) page.say(errorText(err)); return; }
    if (!alive) return;
    fields.sort((a, b) => a.position - b.position);
    page.say(fields.length ? "" : t("adm.empty"));
    list.replaceChildren(...fields.map(row));
  }

  /** The edit form for `f`, in `host`. @param {CustomField} f @param {HTMLElement} host */
  function edit(f, host) {
    const form = smallForm({
      specs: specs(f), submitKey: "adm.save", cancel: () => host.replaceChildren(),
      submit: async (v) => {
        const saved = await patch(url(f.key) + `?entity=${entity}`, fieldPatch(f, fieldBody({ ...v, key: f.key })));
        toast(t("cf.saved", { name: fieldLabel(saved) }));
        await load();
      },
    });
    form.fields.type.input.value = f.type;
    form.fields.required.input.checked = f.required;
    form.fields.options.input.value = f.options.map((o) => o.value).join("\n");
    host.replaceChildren(form.form);
    form.fields.label_th.input.focus();
  }

  /** @param {CustomField} f */
  function row(f) {
    const extra = h("div", { class: "adm-extra" });
    const name = fieldLabel(f);
    return h("li", { class: "adm-row", dataset: { key: f.key } },
      h("div", { class: "adm-main" },
        h("span", { class: "adm-name" }, name),
        h("code", { class: "muted" }, f.key),
        h("span", { class: "tag" }, t(`cf.type.${f.type}`)),
        f.required ? h("span", { class: "tag" }, t("cf.requiredTag")) : null,
        f.options.length ? h("span", { class: "muted adm-sub" }, f.options.map((o) => (lang() === "en" ? o.label_en : o.label_th)).join(", ")) : null),
      h("div", { class: "adm-controls" },
        button("cf.edit", () => edit(f, extra), { "aria-label": `${t("cf.edit")}: ${name}` }),
        button("adm.delete", async () => {
          if (!confirm(t("adm.confirmDelete", { name }))) return;
          try { await del(url(f.key), { entity }); toast(t("cf.deleted", { name })); }
          catch (err) { toast(errorText(err), "error"); }
          await load();
        }, { class: "btn btn-danger", "aria-label": `${t("adm.delete")}: ${name}` })),
      extra);
  }

  const add = creator();
  const create = smallForm({
    specs: specs(null), submitKey: "adm.create",
    submit: async (v) => {
      const made = await add("/api/v1/custom-fields", fieldBody(v), { entity });
      toast(t("cf.created", { name: fieldLabel(made) }));
      create.form.reset();
      await load();
    },
  });

  function drawTabs() {
    tabs.replaceChildren(...ENTITIES.map((e) => h("button", {
      type: "button", class: "btn", "aria-pressed": String(e === entity),
      onclick: () => { entity = e; drawTabs(); load(); } }, t(`cf.entity.${e}`))));
  }

  drawTabs();
  page.body.append(tabs, h("details", { class: "card adm-card" }, tx("summary", "cf.new"), create.form), list);
  load();
  return () => { alive = false; };
}

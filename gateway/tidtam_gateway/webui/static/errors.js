// @ts-check
// An API error in the user's language: the error's stable `code`, and each field error's
// `code` (crmkit.errors: `missing`, `too_long` with its `params`…), by their text here; a code
// without one keeps the server's message (which the API writes in the Accept-Language asked).

import { ApiError } from "./api.js";
import { bodyField } from "./format.js";
import { addStrings, has, t } from "./i18n.js";
import { errorMessage } from "./ui.js";

addStrings({
  th: {
    "err.code.conflict": "ขัดแย้งกับข้อมูลปัจจุบัน",
    "err.code.not_found": "ไม่พบรายการนี้ หรือคุณไม่มีสิทธิ์เห็น",
    "err.code.forbidden": "คุณไม่มีสิทธิ์ทำรายการนี้",
    "err.code.team_exists": "มีทีมชื่อนี้อยู่แล้ว",
    "err.code.team_not_empty": "ยังมีสมาชิกในทีมนี้ ย้ายสมาชิกออกก่อนจึงจะลบได้",
    "err.code.email_taken": "อีเมลนี้มีผู้ใช้อยู่แล้ว",
    "err.code.self_lockout": "คุณลดสิทธิ์หรือปิดบัญชีของตัวเองไม่ได้ ให้ผู้ดูแลคนอื่นทำ",
    "err.code.limit_reached": "ถึงจำนวนสูงสุดแล้ว",
    "err.code.stage_has_leads": "ขั้นตอนนี้ยังมีลีดอยู่ เลือกขั้นตอนที่จะย้ายลีดไป",
    "err.code.pipeline_has_leads": "ไปป์ไลน์นี้ยังมีลีดอยู่ เลือกที่จะย้ายลีดไป",
    "err.code.last_stage": "ลบขั้นตอนสุดท้ายของไปป์ไลน์ไม่ได้",
    "err.code.standard_pipeline": "ลบไปป์ไลน์มาตรฐานไม่ได้",
    "err.code.already_exists": "มีชื่อนี้อยู่แล้ว",
    "err.code.source_retired": "ช่องทางนี้เลิกใช้แล้ว", "err.code.reason_retired": "เหตุผลนี้เลิกใช้แล้ว",
    "err.code.label_retired": "ป้ายกำกับนี้เลิกใช้แล้ว",
    "err.field.missing": "จำเป็นต้องกรอก", "err.field.blank": "ต้องไม่เว้นว่าง",
    "err.field.too_long": "ยาวเกิน {max_length} ตัวอักษร", "err.field.too_short": "สั้นกว่า {min_length} ตัวอักษร",
    "err.field.string_pattern_mismatch": "รูปแบบไม่ถูกต้อง", "err.field.literal_error": "ค่าที่เลือกไม่ถูกต้อง",
    "err.field.invalid_email": "อีเมลไม่ถูกต้อง", "err.field.invalid_phone": "เบอร์โทรไม่ถูกต้อง",
    "err.field.null_not_allowed": "ต้องมีค่า", "err.field.not_found": "ไม่พบรายการที่อ้างถึง",
    "err.field.already_exists": "ซ้ำกับที่มีอยู่แล้ว", "err.field.unknown_user": "ไม่พบผู้ใช้นี้ หรือปิดการใช้งานแล้ว",
    "err.field.same_user": "เลือกผู้ใช้คนอื่น", "err.field.team_member": "ยังอยู่ในทีม: {name}",
    "err.field.unknown_field": "ช่องนี้ใช้ไม่ได้ที่นี่", "err.field.invalid_option": "ไม่ใช่ตัวเลือกที่มี", "err.field.too_many_items": "มากเกิน {max_length} รายการ",
  },
  en: {
    "err.code.conflict": "This conflicts with the current state",
    "err.code.not_found": "Not found, or not visible to you",
    "err.code.forbidden": "You may not do this",
    "err.code.team_exists": "A team with this name already exists",
    "err.code.team_not_empty": "The team still has members: move them first",
    "err.code.email_taken": "A user with this email already exists",
    "err.code.self_lockout": "You cannot demote or deactivate yourself; ask another admin",
    "err.code.limit_reached": "The limit is reached",
    "err.code.stage_has_leads": "This stage still has leads: choose the stage to move them to",
    "err.code.pipeline_has_leads": "This pipeline still has leads: choose where they go",
    "err.code.last_stage": "A pipeline's last stage cannot be deleted",
    "err.code.standard_pipeline": "The standard pipeline cannot be deleted",
    "err.code.already_exists": "This name is already taken",
    "err.code.source_retired": "This source is retired", "err.code.reason_retired": "This reason is retired",
    "err.code.label_retired": "This label is retired",
    "err.field.missing": "Required", "err.field.blank": "Must not be blank",
    "err.field.too_long": "Longer than {max_length} characters", "err.field.too_short": "Shorter than {min_length} characters",
    "err.field.string_pattern_mismatch": "Not in the right form", "err.field.literal_error": "Not one of the choices",
    "err.field.invalid_email": "Not a valid email address", "err.field.invalid_phone": "Not a valid phone number",
    "err.field.null_not_allowed": "Must have a value", "err.field.not_found": "What it names does not exist",
    "err.field.already_exists": "Already taken", "err.field.unknown_user": "No such active user",
    "err.field.same_user": "Choose another user", "err.field.team_member": "Still in the team: {name}",
    "err.field.unknown_field": "Not taken here", "err.field.invalid_option": "Not one of the options", "err.field.too_many_items": "More than {max_length} items",
  },
});

/**
 * Say an API error in the user's language. Field errors with a known code are translated in
 * place (so ui.showErrors shows them translated); a 422 is said field by field.
 * @param {unknown} err
 * @returns {string}
 */
export function errorText(err) {
  if (!(err instanceof ApiError)) return errorMessage(err);
  for (const fe of err.fields) {
    if (fe && fe.code && has(`err.field.${fe.code}`)) fe.message = t(`err.field.${fe.code}`, fe.params || {});
  }
  if (err.fields.length) return err.fields.map((fe) => `${bodyField(fe.field) || fe.field}: ${fe.message}`).join(" · ");
  if (err.code && has(`err.code.${err.code}`)) return t(`err.code.${err.code}`);
  return errorMessage(err);
}

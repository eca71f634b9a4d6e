// @ts-check
// An API error in the user's language, for every screen: the error's stable `code` by its text
// here, each field error by field-errors.js (its `code` and `params`, plus the set-up screens'
// own codes here); a code without a text (the generic `conflict`, `not_found`, … among them,
// whose server message says more) keeps the server's message.

import { ApiError, NetworkError } from "./api.js";
import { fieldErrorText } from "./field-errors.js";
import { bodyField } from "./format.js";
import { addStrings, has, t } from "./i18n.js";

addStrings({
  th: {
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
    "fe.already_exists": "ซ้ำกับที่มีอยู่แล้ว", "fe.team_member": "ยังอยู่ในทีม: {name}",
    "fe.unknown_field": "ช่องนี้ใช้ไม่ได้ที่นี่", "fe.string_pattern_mismatch": "รูปแบบไม่ถูกต้อง",
    "fe.literal_error": "ไม่ใช่ค่าที่เลือกได้",
  },
  en: {
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
    "fe.already_exists": "Already taken", "fe.team_member": "Still in the team: {name}",
    "fe.unknown_field": "Not taken here", "fe.string_pattern_mismatch": "Not in the right form",
    "fe.literal_error": "Not one of the choices",
  },
});

/**
 * The text for a failed call, without its field errors (showErrors puts those beside their
 * inputs): the error's code in the user's language, else the server's message.
 * @param {unknown} err
 * @returns {string}
 */
export function errorMessage(err) {
  if (err instanceof NetworkError) return t("err.network");
  if (err instanceof ApiError) {
    if (err.code && has(`err.code.${err.code}`)) return t(`err.code.${err.code}`);
    return err.serverMessage || t("err.generic", { status: err.status });
  }
  return String(err && /** @type {any} */ (err).message ? /** @type {any} */ (err).message : err);
}

/**
 * Say an API error in one line: a 422 field by field (field-errors.js), else errorMessage.
 * @param {unknown} err
 * @returns {string}
 */
export function errorText(err) {
  if (err instanceof ApiError && err.fields.length) {
    return err.fields.map((fe) => `${bodyField(fe.field) || fe.field}: ${fieldErrorText(fe)}`).join(" · ");
  }
  return errorMessage(err);
}

// @ts-check
// A field error in the user's language: the API gives each error of `fields[]` a stable `code`
// (and `params` such as {max_length: 200}); a known code is said here in Thai or English,
// any other falls back to the server's message.

import { addStrings, has, t } from "./i18n.js";

addStrings({
  th: {
    "fe.missing": "กรุณากรอกช่องนี้", "fe.blank": "กรุณากรอกช่องนี้ (ห้ามเว้นว่าง)",
    "fe.null_not_allowed": "กรุณากรอกช่องนี้ (ห้ามเว้นว่าง)",
    "fe.too_long": "ยาวเกินไป: ไม่เกิน {max_length} ตัวอักษร",
    "fe.too_short": "สั้นเกินไป: อย่างน้อย {min_length} ตัวอักษร",
    "fe.too_many_items": "มากเกินไป: ไม่เกิน {max_length} รายการ",
    "fe.invalid_email": "อีเมลไม่ถูกต้อง เช่น name@example.co.th",
    "fe.invalid_phone": "เบอร์โทรไม่ถูกต้อง เช่น 081-234-5678 หรือ 02-123-4567",
    "fe.invalid_tax_id": "เลขประจำตัวผู้เสียภาษีไม่ถูกต้อง (ตัวเลข 13 หลัก)",
    "fe.invalid_branch": "รหัสสาขาต้องเป็นตัวเลข 5 หลัก เช่น 00000",
    "fe.invalid_postcode": "รหัสไปรษณีย์ต้องเป็นตัวเลข 5 หลัก",
    "fe.invalid_amount": "จำนวนเงินไม่ถูกต้อง เช่น 150000 หรือ 150000.50",
    "fe.invalid_percent": "เปอร์เซ็นต์ไม่ถูกต้อง (0 ถึง 100)",
    "fe.invalid_text": "ข้อความมีอักขระที่ใช้ไม่ได้",
    "fe.not_a_number": "ต้องเป็นตัวเลข", "fe.not_a_boolean": "ต้องเป็น ใช่ หรือ ไม่ใช่",
    "fe.invalid_date": "วันที่ไม่ถูกต้อง", "fe.buddhist_era_year": "ปีนี้เป็นปี พ.ศ.: กรุณาใช้ปี ค.ศ.",
    "fe.invalid_option": "ไม่มีตัวเลือกนี้ กรุณาเลือกจากรายการ",
    "fe.greater_than_equal": "ต้องไม่น้อยกว่า {ge}", "fe.less_than_equal": "ต้องไม่มากกว่า {le}",
    "fe.unknown_user": "ไม่พบผู้ใช้นี้ หรือผู้ใช้ถูกปิดการใช้งาน", "fe.unknown_owner": "ไม่พบผู้ดูแลคนนี้",
    "fe.unknown_stage": "ไม่พบขั้นตอนนี้", "fe.unknown_pipeline": "ไม่พบไปป์ไลน์นี้",
    "fe.unknown_source": "ไม่พบช่องทางนี้", "fe.unknown_label": "ไม่พบป้ายนี้",
    "fe.unknown_team": "ไม่พบทีมนี้", "fe.unknown_contact": "ไม่พบผู้ติดต่อนี้ในลูกค้ารายนี้",
    "fe.unknown_custom_field": "ไม่มีช่องข้อมูลเพิ่มเติมนี้แล้ว",
    "fe.same_user": "ส่งต่อให้ผู้ดูแลคนเดิมไม่ได้", "fe.not_found": "ไม่พบข้อมูลที่อ้างถึง",
    "fe.invalid_reason": "กรุณาระบุเหตุผล", "fe.stage_of_other_pipeline": "ขั้นตอนนี้อยู่ในไปป์ไลน์อื่น",
  },
  en: {
    "fe.missing": "Please fill this in", "fe.blank": "Please fill this in (it may not be empty)",
    "fe.null_not_allowed": "Please fill this in (it may not be empty)",
    "fe.too_long": "Too long: at most {max_length} characters",
    "fe.too_short": "Too short: at least {min_length} characters",
    "fe.too_many_items": "Too many: at most {max_length}",
    "fe.invalid_email": "Not a valid email, e.g. name@example.co.th",
    "fe.invalid_phone": "Not a valid phone number, e.g. 081-234-5678 or 02-123-4567",
    "fe.invalid_tax_id": "Not a valid tax ID (13 digits)",
    "fe.invalid_branch": "A branch is 5 digits, e.g. 00000",
    "fe.invalid_postcode": "A postcode is 5 digits",
    "fe.invalid_amount": "Not a valid amount, e.g. 150000 or 150000.50",
    "fe.invalid_percent": "Not a valid percentage (0 to 100)",
    "fe.invalid_text": "The text has characters that cannot be used",
    "fe.not_a_number": "Must be a number", "fe.not_a_boolean": "Must be yes or no",
    "fe.invalid_date": "Not a valid date", "fe.buddhist_era_year": "That is a Buddhist Era year: use the Gregorian year",
    "fe.invalid_option": "Not one of the options: pick one from the list",
    "fe.greater_than_equal": "Must be at least {ge}", "fe.less_than_equal": "Must be at most {le}",
    "fe.unknown_user": "No such user, or the user is deactivated", "fe.unknown_owner": "No such owner",
    "fe.unknown_stage": "No such stage", "fe.unknown_pipeline": "No such pipeline",
    "fe.unknown_source": "No such source", "fe.unknown_label": "No such label",
    "fe.unknown_team": "No such team", "fe.unknown_contact": "No such contact of this account",
    "fe.unknown_custom_field": "This custom field no longer exists",
    "fe.same_user": "It is already theirs: pick someone else", "fe.not_found": "What this names does not exist",
    "fe.invalid_reason": "Please give a reason", "fe.stage_of_other_pipeline": "That stage is in another pipeline",
  },
});

/**
 * The text to show for one error of `fields[]`.
 * @param {{message?: string, code?: string, params?: Record<string, any>}} fieldError
 */
export function fieldErrorText(fieldError) {
  const key = `fe.${fieldError.code}`;
  if (fieldError.code && has(key)) return t(key, fieldError.params || {});
  return fieldError.message || "";
}

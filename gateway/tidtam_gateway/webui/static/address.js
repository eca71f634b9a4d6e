// @ts-check
// Accounts' Thai details: the postal address, the branch and the tax ID as people write them.

import { t } from "./i18n.js";

const BANGKOK = /^(กรุงเทพ|กทม|bangkok)/i;

/** Prefix `value` unless it already starts with one of `already` (data may carry its own). */
const prefixed = (value, prefix, already) =>
  (already.some((p) => value.startsWith(p)) ? value : `${prefix}${value}`);

/**
 * {line, subdistrict, district, province, postcode} → "99/1 ถ.พหลโยธิน ต.ช้างเผือก
 * อ.เมืองเชียงใหม่ จ.เชียงใหม่ 50300"; in Bangkok "แขวง … เขต … กรุงเทพมหานคร 10110".
 * The prefixes are part of the Thai postal format, so they stay Thai in the English UI too.
 */
export function formatAddress(address) {
  if (!address) return "";
  const a = Object.fromEntries(Object.entries(address).map(([k, v]) => [k, (v ?? "").trim()]));
  const bkk = BANGKOK.test(a.province || "");
  const parts = [a.line];
  if (a.subdistrict) {
    parts.push(prefixed(a.subdistrict, bkk ? "แขวง" : "ต.", ["ต.", "ตำบล", "แขวง"]));
  }
  if (a.district) parts.push(prefixed(a.district, bkk ? "เขต" : "อ.", ["อ.", "อำเภอ", "เขต"]));
  if (a.province) parts.push(bkk ? a.province : prefixed(a.province, "จ.", ["จ.", "จังหวัด"]));
  parts.push(a.postcode);
  return parts.filter(Boolean).join(" ");
}

/** "0107544000108" → "0-1075-44000-10-8", the grouping on Thai forms. */
export function formatTaxId(taxId) {
  const m = /^(\d)(\d{4})(\d{5})(\d{2})(\d)$/.exec(taxId || "");
  return m ? m.slice(1).join("-") : (taxId || "");
}

/** The branch as a label in the current language ("สำนักงานใหญ่" / "Head office"). */
export function branchText(account) {
  if (!account.branch) return account.branch_label || "";
  return account.branch === "00000" ? t("acc.headOffice")
    : t("acc.branchNo", { n: account.branch });
}

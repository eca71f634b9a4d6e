// @ts-check
// Display formats: Thai phone numbers, baht, and Buddhist-Era (Thai) or Gregorian dates.

import { t } from "./i18n.js";

const LOCALES = { th: "th-TH-u-ca-buddhist", en: "en-GB-u-ca-gregory" };

/** E.164 "+66812345678" → "081-234-5678"; "+6621234567;ext=12" → "02-123-4567 ต่อ 12"
 * ("ext. 12" in English). The API writes an extension as `;ext=` (crmkit.text), and
 * takes this form back. Others unchanged. */
export function formatPhone(phone) {
  if (!phone) return "";
  const [number, ext] = phone.split(";ext=");
  const shown = localPhone(number);
  return ext ? `${shown} ${t("phone.ext")} ${ext}` : shown;
}

function localPhone(phone) {
  const m = /^\+66(\d{8,9})$/.exec(phone);
  if (!m) return phone;
  const local = "0" + m[1];
  if (local.length === 10) return `${local.slice(0, 3)}-${local.slice(3, 6)}-${local.slice(6)}`;
  if (local.startsWith("02")) return `02-${local.slice(2, 5)}-${local.slice(5)}`;
  return `${local.slice(0, 3)}-${local.slice(3, 6)}-${local.slice(6)}`;
}

/** "150000.00" → "฿150,000"; "1234.5" → "฿1,234.50". Empty for null. */
export function formatBaht(value, lang) {
  if (value === null || value === undefined || value === "") return "";
  const n = Number(value);
  if (!Number.isFinite(n)) return String(value);
  const whole = Number.isInteger(n);
  return new Intl.NumberFormat(lang === "en" ? "en-US" : "th-TH", {
    style: "currency", currency: "THB", currencyDisplay: "narrowSymbol",
    minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2,
  }).format(n);
}

function asDate(value) {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** "2025-03-07T…" → "7 มี.ค. 2568" (th) or "7 Mar 2025" (en). */
export function formatDate(value, lang) {
  const d = asDate(value);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang] ?? LOCALES.th,
    { day: "numeric", month: "short", year: "numeric" }).format(d);
}

/** Date and time: "7 มี.ค. 2568 14:05" (th) or "7 Mar 2025, 14:05" (en). */
export function formatDateTime(value, lang) {
  const d = asDate(value);
  if (!d) return "";
  return new Intl.DateTimeFormat(LOCALES[lang] ?? LOCALES.th, {
    day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  }).format(d);
}

/** "body.phone" → "phone"; "body" or other places → null. */
export function bodyField(path) {
  const m = /^body\.([A-Za-z_]\w*)/.exec(path ?? "");
  return m ? m[1] : null;
}

// Thai (default) and English strings, and the remembered language choice.

const STRINGS = {
  th: {
    "skip": "ข้ามไปยังเนื้อหา",
    "lang.other": "English",
    "lang.switch": "Switch to English",
    "logout": "ออกจากระบบ",
    "login.title": "เข้าสู่ระบบ",
    "login.subtitle": "ติดตามลูกค้าทุกรายจนปิดการขายได้",
    "login.email": "อีเมล",
    "login.password": "รหัสผ่าน",
    "login.submit": "เข้าสู่ระบบ",
    "login.busy": "กำลังเข้าสู่ระบบ…",
    "login.failed": "อีเมลหรือรหัสผ่านไม่ถูกต้อง",
    "login.expired": "หมดเวลาการใช้งาน กรุณาเข้าสู่ระบบอีกครั้ง",
    "role.admin": "ผู้ดูแล", "role.manager": "ผู้จัดการ", "role.sales": "ฝ่ายขาย",
    "role.integration": "ระบบเชื่อมต่อ",
    "boxes.title": "กล่องลูกค้า",
    "box.inbox": "กล่องข้อความ", "box.sent": "ส่งต่อแล้ว", "box.lost": "ไม่สำเร็จ", "box.junk": "ขยะ",
    "status.inbox": "กำลังติดตาม", "status.lost": "ไม่สำเร็จ", "status.junk": "ขยะ",
    "search.label": "ค้นหาลูกค้า",
    "search.placeholder": "ค้นหาชื่อ เบอร์ อีเมล บริษัท",
    "search.button": "ค้นหา",
    "list.loading": "กำลังโหลด…",
    "list.empty": "ไม่มีลูกค้าในกล่องนี้",
    "list.noMatch": "ไม่พบลูกค้าที่ตรงกับ “{q}”",
    "list.count": "แสดง {n} รายการ",
    "list.more": "โหลดเพิ่ม",
    "detail.region": "รายละเอียด",
    "detail.placeholder": "เลือกลูกค้าจากรายการเพื่อดูรายละเอียด",
    "detail.close": "ปิด",
    "detail.back": "กลับไปที่รายการ",
    "detail.readOnly": "คุณเห็นลูกค้ารายนี้เพราะคุณเป็นผู้ส่งต่อ จึงดูได้อย่างเดียว",
    "detail.gone": "ดำเนินการแล้ว ลูกค้ารายนี้ไม่อยู่ในมุมมองของคุณอีกต่อไป",
    "field.name": "ชื่อลูกค้า", "field.phone": "เบอร์โทร", "field.email": "อีเมล",
    "field.source": "ช่องทาง", "field.company": "บริษัท", "field.potential": "มูลค่าที่คาดหวัง (บาท)",
    "field.note": "บันทึก", "field.status": "สถานะ", "field.reason": "เหตุผล",
    "field.stage": "ขั้นตอน", "field.owner": "ผู้ดูแล", "field.created": "วันที่สร้าง",
    "field.required": "จำเป็น",
    "owner.me": "ฉัน",
    "source.website": "เว็บไซต์", "source.facebook": "Facebook", "source.line": "LINE",
    "source.email": "อีเมล", "source.phone": "โทรศัพท์", "source.walk_in": "Walk-in (หน้าร้าน)",
    "source.referral": "แนะนำต่อ", "source.other": "อื่น ๆ",
    "new.button": "ลูกค้าใหม่",
    "new.title": "เพิ่มลูกค้าใหม่",
    "new.submit": "บันทึกลูกค้า",
    "new.cancel": "ยกเลิก",
    "new.created": "บันทึกลูกค้า “{name}” แล้ว",
    "new.fixFields": "กรุณาแก้ไขช่องที่มีเครื่องหมายเตือน",
    "dup.title": "อาจมีลูกค้ารายนี้อยู่แล้ว",
    "dup.match.phone": "เบอร์โทรซ้ำ", "dup.match.email": "อีเมลซ้ำ",
    "actions.title": "ดำเนินการ",
    "stage.title": "เปลี่ยนขั้นตอน", "stage.submit": "เปลี่ยนขั้นตอน", "stage.done": "เปลี่ยนขั้นตอนแล้ว",
    "send.title": "ส่งต่อให้ผู้ใช้อื่น", "send.user": "ผู้รับ", "send.userId": "รหัสผู้ใช้ (ID) ของผู้รับ",
    "send.userIdHint": "วางรหัสผู้ใช้ที่ได้รับจากผู้ดูแลระบบ",
    "send.pick": "— เลือกผู้ใช้ —", "send.note": "ข้อความถึงผู้รับ (ไม่บังคับ)",
    "send.submit": "ส่งต่อ", "send.done": "ส่งต่อแล้ว",
    "close.title": "ปิดงานลูกค้า", "close.kind": "ย้ายไปที่",
    "close.lost": "ไม่สำเร็จ", "close.junk": "ขยะ",
    "close.reason": "เหตุผล", "close.reasonHint": "เลือกจากรายการ หรือพิมพ์เหตุผลเอง",
    "close.submit": "ย้าย", "close.done.lost": "ย้ายไปที่ “ไม่สำเร็จ” แล้ว",
    "close.done.junk": "ย้ายไปที่ “ขยะ” แล้ว",
    "restore.title": "นำกลับมาติดตาม", "restore.submit": "นำกลับเข้ากล่องข้อความ",
    "restore.done": "นำกลับเข้ากล่องข้อความแล้ว",
    "log.title": "บันทึกการติดตาม", "log.all": "แสดงประวัติทั้งหมด",
    "log.empty": "ยังไม่มีบันทึกการติดตาม",
    "log.next": "ติดต่อครั้งถัดไป", "log.by": "โดย", "log.unknownAuthor": "ระบบ",
    "log.add": "เพิ่มบันทึกการติดตาม", "log.channel": "ช่องทาง", "log.note": "รายละเอียด",
    "log.nextAt": "นัดติดต่อครั้งถัดไป (ไม่บังคับ)", "log.submit": "บันทึก", "log.done": "บันทึกแล้ว",
    "channel.phone": "โทร", "channel.email": "อีเมล", "channel.line": "LINE",
    "channel.meeting": "นัดพบ", "channel.note": "บันทึกทั่วไป",
    "kind.followup": "ติดตาม", "kind.created": "สร้างลูกค้า", "kind.updated": "แก้ไขข้อมูล",
    "kind.sent": "ส่งต่อ", "kind.lost": "ไม่สำเร็จ", "kind.junked": "ย้ายไปขยะ",
    "kind.restored": "นำกลับมา", "kind.stage_changed": "เปลี่ยนขั้นตอน", "kind.transferred": "โอนย้าย",
    "err.network": "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ กรุณาลองใหม่",
    "err.generic": "เกิดข้อผิดพลาด ({status})",
    "busy": "กำลังดำเนินการ…",
  },
  en: {
    "skip": "Skip to content",
    "lang.other": "ภาษาไทย",
    "lang.switch": "เปลี่ยนเป็นภาษาไทย",
    "logout": "Log out",
    "login.title": "Log in",
    "login.subtitle": "Follow every lead through to the sale",
    "login.email": "Email",
    "login.password": "Password",
    "login.submit": "Log in",
    "login.busy": "Logging in…",
    "login.failed": "Wrong email or password",
    "login.expired": "Your session has ended. Please log in again.",
    "role.admin": "Admin", "role.manager": "Manager", "role.sales": "Sales",
    "role.integration": "Integration",
    "boxes.title": "Lead boxes",
    "box.inbox": "Inbox", "box.sent": "Sent", "box.lost": "Lost", "box.junk": "Junk",
    "status.inbox": "Open", "status.lost": "Lost", "status.junk": "Junk",
    "search.label": "Search leads",
    "search.placeholder": "Search name, phone, email, company",
    "search.button": "Search",
    "list.loading": "Loading…",
    "list.empty": "No leads in this box",
    "list.noMatch": "No leads match “{q}”",
    "list.count": "Showing {n}",
    "list.more": "Load more",
    "detail.region": "Details",
    "detail.placeholder": "Pick a lead from the list to see its details",
    "detail.close": "Close",
    "detail.back": "Back to the list",
    "detail.readOnly": "You see this lead because you sent it on; it is read-only for you.",
    "detail.gone": "Done. This lead is no longer in your view.",
    "field.name": "Name", "field.phone": "Phone", "field.email": "Email",
    "field.source": "Source", "field.company": "Company", "field.potential": "Potential value (THB)",
    "field.note": "Note", "field.status": "Status", "field.reason": "Reason",
    "field.stage": "Stage", "field.owner": "Owner", "field.created": "Created",
    "field.required": "required",
    "owner.me": "Me",
    "source.website": "Website", "source.facebook": "Facebook", "source.line": "LINE",
    "source.email": "Email", "source.phone": "Phone", "source.walk_in": "Walk-in",
    "source.referral": "Referral", "source.other": "Other",
    "new.button": "New lead",
    "new.title": "New lead",
    "new.submit": "Save lead",
    "new.cancel": "Cancel",
    "new.created": "Lead “{name}” saved",
    "new.fixFields": "Please fix the fields marked below",
    "dup.title": "This lead may already exist",
    "dup.match.phone": "same phone", "dup.match.email": "same email",
    "actions.title": "Actions",
    "stage.title": "Change stage", "stage.submit": "Change stage", "stage.done": "Stage changed",
    "send.title": "Send to another user", "send.user": "Recipient", "send.userId": "Recipient's user ID",
    "send.userIdHint": "Paste the user ID your admin gave you",
    "send.pick": "— choose a user —", "send.note": "Note to the recipient (optional)",
    "send.submit": "Send", "send.done": "Lead sent",
    "close.title": "Close the lead", "close.kind": "Move to",
    "close.lost": "Lost", "close.junk": "Junk",
    "close.reason": "Reason", "close.reasonHint": "Pick one from the list or type your own",
    "close.submit": "Move", "close.done.lost": "Moved to Lost", "close.done.junk": "Moved to Junk",
    "restore.title": "Back to follow-up", "restore.submit": "Restore to Inbox",
    "restore.done": "Restored to Inbox",
    "log.title": "Follow-up log", "log.all": "Show full history",
    "log.empty": "No follow-ups yet",
    "log.next": "Next contact", "log.by": "by", "log.unknownAuthor": "System",
    "log.add": "Log a follow-up", "log.channel": "Channel", "log.note": "What happened",
    "log.nextAt": "Next contact (optional)", "log.submit": "Save", "log.done": "Follow-up saved",
    "channel.phone": "Call", "channel.email": "Email", "channel.line": "LINE",
    "channel.meeting": "Meeting", "channel.note": "Note",
    "kind.followup": "Follow-up", "kind.created": "Created", "kind.updated": "Edited",
    "kind.sent": "Sent", "kind.lost": "Lost", "kind.junked": "Junked",
    "kind.restored": "Restored", "kind.stage_changed": "Stage changed", "kind.transferred": "Transferred",
    "err.network": "Cannot reach the server. Please try again.",
    "err.generic": "Something went wrong ({status})",
    "busy": "Working…",
  },
};

const KEY = "tidtam.lang";

function stored() {
  try { return localStorage.getItem(KEY); } catch { return null; }
}

let current = stored() === "en" ? "en" : "th";

export const lang = () => current;

export function setLang(value) {
  current = value === "en" ? "en" : "th";
  try { localStorage.setItem(KEY, current); } catch { /* private mode: not remembered */ }
}

/** The string for `key` in the current language, with `{name}` placeholders filled. */
export function t(key, params = {}) {
  const raw = STRINGS[current][key] ?? STRINGS.th[key] ?? key;
  return raw.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

export const has = (key) => key in STRINGS[current];

/** Re-label the static page: data-i18n (text), -placeholder and -aria-label attributes. */
export function applyStatic(root = document) {
  document.documentElement.lang = current;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  }
  for (const el of root.querySelectorAll("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel));
  }
}

// @ts-check
// The bell in the top bar: the signed-in user's unread notices, live (sse.js), a link to
// #/notifications. Screens may follow the count with onUnread() (the notices list does).
// Its strings include the notification routes' titles (routes.js), needed before the
// screens' modules load.

import { getToken } from "./api.js";
import { h } from "./dom.js";
import { addStrings, t } from "./i18n.js";
import { UnreadFeed } from "./sse.js";

addStrings({
  th: {
    "bell.label": "การแจ้งเตือน", "bell.unread": "การแจ้งเตือน: ยังไม่ได้อ่าน {n} รายการ",
    "bell.polling": "การแจ้งเตือนสดขัดข้อง กำลังตรวจสอบเป็นระยะ",
    "nav.notifications": "การแจ้งเตือน", "nav.notifPrefs": "ตั้งค่าการแจ้งเตือน",
  },
  en: {
    "bell.label": "Notifications", "bell.unread": "Notifications: {n} unread",
    "bell.polling": "Live notifications are interrupted; checking now and then",
    "nav.notifications": "Notifications", "nav.notifPrefs": "Notification settings",
  },
});

/** @type {UnreadFeed | null} */
let feed = null;
let count = 0;
/** @type {"live" | "polling" | "connecting"} */
let mode = "connecting";
/** @type {Set<(count: number) => void>} */
const listeners = new Set();

/** The unread count last heard (0 before the first). */
export const unreadCount = () => count;

/** Call `fn` with every new unread count; returns the unsubscribe.
 * @param {(count: number) => void} fn @returns {() => void} */
export function onUnread(fn) {
  listeners.add(fn);
  return () => { listeners.delete(fn); };
}

/** The bell element, made once and put at the start of the top bar's end (with the
 * notification screens' styles). */
function bellElement() {
  let bell = document.getElementById("bell");
  if (bell) return bell;
  document.head.append(h("link", { rel: "stylesheet", href: "/ui/static/notifications.css" }));
  bell = h("a", { id: "bell", class: "bell", href: "#/notifications" },
    h("span", { class: "bell-icon", "aria-hidden": "true" }),
    h("span", { class: "bell-count", id: "bell-count" }));
  document.querySelector(".topbar-end")?.prepend(bell);
  return bell;
}

/** Draw the count and the bell's label (after a change, or of the language). */
export function renderBell() {
  const bell = bellElement();
  const badge = /** @type {HTMLElement} */ (document.getElementById("bell-count"));
  badge.textContent = count > 99 ? "99+" : count ? String(count) : "";
  badge.hidden = !count;
  bell.dataset.unread = String(count);
  bell.dataset.mode = mode;
  const label = count ? t("bell.unread", { n: count }) : t("bell.label");
  bell.setAttribute("aria-label", label);
  bell.setAttribute("title", mode === "polling" ? `${label} · ${t("bell.polling")}` : label);
}

/** Start following the signed-in user's count (again, after a sign-in). */
export function startBell(/** @type {() => void} */ onUnauthorized) {
  stopBell();
  bellElement().hidden = false;
  count = 0;
  feed = new UnreadFeed({
    token: getToken, onUnauthorized,
    onCount: (n) => {
      count = n;
      renderBell();
      for (const fn of listeners) fn(n);
    },
    onMode: (m) => { mode = m; renderBell(); },
  });
  renderBell();
  feed.start();
}

/** Stop at sign-out; the bell is hidden. */
export function stopBell() {
  feed?.stop();
  feed = null;
  mode = "connecting";
  const bell = document.getElementById("bell");
  if (bell) bell.hidden = true;
}

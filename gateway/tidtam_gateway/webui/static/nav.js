// @ts-check
// The side navigation (tabs on a phone), drawn from routes.js: links by group, each shown only
// to the roles its route allows, the current one marked, and the box counts beside the boxes.

import { $, h } from "./dom.js";
import { addStrings, t } from "./i18n.js";
import { allowed, isCurrent, parseHash, routeOfHref } from "./router.js";
import { NAV, NAV_GROUPS, ROUTES } from "./routes.js";

/** @typedef {import("./types.js").NavLink} NavLink */

// The shell's own strings (the nav, and what app.js says about a route).
addStrings({
  th: {
    "nav.title": "เมนู", "nav.leads": "ลีด", "nav.records": "ข้อมูล", "nav.admin": "ผู้ดูแลระบบ",
    "nav.mine": "ของฉัน", "nav.me": "บัญชีของฉัน",
    "route.forbidden": "หน้านี้สำหรับผู้ดูแลระบบเท่านั้น",
    "route.failed": "เปิดหน้านี้ไม่ได้: {error}",
    "route.home": "กลับไปที่กล่องลีด",
  },
  en: {
    "nav.title": "Menu", "nav.leads": "Leads", "nav.records": "Records", "nav.admin": "Administration",
    "nav.mine": "Mine", "nav.me": "My account",
    "route.forbidden": "This page is for administrators only",
    "route.failed": "This page could not be opened: {error}",
    "route.home": "Back to the lead inbox",
  },
});

/** The links `role` may follow, by group in NAV_GROUPS order (empty groups left out). */
export function visibleNav(/** @type {string | null | undefined} */ role) {
  const shown = NAV.filter((link) => {
    const route = routeOfHref(ROUTES, link.href);
    return route !== null && allowed(route, role);
  });
  return NAV_GROUPS
    .map(([group, heading]) => ({ group, heading, links: shown.filter((l) => l.group === group) }))
    .filter((g) => g.links.length);
}

/** @type {Record<string, number>} */
let counts = {};

/** Draw the nav for `role` into #nav. */
export function renderNav(/** @type {string | null | undefined} */ role) {
  const nav = $("#nav");
  const title = $("#nav-title");
  const groups = visibleNav(role).map(({ group, heading, links }) => {
    const headingId = `nav-${group}`;
    return h("div", { class: `nav-group nav-${group}`, role: "group", "aria-labelledby": headingId },
      h("h3", { class: group === "leads" ? "visually-hidden" : "nav-heading", id: headingId }, t(heading)),
      h("ul", { class: "box-list" }, links.map((link) => h("li", {}, navLink(link)))));
  });
  nav.replaceChildren(title, h("div", { class: "nav-scroll" }, groups));
  markCurrent();
  setCounts(counts);
}

function navLink(/** @type {NavLink} */ link) {
  const box = link.count ? h("span", { class: `box-dot dot-${link.count}`, "aria-hidden": "true" }) : null;
  const a = h("a", { href: link.href, class: link.primary ? "btn btn-primary btn-block nav-new" : "box-btn" },
    link.primary ? h("span", { "aria-hidden": "true", class: "plus" }, "+ ") : null,
    box, h("span", {}, t(link.label)),
    link.count ? h("span", { class: "box-count", "data-count": link.count }) : null);
  if (link.count) a.dataset.box = link.count;
  return a;
}

/** Mark the link of the page shown (aria-current) and scroll it into view on a phone. */
export function markCurrent() {
  const { path, query } = parseHash(location.hash);
  for (const a of /** @type {HTMLAnchorElement[]} */ ([...document.querySelectorAll("#nav a")])) {
    const current = !a.classList.contains("nav-new")
      && isCurrent(a.getAttribute("href") || "", path, query, { box: "inbox" });
    if (current) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

/** Show how many leads each box holds (GET /leads/counts) beside its link. */
export function setCounts(/** @type {Record<string, number>} */ given) {
  counts = given || {};
  for (const el of /** @type {HTMLElement[]} */ ([...document.querySelectorAll("#nav .box-count")])) {
    const n = counts[el.dataset.count || ""];
    el.textContent = n ? n.toLocaleString() : "";
  }
}

// @ts-check
// The route table: every screen's URL, its module (loaded when first opened) and who may open
// it; then the side navigation's links. To add a screen: write static/screens/NAME.js (see
// types.js for its contract), add its route here and, if it has a link, a NAV entry.
// The first route that matches wins: put "/leads/new" before "/leads/:id".

import { SETUP_NAV, SETUP_ROUTES } from "./screens/admin/index.js";
import { ACTIVITY_NAV, ACTIVITY_ROUTES } from "./screens/activities/index.js";
import { DOC_NAV, DOC_ROUTES } from "./screens/documents/index.js";
import { DEAL_NAV, DEAL_ROUTES } from "./screens/deals/index.js";
import { INSIGHT_NAV, INSIGHT_ROUTES } from "./screens/insights/index.js";

/** @typedef {import("./types.js").Route} Route */
/** @typedef {import("./types.js").NavLink} NavLink */

const ADMIN = ["admin"];

/** Where "#/" and an unknown link go. */
export const HOME = "#/leads?box=inbox";

/** @type {Route[]} */
export const ROUTES = [
  { path: "/leads", load: () => import("./screens/leads.js"), title: "nav.leads" },
  { path: "/leads/new", load: () => import("./screens/leads.js"), title: "new.title",
    params: { view: "new" } },
  { path: "/leads/:id", load: () => import("./screens/leads.js"), title: "nav.leads" },
  { path: "/leads/:id/edit", load: () => import("./screens/leads.js"), title: "nav.leads",
    params: { view: "edit" } },
  { path: "/accounts", load: () => import("./screens/accounts.js"), title: "nav.accounts" },
  { path: "/accounts/new", load: () => import("./screens/accounts.js"), title: "acc.new",
    params: { view: "new" } },
  { path: "/accounts/:id", load: () => import("./screens/accounts.js"), title: "nav.accounts" },
  { path: "/me", load: () => import("./screens/me.js"), title: "nav.me" },
  { path: "/notifications", load: () => import("./screens/notifications.js"), title: "nav.notifications" },
  { path: "/notifications/preferences", load: () => import("./screens/notification-prefs.js"),
    title: "nav.notifPrefs" },
  // Excel and CSV imports (screens/imports.js; the export dialog is on the lists: sheets.js)
  { path: "/imports/new", load: () => import("./screens/imports.js"), title: "sheets.import" },
  { path: "/imports/:id", load: () => import("./screens/imports.js"), title: "sheets.import" },
  ...SETUP_ROUTES, // the board, my labels and the admin screens
  ...ACTIVITY_ROUTES, // the calendar, the overdue list, an activity
  ...DOC_ROUTES, // products, the company profile, quotations
  ...DEAL_ROUTES, // deals: the list, the board, a deal, its form
  ...INSIGHT_ROUTES, // the reports, their charts and exports, sales targets
];

/** @type {NavLink[]} */
export const NAV = [
  { group: "leads", href: "#/leads/new", label: "new.button", primary: true },
  { group: "leads", href: "#/leads?box=inbox", label: "box.inbox", count: "inbox" },
  { group: "leads", href: "#/leads?box=sent", label: "box.sent", count: "sent" },
  { group: "leads", href: "#/leads?box=lost", label: "box.lost", count: "lost" },
  { group: "leads", href: "#/leads?box=junk", label: "box.junk", count: "junk" },
  { group: "records", href: "#/accounts", label: "nav.accounts" },
  { group: "me", href: "#/me", label: "nav.me" },
  { group: "me", href: "#/notifications", label: "nav.notifications" },
  { group: "me", href: "#/notifications/preferences", label: "nav.notifPrefs" },
  ...SETUP_NAV,
  ...ACTIVITY_NAV,
  ...DOC_NAV,
  ...DEAL_NAV,
  ...INSIGHT_NAV,
];

/** The nav's groups in order, each with its heading's i18n key. */
export const NAV_GROUPS = [
  ["leads", "boxes.title"], ["deals", "nav.deals"], ["records", "nav.records"], ["admin", "nav.admin"], ["me", "nav.mine"],
];

export { ADMIN };

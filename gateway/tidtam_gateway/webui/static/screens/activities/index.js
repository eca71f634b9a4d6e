// @ts-check
// The activities screens' routes and nav links (routes.js spreads them into its tables), and
// the titles they are shown under, which the shell needs before a screen's module is loaded.

import { addStrings } from "../../i18n.js";

addStrings({
  th: { "nav.calendar": "ปฏิทินของฉัน", "nav.overdue": "กิจกรรมเลยกำหนด", "nav.activity": "กิจกรรม",
        "nav.newActivity": "กิจกรรมใหม่" },
  en: { "nav.calendar": "My calendar", "nav.overdue": "Overdue activities", "nav.activity": "Activity",
        "nav.newActivity": "New activity" },
});

/** @typedef {import("../../types.js").Route} Route */
/** @typedef {import("../../types.js").NavLink} NavLink */

const activity = () => import("./activity.js");

/** @type {Route[]} */
export const ACTIVITY_ROUTES = [
  { path: "/calendar", load: () => import("./calendar.js"), title: "nav.calendar" },
  { path: "/activities/overdue", load: () => import("./overdue.js"), title: "nav.overdue" },
  { path: "/activities/new", load: activity, title: "nav.newActivity", params: { view: "new" } },
  { path: "/activities/:id", load: activity, title: "nav.activity" },
  { path: "/activities/:id/edit", load: activity, title: "nav.activity", params: { view: "edit" } },
];

/** @type {NavLink[]} */
export const ACTIVITY_NAV = [
  { group: "records", href: "#/calendar", label: "nav.calendar" },
  { group: "records", href: "#/activities/overdue", label: "nav.overdue" },
];

// @ts-check
// The insights page's routes and nav link (routes.js spreads them into its tables), and the
// title it is shown under, which the shell needs before the screen's module is loaded.
// "#/insights" is the first report; "#/insights/<report>?from=&to=&team_id=&user_id=
// &pipeline_id=&source=&group_by=" a report with its filters (so Back steps through them).

import { addStrings } from "../../i18n.js";

addStrings({
  th: { "nav.insights": "ข้อมูลเชิงลึก" },
  en: { "nav.insights": "Insights" },
});

/** @typedef {import("../../types.js").Route} Route */
/** @typedef {import("../../types.js").NavLink} NavLink */

const screen = () => import("./insights.js");

/** @type {Route[]} */
export const INSIGHT_ROUTES = [
  { path: "/insights", load: screen, title: "nav.insights" },
  { path: "/insights/:report", load: screen, title: "nav.insights" },
];

/** @type {NavLink[]} */
export const INSIGHT_NAV = [
  { group: "records", href: "#/insights", label: "nav.insights" },
];

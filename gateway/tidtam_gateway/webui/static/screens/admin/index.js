// @ts-check
// The set-up screens' routes and nav links (routes.js spreads them into its tables), and the
// titles they are shown under, which the shell needs before a screen's module is loaded.

import { addStrings } from "../../i18n.js";

addStrings({
  th: {
    "nav.board": "บอร์ดไปป์ไลน์", "nav.labels": "ป้ายกำกับของฉัน", "nav.users": "ผู้ใช้", "nav.teams": "ทีม",
    "nav.settings": "ตั้งค่าการใช้งาน", "nav.pipelines": "ไปป์ไลน์และขั้นตอน", "nav.systemLabels": "ป้ายกำกับของระบบ",
    "nav.catalog": "ช่องทางและเหตุผล", "nav.customFields": "ฟิลด์เพิ่มเติม", "nav.apiKeys": "คีย์ API",
    "nav.webhooks": "เว็บฮุก", "nav.queues": "คิวแจกลีด", "nav.capture": "ฟอร์มรับลีด",
    "nav.channels": "ช่องทางรับลีด (LINE, Facebook, อีเมล)", "nav.privacy": "คำขอของเจ้าของข้อมูล (PDPA)",
  },
  en: {
    "nav.board": "Pipeline board", "nav.labels": "My labels", "nav.users": "Users", "nav.teams": "Teams",
    "nav.settings": "Settings", "nav.pipelines": "Pipelines and stages", "nav.systemLabels": "System labels",
    "nav.catalog": "Sources and reasons", "nav.customFields": "Custom fields", "nav.apiKeys": "API keys",
    "nav.webhooks": "Webhooks", "nav.queues": "Assignment queues", "nav.capture": "Lead forms",
    "nav.channels": "Lead channels (LINE, Facebook, email)", "nav.privacy": "Data-subject requests (PDPA)",
  },
});

/** @typedef {import("../../types.js").Route} Route */
/** @typedef {import("../../types.js").NavLink} NavLink */

const ADMIN = ["admin"];

/** @type {Route[]} */
export const SETUP_ROUTES = [
  { path: "/board", load: () => import("../board.js"), title: "nav.board" },
  { path: "/board/:pipelineId", load: () => import("../board.js"), title: "nav.board" },
  { path: "/labels", load: () => import("../labels.js"), title: "nav.labels" },
  { path: "/admin/users", load: () => import("./users.js"), title: "nav.users", roles: ADMIN },
  { path: "/admin/teams", load: () => import("./teams.js"), title: "nav.teams", roles: ADMIN },
  { path: "/admin/settings", load: () => import("./settings.js"), title: "nav.settings", roles: ADMIN },
  { path: "/admin/pipelines", load: () => import("./pipelines.js"), title: "nav.pipelines", roles: ADMIN },
  { path: "/admin/labels", load: () => import("./labels.js"), title: "nav.systemLabels", roles: ADMIN },
  { path: "/admin/catalog", load: () => import("./catalog.js"), title: "nav.catalog", roles: ADMIN },
  { path: "/admin/custom-fields", load: () => import("./custom-fields.js"), title: "nav.customFields", roles: ADMIN },
  { path: "/admin/api-keys", load: () => import("./api-keys.js"), title: "nav.apiKeys", roles: ADMIN },
  { path: "/admin/webhooks", load: () => import("./webhooks.js"), title: "nav.webhooks", roles: ADMIN },
  { path: "/admin/webhooks/:id", load: () => import("./webhooks.js"), title: "nav.webhooks", roles: ADMIN },
  { path: "/admin/queues", load: () => import("./queues.js"), title: "nav.queues", roles: ADMIN },
  { path: "/admin/capture", load: () => import("./capture.js"), title: "nav.capture", roles: ADMIN },
  { path: "/admin/channels", load: () => import("./channels.js"), title: "nav.channels", roles: ADMIN },
  { path: "/admin/privacy", load: () => import("./privacy.js"), title: "nav.privacy", roles: ADMIN },
  { path: "/admin/privacy/:id", load: () => import("./privacy.js"), title: "nav.privacy", roles: ADMIN },
];

/** @type {NavLink[]} */
export const SETUP_NAV = [
  { group: "leads", href: "#/board", label: "nav.board" },
  ...SETUP_ROUTES.filter((r) => r.roles && !r.path.includes(":")).map((r) => ({ group: "admin", href: `#${r.path}`, label: r.title })),
  { group: "me", href: "#/labels", label: "nav.labels" },
];

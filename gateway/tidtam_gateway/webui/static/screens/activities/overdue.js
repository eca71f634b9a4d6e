// @ts-check
// "#/activities/overdue?user=<id>": planned activities past their due (or end) time, oldest
// first (GET /activities?overdue=true&owner_id=), 50 at a time; each opens to be marked done,
// moved or cancelled. Managers and admins may look at a colleague's.

import { api, asList } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, t } from "../../i18n.js";
import { errorMessage, state, userLabel } from "../../ui.js";
import { activityItem, useCss } from "./parts.js";

addStrings({
  th: { "od.title": "กิจกรรมเลยกำหนด", "od.empty": "ไม่มีกิจกรรมที่เลยกำหนด", "od.count": "{n} รายการ",
        "od.user": "ของ", "od.calendar": "ไปที่ปฏิทิน" },
  en: { "od.title": "Overdue activities", "od.empty": "Nothing is overdue", "od.count": "{n} items",
        "od.user": "Whose", "od.calendar": "Go to the calendar" },
});

/** @typedef {import("../../types.js").Params} Params */
/** @typedef {import("../../types.js").App} App */

const PAGE = 50;

/** @param {HTMLElement} root @param {Params} params @param {App} app */
export function mount(root, params, app) {
  useCss();
  const ui = { seq: 0, cursor: /** @type {string|null} */ (null), n: 0 };
  const heading = h("h1", { tabindex: "-1", id: "od-title" }, t("od.title"));
  const status = h("p", { class: "muted", role: "status", id: "od-status" });
  const list = h("ul", { class: "act-list od-list", id: "od-list", "aria-labelledby": "od-title" });
  const more = h("button", { type: "button", class: "btn", hidden: true }, t("list.more"));
  const owner = params.user || state.me?.id || "";
  let picker = null;
  if (state.me && ["manager", "admin"].includes(state.me.role)) {
    const id = nextId("od-user");
    const select = h("select", { id },
      h("option", { value: "" }, userLabel(state.me.id)),
      (state.users || []).filter((u) => u.active !== false && u.id !== state.me?.id)
        .map((u) => h("option", { value: u.id, selected: u.id === params.user }, u.name)));
    select.value = params.user || "";
    select.addEventListener("change", () => app.navigate(app.href("/activities/overdue", { user: select.value })));
    picker = h("div", { class: "field cal-user" }, h("label", { for: id }, t("od.user")), select);
  }
  root.replaceChildren(h("div", { class: "page od-page" },
    h("div", { class: "list-title-row" }, heading, h("a", { class: "btn", href: "#/calendar" }, t("od.calendar"))),
    picker, status, list, h("div", { class: "list-foot" }, more)));

  async function load(next = false) {
    const seq = ++ui.seq;
    status.textContent = t("list.loading");
    let page;
    try {
      page = await api("/api/v1/activities", { query: { overdue: true, owner_id: owner, limit: PAGE,
                                                          cursor: next ? ui.cursor : undefined } });
    } catch (err) {
      if (seq === ui.seq && err.status !== 401) status.textContent = errorMessage(err);
      return;
    }
    if (seq !== ui.seq) return;
    const items = asList(page);
    if (!next) { list.replaceChildren(); ui.n = 0; }
    list.append(...items.map(activityItem));
    ui.n += items.length;
    ui.cursor = page.next_cursor || null;
    more.hidden = !ui.cursor;
    status.textContent = ui.n ? t("od.count", { n: ui.n }) : t("od.empty");
  }
  more.addEventListener("click", () => load(true));
  load();
  heading.focus();
  return () => { ui.seq++; };
}

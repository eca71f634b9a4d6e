// @ts-check
// "#/insights/<report>?from=&to=&team_id=&user_id=&pipeline_id=&source=&group_by=": the
// reports of GET /api/v1/insights/{report} with their filters (in the link: Back and a
// bookmark bring them back), a chart of each (chart.js) and the table of its figures under it,
// the report as .xlsx (/export, same filters, headers in the UI's language) and, for admins
// on the targets report, the monthly targets editor (targets.js). The figures obey the
// API's visibility (own / team / all); the pickers offer what the caller's role may ask for.

import { api, asList } from "../../api.js";
import { h, nextId } from "../../dom.js";
import { addStrings, lang, t } from "../../i18n.js";
import { download } from "../../sheets.js";
import { SOURCES, errorMessage, sourceLabel, stageName, state, toast } from "../../ui.js";
import { dateField } from "../../when.js";
import { drawChart } from "./chart.js";
import {
  GROUPS, REPORTS, cellText, chartOf, columnLabel, exportHref, fileName, filtersOf, isFigure,
  pageHref, reportOf,
} from "./model.js";
import { targetsEditor } from "./targets.js";

addStrings({
  th: {
    "ins.title": "ข้อมูลเชิงลึก", "ins.reports": "รายงาน", "ins.filters": "ตัวกรอง", "ins.filtersOn": "ตัวกรอง ({n})",
    "ins.f.from": "ตั้งแต่วันที่", "ins.f.to": "ถึงวันที่", "ins.f.team": "ทีม", "ins.f.user": "พนักงานขาย",
    "ins.f.pipeline": "ไปป์ไลน์", "ins.f.source": "ช่องทาง", "ins.f.group": "แยกตาม",
    "ins.f.all": "ทั้งหมด", "ins.f.defaultPipeline": "ไปป์ไลน์หลัก", "ins.f.apply": "แสดงรายงาน",
    "ins.f.reset": "ล้างตัวกรอง", "ins.f.defaultRange": "ไม่ระบุวันที่: 12 เดือนล่าสุด",
    "ins.f.badDate": "วันที่ไม่ครบหรือไม่มีอยู่จริง", "ins.f.order": "วันเริ่มต้องไม่หลังวันสิ้นสุด",
    "ins.g.user": "พนักงานขาย", "ins.g.team": "ทีม", "ins.g.month": "เดือน",
    "ins.range": "{from} – {to} (เวลา {tz})", "ins.loading": "กำลังโหลดรายงาน…",
    "ins.empty": "ไม่มีข้อมูลในช่วงนี้", "ins.xlsx": "ดาวน์โหลด Excel (.xlsx)",
"ins.xlsxFailed": "ดาวน์โหลดไม่สำเร็จ: {why}",
    "ins.total": "รวม", "ins.table": "ตาราง{name}", "ins.unknown": "ไม่มีรายงานชื่อนี้",
    "ins.scope.own": "ตัวเลขของคุณเอง", "ins.scope.team": "ตัวเลขของทีมคุณ", "ins.scope.all": "ตัวเลขของทุกคน",
  },
  en: {
    "ins.title": "Insights", "ins.reports": "Reports", "ins.filters": "Filters", "ins.filtersOn": "Filters ({n})",
    "ins.f.from": "From", "ins.f.to": "To", "ins.f.team": "Team", "ins.f.user": "Salesperson",
    "ins.f.pipeline": "Pipeline", "ins.f.source": "Source", "ins.f.group": "Group by",
    "ins.f.all": "All", "ins.f.defaultPipeline": "The default pipeline", "ins.f.apply": "Show the report",
    "ins.f.reset": "Clear the filters", "ins.f.defaultRange": "No dates: the last 12 months",
    "ins.f.badDate": "The date is incomplete or does not exist", "ins.f.order": "The start may not be after the end",
    "ins.g.user": "Salesperson", "ins.g.team": "Team", "ins.g.month": "Month",
    "ins.range": "{from} – {to} ({tz} time)", "ins.loading": "Loading the report…",
    "ins.empty": "No figures for this period", "ins.xlsx": "Download Excel (.xlsx)",
"ins.xlsxFailed": "The download failed: {why}",
    "ins.total": "Total", "ins.table": "{name} table", "ins.unknown": "There is no report by this name",
    "ins.scope.own": "Your own figures", "ins.scope.team": "Your team's figures", "ins.scope.all": "Everybody's figures",
  },
});

/** @typedef {import("../../types.js").Params} Params */
/** @typedef {import("../../types.js").App} App */
/** @typedef {{report: string, from: string, to: string, time_zone?: string,
 *             columns: import("./model.js").Column[], rows: Record<string, any>[],
 *             totals?: Record<string, any>}} Answer */

/** GET /api/v1/teams is for admins; asked once per page load. @type {Promise<any[]> | null} */
let teamsOnce = null;
const teams = () => {
  teamsOnce ||= api("/api/v1/teams", { query: { limit: 200 } }).then(asList, () => []);
  return teamsOnce;
};

/** What the signed-in user's figures cover: own (sales), team (manager), all (admin). */
const scopeOf = () => ({ admin: "all", manager: "team" })[state.me?.role || ""] || "own";

/** A labelled select: options [[value, text]], the first "" (all). */
function picker(/** @type {string} */ name, /** @type {string} */ label,
                /** @type {[string, string][]} */ options, /** @type {string} */ chosen) {
  const id = nextId(`ins-${name}`);
  const select = h("select", { id, name },
    options.map(([value, text]) => h("option", { value, selected: value === chosen }, text)));
  select.value = options.some(([v]) => v === chosen) ? chosen : "";
  return { wrap: h("div", { class: "field" }, h("label", { for: id }, t(label)), select), select };
}

/** The people a picker offers: a manager's team, everybody for an admin. */
function people() {
  const me = state.me;
  const all = (state.users || []).filter((u) => u.active !== false && u.role !== "integration");
  if (me?.role === "manager") {
    return all.filter((u) => u.id === me.id || (me.team_id && /** @type {any} */ (u).team_id === me.team_id));
  }
  return all;
}

function useCss() {
  if (!document.head || document.querySelector("link[data-css=insights]")) return;
  document.head.append(h("link", { rel: "stylesheet", href: "/ui/static/screens/insights/insights.css",
                                   dataset: { css: "insights" } }));
}

/** @param {HTMLElement} root @param {Params} params @param {App} app */
export function mount(root, params, app) {
  useCss();
  const ui = { seq: 0, stop: () => {} };

  function render(/** @type {Params} */ p) {
    ui.seq++;
    ui.stop();
    const report = reportOf(p.report);
    const filters = report ? filtersOf(p, report) : {};
    const heading = h("h1", { tabindex: "-1", id: "ins-title" }, t("ins.title"));
    const tabs = h("nav", { class: "ins-tabs", "aria-label": t("ins.reports") },
      h("ul", {}, REPORTS.map((r) => h("li", {}, h("a", {
        class: "btn btn-sm", href: pageHref(r, filters), "aria-current": r === report ? "page" : null,
      }, t(`ins.r.${r}`))))));
    if (!report) {
      root.replaceChildren(h("div", { class: "page ins-page" }, heading, tabs,
        h("p", { class: "notice", role: "status" }, t("ins.unknown"))));
      return;
    }
    const section = h("section", { class: "ins-report", "aria-labelledby": "ins-report-title",
                                   dataset: { state: "loading", report } });
    root.replaceChildren(h("div", { class: "page ins-page" },
      h("div", { class: "list-title-row" }, heading, h("span", { class: "muted" }, t(`ins.scope.${scopeOf()}`))),
      tabs, filterForm(report, filters), section));
    load(report, filters, section);
  }

  /** The filters as a form; "Show" follows a link with them (a history entry). */
  function filterForm(/** @type {string} */ report, /** @type {Record<string, string>} */ f) {
    const from = dateField({ name: "from", label: "ins.f.from", value: f.from || null });
    const to = dateField({ name: "to", label: "ins.f.to", value: f.to || null });
    const role = state.me?.role;
    const team = role === "admin" ? picker("team_id", "ins.f.team", [["", t("ins.f.all")]], f.team_id || "") : null;
    if (team) {
      teams().then((list) => {
        team.select.append(...list.map((tm) => h("option", { value: tm.id }, tm.name)));
        team.select.value = f.team_id || "";
      });
    }
    const user = role === "admin" || role === "manager"
      ? picker("user_id", "ins.f.user", [["", t("ins.f.all")], ...people().map((u) => /** @type {[string, string]} */ ([u.id, u.name]))],
               f.user_id || "") : null;
    const pipeline = picker("pipeline_id", "ins.f.pipeline",
      [["", t("ins.f.defaultPipeline")], ...state.pipelines.map((pl) => /** @type {[string, string]} */ ([pl.id, stageName(pl)]))],
      f.pipeline_id || "");
    const source = picker("source", "ins.f.source",
      [["", t("ins.f.all")], ...[...SOURCES, ...state.sources.map((x) => x.key)].map((k) => /** @type {[string, string]} */ ([k, sourceLabel(k)]))],
      f.source || "");
    const group = report === "won" ? picker("group_by", "ins.f.group",
      GROUPS.map((g) => /** @type {[string, string]} */ ([g === "user" ? "" : g, t(`ins.g.${g}`)])), f.group_by || "") : null;
    const error = h("p", { class: "form-error", role: "alert", hidden: true });
    const form = h("form", { class: "ins-filters", "aria-label": t("ins.filters"), novalidate: true },
      h("div", { class: "ins-dates" }, from.wrap, to.wrap),
      h("p", { class: "hint" }, t("ins.f.defaultRange")),
      h("div", { class: "ins-pickers" }, team?.wrap, user?.wrap, pipeline.wrap, source.wrap, group?.wrap),
      error,
      h("div", { class: "form-actions" },
        h("button", { type: "submit", class: "btn btn-primary" }, t("ins.f.apply")),
        h("a", { class: "btn", href: `#/insights/${report}` }, t("ins.f.reset"))));
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const [a, b] = [from.read(), to.read()];
      error.hidden = true;
      if (a === null || b === null) {
        error.textContent = t("ins.f.badDate");
      } else if (a && b && a > b) {
        error.textContent = t("ins.f.order");
      } else {
        app.navigate(pageHref(report, { from: a, to: b, team_id: team?.select.value || "",
          user_id: user?.select.value || "", pipeline_id: pipeline.select.value,
          source: source.select.value, group_by: group?.select.value || "" }));
        return;
      }
      error.hidden = false;
      error.focus();
    });
    error.setAttribute("tabindex", "-1");
    // Open on a wide screen; on a phone folded under its summary (how many are in use), so
    // the chart comes first.
    const used = Object.keys(f).length;
    const wide = typeof matchMedia !== "function" || matchMedia("(min-width: 761px)").matches;
    return h("details", { class: "ins-filter-box", open: wide || null },
      h("summary", {}, used ? t("ins.filtersOn", { n: used }) : t("ins.filters")), form);
  }

  async function load(/** @type {string} */ report, /** @type {Record<string, string>} */ f,
                      /** @type {HTMLElement} */ section) {
    const seq = ui.seq;
    const name = t(`ins.r.${report}`);
    const title = h("h2", { id: "ins-report-title", tabindex: "-1" }, name);
    const status = h("p", { class: "muted", role: "status" }, t("ins.loading"));
    const href = exportHref(report, f);
    const xlsx = h("a", { class: "btn", id: "ins-xlsx", href, download: fileName(report, f),
                          "aria-describedby": "ins-report-title" }, t("ins.xlsx"));
    xlsx.addEventListener("click", (e) => {
      e.preventDefault(); // the API wants the session's token, which a plain link cannot send
      download(href, xlsx.getAttribute("download") || fileName(report, f))
        .catch((err) => toast(t("ins.xlsxFailed", { why: errorMessage(err) }), "error"));
    });
    section.replaceChildren(h("div", { class: "list-title-row" }, title, xlsx),
      h("p", { class: "muted" }, t(`ins.d.${report}`)), status);
    /** @type {Answer} */
    let data;
    try {
      data = await api(`/api/v1/insights/${report}`, { query: f });
    } catch (err) {
      if (seq !== ui.seq) return;
      status.textContent = err.status === 401 ? "" : errorMessage(err);
      section.dataset.state = "error";
      return;
    }
    if (seq !== ui.seq) return;
    xlsx.setAttribute("download", fileName(report, data));
    status.textContent = t("ins.range", { from: day(data.from), to: day(data.to), tz: data.time_zone || "Asia/Bangkok" });
    const rows = data.rows || [];
    if (!rows.length) {
      section.append(h("p", { class: "notice ins-empty" }, t("ins.empty")));
      section.dataset.state = "empty";
    } else {
      const chart = h("figure", { class: "ins-figure" });
      section.append(chart, table(report, data));
      const spec = chartOf(report, data);
      if (spec) ui.stop = drawChart(chart, spec); else chart.remove();
      section.dataset.state = "ok";
    }
    if (report === "targets" && state.me?.role === "admin") {
      section.append(targetsEditor(() => { if (seq === ui.seq) render(current); }));
    }
  }

  /** The figures of an answer as a table (in a box that scrolls sideways on a phone). */
  function table(/** @type {string} */ report, /** @type {Answer} */ data) {
    const columns = data.columns || [];
    const totals = data.totals || {};
    const hasTotals = columns.some((c) => isFigure(c) && totals[c.key] !== undefined && totals[c.key] !== null);
    const cls = (/** @type {import("./model.js").Column} */ c) => (isFigure(c) ? "num" : null);
    const caption = t("ins.table", { name: t(`ins.r.${report}`) });
    return h("div", { class: "ins-table-wrap", tabindex: "0", role: "region", "aria-label": caption },
      h("table", { class: "ins-table" },
        h("caption", { class: "visually-hidden" }, caption),
        h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", class: cls(c) }, columnLabel(c))))),
        h("tbody", {}, (data.rows || []).map((r) => h("tr", {}, columns.map((c, i) => (i === 0
          ? h("th", { scope: "row" }, cellText(c, r))
          : h("td", { class: cls(c) }, cellText(c, r))))))),
        hasTotals ? h("tfoot", {}, h("tr", {}, columns.map((c, i) => (i === 0
          ? h("th", { scope: "row" }, t("ins.total"))
          : h("td", { class: cls(c) }, isFigure(c) ? cellText(c, totals) : ""))))) : null));
  }

  let current = params;
  render(current);
  /** @type {HTMLElement | null} */ (root.querySelector("#ins-title"))?.focus();
  const unmount = () => { ui.seq++; ui.stop(); };
  unmount.update = (/** @type {Params} */ next) => {
    const sameReport = reportOf(next.report) === reportOf(current.report);
    current = next;
    render(next);
    const focus = root.querySelector(sameReport ? "#ins-report-title" : "#ins-title");
    if (focus instanceof HTMLElement) focus.focus();
  };
  return unmount;
}

/** "2026-01-31" → "31 ม.ค. 2569" / "31 Jan 2026" (the day itself, whatever the browser's zone). */
function day(/** @type {string} */ value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
  if (!m) return value || "";
  return new Intl.DateTimeFormat(lang() === "en" ? "en-GB-u-ca-gregory" : "th-TH-u-ca-buddhist",
    { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
}

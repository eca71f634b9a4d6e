// The insights page's logic, run in node (the stand-in DOM of webui_dom.mjs): the filters as
// they go into the link and to the API, the export link, each kind of cell in Thai and
// English, a report's chart (bars or a line, its series), the bars' geometry, the targets
// editor's amounts, and the page drawn from a fake answer (the calls it makes). Prints JSON.
import { El } from "./webui_dom.mjs";

const calls = [];
const answers = {
  "/api/v1/insights/funnel": { report: "funnel", from: "2025-12-08", to: "2026-12-07", time_zone: "Asia/Bangkok",
    columns: [{ key: "source", kind: "source" }, { key: "created", kind: "count" }, { key: "converted", kind: "count" }],
    rows: [{ source: "website", created: 12, converted: 3 }, { source: "line", created: 5, converted: 0 }],
    totals: { created: 17, converted: 3 } },
};
globalThis.fetch = async (url, init) => {
  calls.push({ url, method: init.method });
  const body = answers[url.split("?")[0]] ?? { items: [] };
  return { status: 200, ok: true, headers: { get: () => "application/json" }, json: async () => body };
};
globalThis.document.querySelector = () => null;
globalThis.document.createElementNS = (_ns, tag) => new El(tag);
const model = await import("./screens/insights/model.js");
const { barLayout, niceMax } = await import("./screens/insights/chart.js");
const { amountOf, monthOf, targetAmounts } = await import("./screens/insights/targets.js");
const { setLang } = await import("./i18n.js");
const { ROUTES } = await import("./routes.js");
const { matchRoute } = await import("./router.js");

const filters = {
  clean: model.filtersOf({ from: "2026-01-01", to: "2026-01-31", source: "line", user_id: "u-1", junk: "x" }, "funnel"),
  bad: model.filtersOf({ from: "2026-1-1", to: "yesterday", team_id: "a b", group_by: "month" }, "funnel"),
  won: model.filtersOf({ group_by: "month" }, "won"),
  wonBad: model.filtersOf({ group_by: "year" }, "won"),
};
const hrefs = {
  page: model.pageHref("won", { from: "2026-01-01", group_by: "team", source: "" }),
  other: model.pageHref("lost", { from: "2026-01-01", group_by: "team" }),
  export: model.exportHref("funnel", { from: "2026-01-01", source: "line" }, "en"),
  file: model.fileName("won", { from: "2026-01-01", to: "2026-03-31" }),
  reports: [undefined, "won", "nope"].map(model.reportOf),
  routes: ["/insights", "/insights/won"].map((p) => { const m = matchRoute(ROUTES, p); return m && [m.route.path, m.params]; }),
};
const row = { user: "u1", user_name: "สมชาย", team: "t1", team_name: "ทีมเหนือ", stage: "s1", stage_name: "เสนอราคา",
              source: "website", reason: null, amount: "1234567.50", count: 1234, rate: 33.333, days: 4.25,
              month: "2026-02", none: null };
const kinds = ["user", "team", "stage", "source", "reason", "money", "count", "percent", "days", "month"];
const keyOf = { money: "amount", percent: "rate", count: "count", days: "days" };
const cells = {};
for (const lang of ["th", "en"]) {
  setLang(lang);
  cells[lang] = kinds.map((kind) => model.cellText({ key: keyOf[kind] ?? kind, kind }, row));
  cells[lang].push(model.cellText({ key: "none", kind: "percent" }, row), model.cellText({ key: "none", kind: "money" }, row));
}
setLang("th");
const forecast = model.chartOf("forecast", { columns: [{ key: "month", kind: "month" }, { key: "deals", kind: "count" },
  { key: "amount", kind: "money" }, { key: "weighted", kind: "money" }],
  rows: [{ month: "2026-01", deals: 2, amount: "1000.00", weighted: "500.00" }, { month: "2026-02", deals: 1, amount: "300.00", weighted: "30.00" }] });
const funnel = model.chartOf("funnel", answers["/api/v1/insights/funnel"]);
const targets = model.chartOf("targets", { columns: [{ key: "user", kind: "user" }, { key: "month", kind: "month" },
  { key: "target", kind: "money" }, { key: "won_amount", kind: "money" }, { key: "attainment", kind: "percent" }],
  rows: [{ user: "u1", user_name: "สมชาย", month: "2026-01", target: "100.00", won_amount: "50.00", attainment: 50 }] });
const charts = {
  forecast: { kind: forecast.kind, series: forecast.series.map((s) => [s.label, s.values]), tick: forecast.tick(1500000) },
  funnel: { kind: funnel.kind, categories: funnel.categories, series: funnel.series.map((s) => s.label) },
  targets: { categories: targets.categories, series: targets.series.map((s) => s.text) },
  empty: model.chartOf("lost", { columns: [{ key: "reason", kind: "reason" }], rows: [] }),
};
const layout = barLayout({ kind: "bar", categories: ["a", "b"], label: "",
  series: [{ label: "x", values: [50, 100], text: ["50", "100"] }, { label: "y", values: [0, NaN], text: ["0", ""] }] }, 500);
const geometry = { nice: [0, 7, 10, 11, 180, 2600, 1e6 + 1].map(niceMax), widths: layout.bars.map((b) => b.w), height: layout.height };
const amounts = {
  typed: ["150,000", "1500.5", "฿ 2,000.25", "", "12.345", "-5", "abc", "0"].map(amountOf),
  months: [monthOf(new Date(2026, 0, 15), -1), monthOf(new Date(2026, 11, 31), 1), monthOf(new Date(2026, 11, 31))],
  report: [...targetAmounts({ rows: [{ user: "u1", target: "10.00" }, { user: "u2", target: null }] })],
  list: [...targetAmounts([{ user_id: "u3", amount: "5.00" }])],
};
// The page itself, against the fake: one call, with the link's filters.
const { mount } = await import("./screens/insights/insights.js");
globalThis.ResizeObserver = undefined;
const root = new El("main");
root.querySelector = () => null;
const navigated = [];
mount(root, { report: "funnel", from: "2026-01-01", source: "line" }, { navigate: (h) => navigated.push(h), href: () => "" });
await new Promise((r) => setImmediate(r));
const text = root.all().map((e) => e.textContent);
const page = { calls: calls.slice(), tabs: root.all().filter((e) => e.tagName === "A" && (e.attrs.href || "").startsWith("#/insights/")).map((e) => e.attrs.href),
               xlsx: root.all().find((e) => e.attrs.id === "ins-xlsx")?.attrs.href,
               state: root.all().find((e) => e.tagName === "SECTION")?.dataset.state,
               website: text.includes("เว็บไซต์") };
console.log(JSON.stringify({ filters, hrefs, cells, charts, geometry, amounts, page }));

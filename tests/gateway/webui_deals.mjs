// The deals screens' logic, run in node (the stand-in DOM of webui_dom.mjs): the list's query
// from its link, an edit's PATCH body, typed amounts, the history in words, the deals board's
// sums and refusals, the deal routes, and the account's deals section's call. Prints JSON.
import "./webui_dom.mjs";

const U2 = "00000000-0000-4000-8000-000000000002"; // a colleague (a real UUID: bodies are validated)
const calls = [];
globalThis.fetch = async (url, init) => {
  calls.push({ url, method: init.method });
  return { status: 200, ok: true, headers: { get: () => "application/json" },
           json: async () => ({ items: [], next_cursor: null }) };
};
const { setLang } = await import("./i18n.js");
const { ApiError } = await import("./api.js");
const { setPipelines, state } = await import("./store.js");
const { matchRoute } = await import("./router.js");
const { ROUTES } = await import("./routes.js");
const { columns, refusal } = await import("./screens/board-model.js");
const { listQuery } = await import("./screens/deals/list.js");
const { changedFields } = await import("./screens/deals/form.js");
const { amountText, today } = await import("./screens/deals/dialogs.js");
const { linesTotal, plainLines } = await import("./screens/deals/lines.js");
const { changeLines, kindLabel } = await import("./screens/deals/deal.js");
const { dealsSection } = await import("./screens/deals/related.js");
await import("./screens/deals/board.js");

setPipelines([{ id: "p1", name: "มาตรฐาน", name_en: "Standard", stages: [
  { id: "s1", name: "ติดต่อ", name_en: "Contacted", position: 0 },
  { id: "s2", name: "เสนอราคา", name_en: "Quoted", position: 1 }] }]);
state.me = { id: "u1", name: "สมศรี", role: "sales" };
state.userById = new Map([[U2, { id: U2, name: "มานี" }]]);

const deal = { id: "d1", name: "ดีล ก", account_id: "a1", contact_id: null, owner_id: "u1", pipeline_id: "p1",
  stage_id: "s1", amount: "150000.00", expected_close: null, probability: 20, status: "open",
  lost_reason: null, closed_on: null, lead_id: null, version: 1, created_at: "", updated_at: "", read_only: false };
const patch = changedFields(deal, { name: "ดีล ก", contact_id: null, amount: "150000", probability: 60,
                                    expected_close: "2027-01-31", owner_id: U2 });
const unchanged = changedFields(deal, { name: "ดีล ก", contact_id: null, amount: "150000.0", probability: 20,
                                        expected_close: null, owner_id: "u1" });
// Product lines (issue 16): a summed amount and a stage-default probability show empty, so an
// untouched form sends nothing; changed lines are sent whole, in the API's shape.
const summed = { ...deal, amount: "150000.00", amount_source: "lines", probability: 40, probability_typed: false,
  lines: [{ product_id: null, name: "กล้อง", quantity: "2.000", price: "75000.00", amount: "150000.00" }] };
const linesKept = changedFields(summed, { name: "ดีล ก", contact_id: null, amount: null, probability: null,
  expected_close: null, owner_id: "u1" }, [{ name: "กล้อง", quantity: "2", price: "75000" }]);
const linesChanged = changedFields(summed, { name: "ดีล ก", contact_id: null, amount: null, probability: 55,
  expected_close: null, owner_id: "u1" }, [{ name: "กล้อง", quantity: "2", price: "75000" },
  { product_id: "00000000-0000-4000-8000-0000000000aa", quantity: "1.5" }]);
const total = linesTotal([{ quantity: "3", price: "0.10" }, { quantity: "1", price: "0.20" }, { amount: "10.005", quantity: 1 }]);
const amounts = ["1,500,000.50", " 15000 ", "฿2,000", "", "12.345", "-5", "abc"].map(amountText);
const entries = [
  { id: 1, kind: "created", author_id: "u1", created_at: "", note: null,
    changes: { name: [null, "ดีล ก"], amount: [null, "150000.00"], stage_id: [null, "s1"] } },
  { id: 2, kind: "stage_changed", author_id: U2, created_at: "", note: null,
    changes: { pipeline_id: ["p1", "p1"], stage_id: ["s1", "s2"] } },
  { id: 3, kind: "won", author_id: null, created_at: "", note: null,
    changes: { status: ["open", "won"], closed_on: [null, "2026-12-07"], amount: ["150000.00", "175000.50"] } },
  { id: 4, kind: "updated", author_id: "u1", created_at: "", note: null,
    changes: { owner_id: ["u1", U2], probability: [20, 60], mystery: [1, 2] } },
  { id: 5, kind: "updated", author_id: "u1", created_at: "", note: null,
    changes: { lines: [[], [{ name: "กล้อง", quantity: "2.000" }]], amount_source: ["typed", "lines"],
               probability_typed: [true, false] } },
];
const words = {};
for (const lang of ["th", "en"]) {
  setLang(lang);
  words[lang] = {
    lines: entries.map((e) => changeLines(e)),
    kinds: ["created", "stage_changed", "won", "lost", "reopened", "updated", "weird"].map(kindLabel),
    back: refusal(new ApiError(409, { code: "stage_back_not_allowed", message: "…" }),
                  { back: "deal.refused.back", readOnly: "deal.refused.readOnly", gone: "deal.refused.gone" }),
    won: refusal(new ApiError(409, { code: "already_won", message: "the deal is already won" }),
                 { back: "deal.refused.back", readOnly: "deal.refused.readOnly", gone: "deal.refused.gone" }),
  };
}
const cols = columns(state.pipelines[0].stages, [
  { ...deal, amount: "0.10" }, { ...deal, id: "d2", amount: "0.20" }, { ...deal, id: "d3", stage_id: "s2", amount: null }],
(d) => d.amount).map((c) => [c.stage.id, c.count, c.total]);
const route = (path) => { const m = matchRoute(ROUTES, path); return m ? [m.route.path, m.params] : null; };
const routes = ["/deals", "/deals/new", "/deals/board", "/deals/board/p1", "/deals/d1", "/deals/d1/edit"].map(route);
const queries = [listQuery({ status: "won", owner: U2, pipeline: "p1" }), listQuery({ status: "bogus" }),
                 listQuery({ account: "a1" })];
dealsSection({ account_id: "a1" });
await new Promise((resolve) => setTimeout(resolve));
console.log(JSON.stringify({ patch, unchanged, linesKept, linesChanged, total, amounts, today: today(new Date(2026, 11, 7)), words, cols, routes,
                             queries, calls }));

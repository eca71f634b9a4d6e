// The web UI's logic without a browser: the router (hash parsing, matching, links, roles),
// the nav by role, the store, and what the sales screens send (a lead PATCH, a bulk body, a
// picked Buddhist Era date, custom field values, field errors by code, log badges).
// Run by tests/gateway/test_webui.py from a copy of the static folder; prints JSON.
import { El } from "./webui_dom.mjs";

globalThis.window = globalThis;
const { parseHash, matchRoute, hrefFor, allowed, isCurrent } = await import("./router.js");
const { ROUTES, NAV, HOME } = await import("./routes.js");
const { visibleNav } = await import("./nav.js");
const store = await import("./store.js");
const { setLang, STRINGS } = await import("./i18n.js");
const { leadPatch, leadFormValues } = await import("./lead-edit.js");
const { bulkBody } = await import("./screens/lead-bulk.js");
const { valueOf, partsOf, dateField } = await import("./when.js");
const { customInputs, pickField } = await import("./custom-inputs.js");
const { fieldErrorText } = await import("./field-errors.js");
const { entryBadge } = await import("./detail.js");
const { matching } = await import("./people-picker.js");
const [kinds] = process.argv.slice(2).map((a) => JSON.parse(a));

const match = (hash) => {
  const { path, query } = parseHash(hash);
  const found = matchRoute(ROUTES, path);
  return found && { path: found.route.path, params: { ...query, ...found.route.params, ...found.params } };
};
// An admin-only screen and its link, as ui-admin's routes add them.
ROUTES.push({ path: "/admin/probe", load: async () => ({ mount: () => () => {} }), title: "nav.admin", roles: ["admin"] });
NAV.push({ group: "admin", href: "#/admin/probe", label: "nav.admin" });
const navOf = (role) => visibleNav(role).map((g) => [g.group, g.links.map((l) => l.href)]);

let notified = 0;
store.onChange(() => { notified++; });
store.signIn({ id: "u1", name: "สมชาย", role: "sales" });
const salesIsAdmin = store.hasRole(["admin"]);
const salesAnybody = store.hasRole(undefined);
store.state.labels = [{ id: "x" }];
store.signOut();

setLang("th");
const lead = { id: "l1", name: "คุณ ก", phone: "+66812345678", email: "a@b.co", company: null, source: "line",
               note: null, potential: "150000.00", owner_id: "u1" };
const shown = leadFormValues(lead);
const date = dateField({ name: "d", label: "when.day", value: "2026-03-07" });
store.state.leadFields = [];
const defs = [
  { key: "grade", label_th: "เกรด", label_en: "Grade", type: "select", required: false, position: 1,
    options: [{ value: "A", label_th: "เอ", label_en: "A" }, { value: "B", label_th: "บี", label_en: "B" }] },
  { key: "size", label_th: "ขนาด", label_en: null, type: "number", options: [], required: false, position: 2 },
  { key: "ok", label_th: "ยืนยัน", label_en: null, type: "checkbox", options: [], required: false, position: 3 },
];
const custom = customInputs(defs, { grade: "A", size: 3 });
custom.fields["custom.grade"].input.value = "";
custom.fields["custom.size"].input.value = "1,200";
custom.fields["custom.ok"].input.checked = true;
const badges = {};
for (const language of ["th", "en"]) {
  setLang(language);
  badges[language] = kinds.map((kind) => entryBadge({ kind }));
}
setLang("th");

console.log(JSON.stringify({
  routes: {
    inbox: match("#/leads?box=sent&q=สมชาย"), lead: match("#/leads/3fa85f64-5717?box=inbox"),
    newLead: match("#/leads/new"), account: match("#/accounts/a%201"), me: match("#/me"),
    empty: parseHash(""), unknown: match("#/nope/1"), trailing: match("#/leads/"),
  },
  home: HOME,
  hrefs: [hrefFor("/leads", { box: "sent", q: "" }), hrefFor("/leads/x", { q: "ก ข" })],
  allowed: [allowed({ roles: ["admin"] }, "sales"), allowed({ roles: ["admin"] }, "admin"), allowed({}, "sales"),
            allowed({ roles: ["admin"] }, null)],
  current: [isCurrent("#/leads?box=inbox", "/leads", {}, { box: "inbox" }),
            isCurrent("#/leads?box=inbox", "/leads/l1", { box: "sent" }, { box: "inbox" }),
            isCurrent("#/accounts", "/accounts/a1", {}), isCurrent("#/accounts", "/accountsx", {})],
  nav: { sales: navOf("sales"), admin: navOf("admin") },
  store: { salesIsAdmin, salesAnybody, notified, after: [store.state.me, store.state.labels] },
  patch: {
    unchanged: leadPatch(shown, { ...shown }),
    edited: leadPatch(shown, { ...shown, phone: "089-999-8888", company: "บริษัท ข", potential: "", note: "" }),
    cleared: leadPatch({ ...shown, company: "บริษัท ก", note: "x" }, { ...shown, company: " ", note: "" }),
  },
  shown,
  bulk: [bulkBody("send", ["l1", "l2"], { to_user_id: "u2", note: " ", label_id: "ignored" }),
         bulkBody("lost", "all", { reason: " ราคาสูง " }), bulkBody("add_label", ["l1"], { label_id: "b1" })],
  dates: {
    picked: valueOf({ year: "2026", month: "3", day: "7" }, false),
    noDay: valueOf({ year: "2026", month: "2", day: "31" }, false),
    partial: valueOf({ year: "2026", month: "", day: "7" }, false),
    none: valueOf({ year: "", month: "", day: "" }, false),
    withTime: valueOf({ year: "2026", month: "3", day: "7", time: "14:30" }, true),
    parts: partsOf("2026-03-07"),
    yearShown: date.wrap.all().filter((e) => e.attrs.name === "d.year")[0].all()
      .filter((o) => o.tagName === "OPTION" && o.selected).map((o) => o.textContent),
    read: date.read(),
  },
  custom: { read: custom.read(), changes: custom.changes(),
            picks: ["body.custom.grade", "body.phone", "query.q"].map(pickField) },
  errors: {
    tooLong: fieldErrorText({ code: "too_long", params: { max_length: 200 }, message: "at most 200 characters" }),
    phone: fieldErrorText({ code: "invalid_phone", params: {}, message: "not a Thai phone number" }),
    unknown: fieldErrorText({ code: "some_new_code", message: "the server's words" }),
    none: fieldErrorText({ message: "old server" }),
  },
  badges,
  people: matching([{ id: "1", name: "สมชาย ใจดี" }, { id: "2", name: "Somsri" }, { id: "3", name: "สมชาย เก่า", active: false }], "สมชาย")
    .map((p) => p.id),
  strings: STRINGS.th["box.inbox"],
}));

// What the UI shows, rendered in node against the stand-in DOM (webui_dom.mjs): the string
// tables as the page loads them, an account timeline with an entry of every kind, and a lead's
// detail with its conversion card (whose button is clicked). Prints JSON.
import { El } from "./webui_dom.mjs";

const calls = [];
globalThis.fetch = async (url, init) => {
  calls.push({ url, method: init.method });
  return { status: 202, ok: true, headers: { get: () => "application/json" },
           json: async () => ({ conversion_status: "converting" }) };
};
const { STRINGS, setLang } = await import("./i18n.js");
// Every module but the shell (app.js starts the page): each adds its own strings on import.
for (const name of JSON.parse(process.argv[4])) await import(`./${name}`);
const { timelineSection } = await import("./timeline.js");
const { renderDetail } = await import("./detail.js");
const kinds = JSON.parse(process.argv[2]);
const lead = JSON.parse(process.argv[3]);
const text = (el) => el.all().filter((e) => e.attrs.class === "badge").map((e) => e.textContent);

const badges = {};
for (const lang of ["th", "en"]) {
  setLang(lang);
  const view = { timeline: kinds.map((kind, i) => ({ kind, at: "2025-01-01T00:00:00Z",
    lead_id: `l${i}`, summary: { name: "ลีด" } })), timelineCursor: null };
  badges[lang] = text(timelineSection({ id: "a1" }, view, { openLead() {} }, lang));
}
setLang("th");
const detail = new El("div");
const on = { close() {}, changed() {}, openAccount() {}, reload() {}, openLead() {} };
renderDetail(detail, { lead, entries: [], showAll: false }, on);
const convert = detail.all().find((e) => e.tagName === "BUTTON" && e.textContent === STRINGS.th["convert.button"]);
if (convert) await convert.fire("click");
console.log(JSON.stringify({ tables: STRINGS, badges, convertShown: Boolean(convert), calls }));

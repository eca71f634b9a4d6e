// The activities screens' logic, run in node (the stand-in DOM of webui_dom.mjs): the
// calendar's ranges and day arithmetic, the reminders in words, what a refused check-in says,
// and an account page's panels calling the activities API. Prints JSON.
import { El } from "./webui_dom.mjs";

const calls = [];
globalThis.fetch = async (url, init) => {
  calls.push({ url, method: init.method });
  return { status: 200, ok: true, headers: { get: () => "application/json" },
           json: async () => ({ items: [], next_cursor: null }) };
};
const { rangeOf, addDays, weekStart, isDay } = await import("./screens/activities/calendar.js");
const { reminderText } = await import("./screens/activities/activity.js");
const { activitiesPanel, checkinError } = await import("./screens/activities/parts.js");
const { ApiError } = await import("./api.js");
const { setLang } = await import("./i18n.js");

const ranges = {};
for (const view of ["month", "week", "day", "agenda"]) {
  for (const day of ["2026-12-07", "2027-02-28", "2028-02-29", "2026-03-01"]) ranges[`${view} ${day}`] = rangeOf(view, day);
}
const days = { plus: addDays("2028-02-28", 1), leap: addDays("2027-02-28", 1), back: addDays("2027-01-01", -1),
               monday: weekStart("2026-12-13"), same: weekStart("2026-12-07"),
               valid: ["2026-12-07", "2026-02-30", "2026-12-7", "x", null].map(isDay) };
const words = {};
const refused = {};
const tooFar = new ApiError(422, { code: "validation_error", message: "you are 1,001 m from the place",
  fields: [{ field: "body.position", code: "too_far", params: { distance_m: 1001, max_distance_m: 1000 } }] });
const stale = new ApiError(422, { code: "validation_error", message: "stale",
  fields: [{ field: "body.position.taken_at", code: "position_stale", params: {} }] });
for (const lang of ["th", "en"]) {
  setLang(lang);
  words[lang] = [0, 10, 30, 60, 120, 1440, 2880, 45].map(reminderText);
  refused[lang] = [checkinError(tooFar), checkinError(stale), checkinError({ code: 1 }), checkinError({ code: 3 })];
}
setLang("th");
globalThis.location = { hash: "#/accounts/a1" };
const panel = activitiesPanel({ account_id: "a1" });
const add = panel.all().find((e) => e.tagName === "A");
console.log(JSON.stringify({ ranges, days, words, refused, calls, newHref: add.attrs.href, panel: panel instanceof El }));

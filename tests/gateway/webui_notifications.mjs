// The bell's stream reader (sse.js) and the notification screens, run in node against the
// stand-in DOM (webui_dom.mjs) with fake fetch and a hand-run timer queue: the event-stream
// parser, the back-off, reconnecting, polling while the stream is down and stopping when it is
// back, a 401; the list's calls (paging, unread filter, mark one / all, open), the preferences'
// PUT body. Prints one line of JSON.
import { El } from "./webui_dom.mjs";

// What the screens need beyond webui_dom.mjs: parents (remove, replaceWith), getElementById.
const adopt = (parent, kids) => { for (const k of kids) if (k instanceof El) k.parent = parent; };
const { append, replaceChildren } = El.prototype;
El.prototype.append = function (...c) { adopt(this, c); append.apply(this, c); };
El.prototype.replaceChildren = function (...c) { adopt(this, c); replaceChildren.apply(this, c); };
El.prototype.remove = function () {
  if (this.parent) this.parent.children = this.parent.children.filter((c) => c !== this);
};
El.prototype.replaceWith = function (other) {
  const kids = this.parent.children;
  kids[kids.indexOf(this)] = other;
  other.parent = this.parent;
};
const byId = {};
globalThis.document.getElementById = (id) => (byId[id] ||= new El("div"));
globalThis.sessionStorage = { getItem: () => "tok", setItem() {}, removeItem() {} };
globalThis.localStorage = { getItem: () => null, setItem() {} };
globalThis.confirm = () => true;

const { STRINGS, setLang } = await import("./i18n.js");
const sse = await import("./sse.js");

// ---- the parser and the back-off ----
const whole = "retry: 3000\n\n: keep-alive\n\nevent: unread\ndata: {\"unread\": 4}\n\nevent: unread\r\ndata: {\"unr";
const parsed = sse.parseSse(whole);
const finished = sse.parseSse(parsed.rest + "ead\": 5}\r\n\r\ndata: a\ndata: b\n\n");
const delays = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => sse.backoff(n, 1000, 0));
const jittered = [sse.backoff(0, 3000, 0), sse.backoff(0, 3000, 0.999999)];

// ---- the feed, with a fake fetch and a timer queue run by hand ----
const encoder = new TextEncoder();
const streamOf = (chunks) => ({
  status: 200, ok: true,
  body: { getReader: () => ({ read: async () => (chunks.length
    ? { value: encoder.encode(chunks.shift()), done: false } : { value: undefined, done: true }) }) },
});
const json = (status, body) => ({ status, ok: status < 300, json: async () => body, body: null });

function harness(answers) {
  const log = { counts: [], modes: [], delays: [], fetched: [], unauthorized: 0, cancelled: 0 };
  const timers = [];
  const feed = new sse.UnreadFeed({
    token: () => "tok", random: () => 0,
    onCount: (n) => log.counts.push(n), onMode: (m) => log.modes.push(m),
    onUnauthorized: () => { log.unauthorized += 1; },
    fetch: async (url, init) => {
      log.fetched.push([url, init.headers.Authorization]);
      const next = answers[url].shift();
      if (next === undefined || next === "down") throw new TypeError("failed to fetch");
      return next;
    },
    schedule: (fn, ms) => { log.delays.push(ms); timers.push(fn); return timers.length; },
    cancel: (handle) => { if (handle) { timers[handle - 1] = null; log.cancelled += 1; } },
  });
  const tick = async () => { // run the timers due so far (each may add more), then settle
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
  };
  const runTimer = async () => {
    const i = timers.findIndex((fn) => fn);
    const fn = timers[i]; timers[i] = null;
    fn(); await tick();
  };
  return { feed, log, tick, runTimer, pending: () => timers.filter(Boolean).length };
}

// A stream that sends two counts, ends, and is connected again after the server's retry.
const live = harness({ [sse.STREAM]: [
  streamOf(["retry: 3000\n\nevent: unread\ndata: {\"unread\"", ": 1}\n\n: keep-alive\n\nevent: unread\ndata: {\"unread\": 2}\n\n"]),
  streamOf(["event: unread\ndata: {\"unread\": 3}\n\n"])] });
live.feed.start(); await live.tick();
const afterFirst = { counts: [...live.log.counts], delays: [...live.log.delays] };
await live.runTimer();
live.feed.stop();
const liveLog = { ...live.log, afterFirst };

// A stream that will not connect: back-off, then polling from the third failure, then the
// stream comes back and the polling stops.
const down = harness({
  [sse.STREAM]: ["down", "down", "down", json(502, {}), streamOf(["event: unread\ndata: {\"unread\": 9}\n\n"])],
  [sse.COUNT]: [json(200, { unread: 7 }), json(200, { unread: 8 })] });
down.feed.start(); await down.tick();
await down.runTimer(); // second try
await down.runTimer(); // third try: fails, polling starts (GET unread-count → 7)
const whilePolling = { counts: [...down.log.counts], modes: [...down.log.modes] };
await down.runTimer(); // the poll's next round (→ 8) or the fourth try, in order queued
await down.runTimer();
await down.runTimer(); // the stream is back: 9, live, the poll timer cancelled
const downLog = { ...down.log, whilePolling, pendingAfterLive: down.pending() };
down.feed.stop();

const gone = harness({ [sse.STREAM]: [json(401, { code: "unauthorized" })] });
gone.feed.start(); await gone.tick();
const goneLog = { ...gone.log, pending: gone.pending() };

// ---- the list screen ----
const calls = [];
const notice = (id, read) => ({ id, kind: "lead_sent", title: `ลีด ${id} ส่งถึงคุณ`, link: `#/leads/${id}`,
  count: 1, params: {}, created_at: "2026-03-07T07:05:00Z", updated_at: "2026-03-07T07:05:00Z",
  read_at: read ? "2026-03-07T08:00:00Z" : null });
globalThis.fetch = async (url, init) => {
  const body = init.body ? JSON.parse(init.body) : null;
  calls.push({ url, method: init.method, body, key: Boolean(init.headers["Idempotency-Key"]) });
  let answer = {};
  if (url.startsWith("/api/v1/notifications?")) {
    answer = url.includes("cursor=") ? { items: [notice("n3", true)], next_cursor: null }
      : { items: [notice("n1", false), notice("n2", false)], next_cursor: "c2" };
  } else if (url === "/api/v1/notifications/read") answer = { marked: body.all ? 1 : 1 };
  else if (url === "/api/v1/notification-preferences") {
    answer = { kinds: body?.kinds ? { ...PREFS, ...body.kinds } : PREFS };
  }
  return { status: 200, ok: true, headers: { get: () => "application/json" }, json: async () => answer };
};
const PREFS = { lead_sent: { email: true, in_app: true }, lead_assigned: { email: true, in_app: true },
                leads_transferred: { email: false, in_app: true } };
const screen = await import("./screens/notifications.js");
const prefs = await import("./screens/notification-prefs.js");
await import("./bell.js");
const settle = async () => { for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)); };
const navigated = [];
const app = { navigate: (href) => navigated.push(href) };
const root = new El("main");
setLang("th");
const unmount = screen.mount(root, {}, app);
await settle();
// (textContent reads every child: a null appended as a child, shown "null" by a browser, throws)
const rows = () => root.all().filter((e) => e.tagName === "LI").map((li) => [li.dataset.id, li.attrs.class]);
const rowTexts = () => root.all().filter((e) => e.tagName === "LI").map((li) => li.textContent);
const firstRows = rows();
const buttonNamed = (text) => root.all().find((e) => e.tagName === "BUTTON" && e.textContent === text);
await buttonNamed("แสดงเพิ่มเติม").fire("click"); await settle();
const pagedRows = rows();
const moreHidden = buttonNamed("แสดงเพิ่มเติม").hidden;
await root.all().find((e) => e.attrs["aria-label"] === "อ่านแล้ว: ลีด n2 ส่งถึงคุณ").fire("click"); await settle();
const afterMarkOne = rows();
const shownTexts = rowTexts();
const link = root.all().find((e) => e.tagName === "A" && e.attrs.href === "#/leads/n1");
await link.listeners.click[0]({ preventDefault() {} }); await settle();
await buttonNamed("ทำเครื่องหมายว่าอ่านแล้วทั้งหมด").fire("click"); await settle();
unmount();
const unreadRoot = new El("main");
screen.mount(unreadRoot, { unread: "1" }, app); await settle();
const unreadCurrent = unreadRoot.all().find((e) => e.tagName === "A" && e.attrs["aria-current"] === "page").attrs.href;

// ---- the preferences screen: untick in-app for lead_sent, save ----
const proot = new El("main");
prefs.mount(proot); await settle();
const box = proot.all().find((e) => e.attrs.name === "lead_sent.in_app");
const ticked = box.checked;
box.checked = false;
const form = proot.all().find((e) => e.tagName === "FORM");
await form.fire("submit"); await settle();

console.log(JSON.stringify({
  tables: STRINGS, parsed, finished, delays, jittered,
  live: liveLog, down: downLog, gone: goneLog,
  firstRows, pagedRows, shownTexts, moreHidden, afterMarkOne, navigated, calls, unreadCurrent, ticked,
  prefsRows: proot.all().filter((e) => e.tagName === "TR" && e.dataset.kind).map((e) => e.dataset.kind),
  unchanged: prefs.changedKinds(PREFS, PREFS),
  safe: ["#/leads/3fa85f64-5717-4562-b3fc-2c963f66afa6", "#/leads?box=sent", "javascript:alert(1)",
         "https://evil.example/#/leads/x", "#/leads/x\"><b", ""].map(screen.safeLink),
}));

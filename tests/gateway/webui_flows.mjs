// The account and contact editing flows, run in node against a tiny stand-in for the DOM (just
// enough for h() and the forms) and a fake fetch: which calls the clicks make, with what body.
// Run by tests/gateway/test_webui.py from a copy of the static folder; prints JSON.
import { El } from "./webui_dom.mjs";

const calls = [];
globalThis.fetch = async (url, init) => {
  calls.push({ url, method: init.method, body: init.body ? JSON.parse(init.body) : null });
  if (init.method === "PATCH" && url.endsWith("/a1") && !JSON.parse(init.body).force) {
    const body = { code: "duplicate_tax_id", message: "an account with tax ID … already exists" };
    return { status: 409, ok: false, headers: { get: () => "application/json" }, json: async () => body };
  }
  const status = init.method === "DELETE" ? 204 : 200;
  const body = url.endsWith("/duplicates") ? { items: [] } : { name: "saved" };
  return { status, ok: true, headers: { get: () => "application/json" }, json: async () => body };
};
const { renderAccount, renderMerged } = await import("./account-detail.js");
const account = JSON.parse(process.argv[2]);
const contact = { id: "c1", name: "สมชาย", position: null, phones: ["+66812345678"], emails: ["a@b.co"],
                  line_id: null, is_primary: true };
const events = [];
const on = { close() {}, reload: (m) => events.push(["reload", m]), openLead() {},
  openAccount: (id) => events.push(["open", id]), leadCreated() {}, edited: (a) => events.push(["edited", a.name]) };
const root = new El("div");
const view = { account, contacts: [contact], contactsError: null, timeline: [], timelineCursor: null, timelineError: null };
renderAccount(root, view, on);
const button = (text) => root.all().find((e) => e.tagName === "BUTTON" && e.textContent === text);
// Edit the account: change the name only.
await button("แก้ไข").fire("click");
const form = root.all().find((e) => e.tagName === "FORM");
const byName = (n) => form.all().find((e) => e.attrs.name === n);
const filled = byName("name").value;
byName("name").value = "บริษัท ข จำกัด";
await form.fire("submit"); // 409 duplicate_tax_id: "save anyway" sends it again with force
const taken = root.all().find((e) => e.tagName === "BUTTON" && e.textContent === "บันทึกต่อไป");
await taken.fire("click");
// Back on the detail: edit the contact, then delete it.
renderAccount(root, view, on);
await root.all().find((e) => e.attrs["aria-label"] === "แก้ไขผู้ติดต่อ สมชาย").fire("click");
const cform = root.all().filter((e) => e.tagName === "FORM").find((f) => f.textContent.includes("แก้ไขผู้ติดต่อ"));
cform.all().find((e) => e.attrs.name === "position").value = "ผู้จัดการ";
await cform.fire("submit");
renderAccount(root, view, on);
await root.all().find((e) => e.attrs["aria-label"] === "ลบผู้ติดต่อ สมชาย").fire("click");
const dform = root.all().filter((e) => e.tagName === "FORM").find((f) => f.textContent.includes("ใช่หรือไม่"));
await dform.fire("submit");
const merged = new El("div");
renderMerged(merged, { serverMessage: "this account was merged into 3fa85f64-5717-4562-b3fc-2c963f66afa6" }, on);
await merged.all().find((e) => e.tagName === "BUTTON" && e.attrs.class === "link").fire("click");
console.log(JSON.stringify({ filled, calls, events, takenShown: Boolean(taken) }));

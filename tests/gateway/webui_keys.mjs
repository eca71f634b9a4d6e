// api.js creator(): the Idempotency-Key each POST of one form carries, across a lost answer,
// an error, a success and a changed body. Run by tests/gateway/test_webui.py; prints JSON.
const sent = [];
const answers = ["lost", 422, 201, 201, 201];
globalThis.sessionStorage = { getItem: () => null, setItem() {}, removeItem() {} };
globalThis.fetch = async (url, init) => {
  sent.push({ url, key: init.headers["Idempotency-Key"] || null, body: JSON.parse(init.body) });
  const answer = answers.shift();
  if (answer === "lost") throw new TypeError("Failed to fetch");
  const body = answer === 422 ? { code: "validation_error", message: "bad", fields: [] } : { id: "x" };
  return { status: answer, ok: answer < 300, headers: { get: () => "application/json" }, json: async () => body };
};
const { creator } = await import("./api.js");
const create = creator();
const outcomes = [];
for (const body of [{ n: 1 }, { n: 1 }, { n: 1 }, { n: 1 }, { n: 2 }]) {
  try { await create("/api/v1/leads", body); outcomes.push("ok"); } catch (err) { outcomes.push(err.constructor.name); }
}
console.log(JSON.stringify({ sent, outcomes }));

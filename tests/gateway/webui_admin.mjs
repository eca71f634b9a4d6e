// The admin screens' and the board's logic, run in node (ES modules, the stand-in DOM of
// webui_dom.mjs): the board's columns, sums and refusals in both languages, the pipeline
// reorder, the settings form's controls and PATCH body, the custom field and segment bodies,
// and error codes said in the user's language. Prints one line of JSON.
import "./webui_dom.mjs";

globalThis.localStorage = { getItem: () => null, setItem() {} };
const { STRINGS, setLang } = await import("./i18n.js");
const { ApiError, NetworkError } = await import("./api.js");
await import("./screens/admin/index.js");
const board = await import("./screens/board-model.js");
const pipes = await import("./screens/admin/pipeline-model.js");
await import("./screens/admin/pipelines.js");
const settings = await import("./screens/admin/settings.js");
const cf = await import("./screens/admin/custom-fields.js");
const { errorText } = await import("./errors.js");
const { errorMessage } = await import("./ui.js");  // what the sales screens say
const { savedFilters } = await import("./segments.js");
const { memberNames } = await import("./screens/admin/teams.js");
// Every module of this part, so that the tables below hold all their strings.
for (const m of ["users", "labels", "catalog", "api-keys", "queues", "capture", "channels"]) await import(`./screens/admin/${m}.js`);
const hooks = await import("./screens/admin/webhooks.js");
const { customMatch, customText, queueMatch, queuePatch } = await import("./screens/admin/queue-model.js");
const privacy = await import("./screens/admin/privacy.js");
await import("./screens/board.js");
await import("./screens/labels.js");

const stages = [{ id: "s2", name: "เสนอราคา", name_en: "Quoted", position: 1 },
                { id: "s1", name: "ติดต่อแล้ว", name_en: "Contacted", position: 0 },
                { id: "s3", name: "ปิดการขาย", name_en: "Won", position: 2 }];
const leads = [{ id: "a", name: "ก", stage_id: "s1", potential: "0.10" },
               { id: "b", name: "ข", stage_id: "s1", potential: "0.20" },
               { id: "c", name: "ค", stage_id: "s2", potential: null },
               { id: "d", name: "ง", stage_id: "other-pipeline", potential: "5" }];
const cols = board.columns(stages, leads).map((c) => [c.stage.id, c.count, c.total]);
const movedLeads = board.withStage(leads, "a", "s3");
const refusals = {};
for (const lang of ["th", "en"]) {
  setLang(lang);
  refusals[lang] = {
    back: board.refusal(new ApiError(409, { code: "conflict", message: "the lead was at stage …" })),
    backCode: board.refusal(new ApiError(409, { code: "stage_back_not_allowed", message: "…" })),
    readOnly: board.refusal(new ApiError(403, { code: "forbidden", message: "read only" })),
    network: board.refusal(new NetworkError("down")),
    teamExists: errorText(new ApiError(409, { code: "team_exists", message: "a team with this name already exists" })),
    salesCode: errorMessage(new ApiError(409, { code: "stage_has_leads", message: "3 leads are in it" })),
    genericCode: errorMessage(new ApiError(409, { code: "conflict", message: "the lead is already lost" })),
    unknownCode: errorText(new ApiError(409, { code: "something_new", message: "server says" })),
    fields: errorText(new ApiError(422, { code: "validation_error", message: "…",
      fields: [{ field: "body.name", message: "Field required", code: "missing" },
               { field: "body.note", message: "at most 200", code: "too_long", params: { max_length: 200 } },
               { field: "body.color", message: "String should match pattern", code: "not_a_known_code" }] })),
  };
}
const delivery = { id: "d1", event_id: "e1", event_type: "lead.created", status: "pending", attempts: 2,
  response_code: 503, latency_ms: 41, last_error: "answered 503", next_attempt_at: "2025-03-07T07:05:00Z",
  created_at: "2025-03-07T07:00:00Z" };
const deliveryLines = {};
for (const lang of ["th", "en"]) {
  setLang(lang);
  deliveryLines[lang] = [hooks.deliveryLine(delivery, lang),
    hooks.deliveryLine({ ...delivery, status: "delivered", response_code: 200, next_attempt_at: null, attempts: 1 }, lang)];
}
const PRIVACY_REQUEST = { id: "r1", kind: "export", keys: ["email", "phone"], status: "done",
  created_at: "2025-03-07T07:00:00Z", completed_at: "2025-03-07T07:01:00Z", archive_url: "/api/v1/privacy/requests/r1/archive",
  services: [{ service: "leads", status: "done", found: { leads: 2, history: 5, consents: 0 },
               kept: [{ what: "consents.text", count: 2, reason: "proof of consent" }], answered_at: "2025-03-07T07:00:30Z" },
             { service: "documents", status: "pending", found: {}, kept: [], answered_at: null }] };
const privacyLines = {};
for (const lang of ["th", "en"]) {
  setLang(lang);
  privacyLines[lang] = { request: privacy.requestLine(PRIVACY_REQUEST, lang),
    progress: PRIVACY_REQUEST.services.map((s) => privacy.progressLine(s, lang)),
    nothing: privacy.progressLine({ service: "capture", status: "done", found: { submissions: 0 }, kept: [], answered_at: null }, lang),
    kept: privacy.keptLines(PRIVACY_REQUEST) };
}
/** What requestBody answers: the body, or the error it throws. */
const bodyOrError = (v) => { try { return privacy.requestBody(v); } catch (err) { return { error: err.message }; } };
setLang("th");
const GRADE = { key: "grade", label_th: "เกรด", label_en: "Grade", type: "select", required: true, position: 0,
  options: [{ value: "A", label_th: "A", label_en: "A" }, { value: "B", label_th: "B", label_en: "B" }] };
console.log(JSON.stringify({
  tables: STRINGS,
  cols, movedLeads, refusals,
  targets: board.targets(stages, leads[0]).map((s) => s.id),
  sum: board.sumPotential([{ potential: "150000.00" }, { potential: 1234.5 }, { potential: "" }, { potential: "x" }]),
  reorder: [pipes.moved(["a", "b", "c"], 2, -1), pipes.moved(["a", "b", "c"], 0, -1), pipes.moved(["a", "b", "c"], 0, 1)],
  stageLines: pipes.stageLines(" ติดต่อ \n\nเสนอราคา\nปิดการขาย \n"),
  queueMatches: [queueMatch({ source: "", segment: "" }, []),
    queueMatch({ source: "line", segment: "3f1e8a56-1b0c-4a34-9d7e-0d7b1f0c2a11" },
      ["9b2f6c1e-6a8d-4f0e-8f57-2d6f1c3e4b55"])],
  queuePatches: (() => {
    // As GET /queues gives it (nulls included); the edit's form gives the match without them.
    const q = { id: "q1", name: "ขายส่ง", position: 0, strategy: "round_robin", active: true,
      members: ["4d0c5a43-0a2b-4b59-9a3e-1f7c9a0e2b01", "4d0c5a43-0a2b-4b59-9a3e-1f7c9a0e2b02"],
      match: { source: "line", custom: { grade: "A" }, segment_id: null,
        product_ids: ["9b2f6c1e-6a8d-4f0e-8f57-2d6f1c3e4b55", "9b2f6c1e-6a8d-4f0e-8f57-2d6f1c3e4b66"] } };
    const same = { name: q.name, strategy: q.strategy, members: [...q.members],
      match: queueMatch({ source: "line", segment: "" }, [...q.match.product_ids].reverse(), q.match.custom) };
    return [queuePatch(q, same),
      queuePatch(q, { ...same, name: "ขายปลีก", members: [q.members[1], q.members[0]],
        match: queueMatch({ source: "line", segment: "3f1e8a56-1b0c-4a34-9d7e-0d7b1f0c2a11" }, [], q.match.custom) }),
      queuePatch(q, { ...same, strategy: "least_open" })];
  })(),
  queueCustom: (() => {
    const defs = [GRADE, { key: "interest", label_th: "สนใจ", label_en: "Interests", type: "multi_select",
      required: false, position: 1, options: [{ value: "cctv", label_th: "กล้อง", label_en: "CCTV" },
        { value: "nvr", label_th: "เครื่องบันทึก", label_en: "Recorder" }] },
      { key: "vip", label_th: "ลูกค้าวีไอพี", label_en: "VIP", type: "checkbox", required: false, position: 2, options: [] }];
    // As the server gives it back: not in the fields' order.
    const custom = { vip: true, gone: "z", grade: "A", interest: ["cctv", "nvr"] };
    const texts = {};
    for (const lang of ["th", "en"]) { setLang(lang); texts[lang] = customText(custom, defs); }
    setLang("th");
    return { texts,
      kept: customMatch({ grade: "B", interest: ["nvr"] }, { grade: "A", gone: "z" }, ["grade", "interest", "vip"]),
      cleared: customMatch({}, { grade: "A" }, ["grade"]),
      match: queueMatch({ source: "", segment: "" }, [], customMatch({ grade: "B", vip: true }, null, ["grade", "vip"])) };
  })(),
  percents: [pipes.percent(" 40 "), pipes.percent(""), pipes.percent("100")],
  inferred: settings.settingItems({ lead_visibility: "all", allow_stage_back: true, note: "x" }),
  described: settings.settingItems({ lead_visibility: "own", items: [
    { key: "lead_visibility", value: "own", type: "choice", allowed: ["all", "team", "own"], default: "all", description: "…" },
    { key: "quote_days", value: "30", type: "choice", allowed: ["15", "30"], default: "30", description: "How long a quote is valid" }] }),
  settingsPatch: settings.changedSettings(
    [{ key: "lead_visibility", value: "all" }, { key: "allow_stage_back", value: false }, { key: "account_visibility", value: "team" }],
    { lead_visibility: "own", allow_stage_back: false, account_visibility: "team" }),
  labels: [settings.settingLabel({ key: "quote_days", description: "How long a quote is valid" }),
           settings.settingLabel({ key: "allow_stage_back", description: "…" })],
  fieldSelect: cf.fieldBody({ key: "grade", label_th: "เกรด", label_en: "", type: "select",
                              options: "A\n B \n\nC", required: "1" }),
  fieldText: cf.fieldBody({ key: "line_id", label_th: "ไลน์ไอดี", label_en: "LINE ID", type: "text",
                            options: "ignored", required: "" }),
  patchUnchanged: cf.fieldPatch(GRADE, cf.fieldBody({ key: "grade", label_th: "เกรด", label_en: "Grade",
    type: "select", options: "A\nB", required: "1" })),
  patchEdited: cf.fieldPatch(GRADE, cf.fieldBody({ key: "grade", label_th: "เกรดลูกค้า", label_en: "",
    type: "select", options: "A\nB\nC", required: "" })),
  segment: savedFilters({ box: "inbox", q: "", cursor: "abc", segment: "s1", label_id: "l1", "cf.grade": "A", x: null }),
  hookBody: hooks.hookBody({ url: " https://erp.example.co.th/hook ", events: "lead.*, account.created\nlead.*,,",
                             description: " " }),
  patterns: hooks.eventPatterns(" lead.sent ,\n user.* "),
  deliveryLines,
  privacyLines, privacyPollMs: privacy.POLL_MS,
  privacyBodies: [bodyOrError({ kind: "export", email: " Somchai@Example.co.th ", phone: "", line_id: "" }),
    bodyOrError({ kind: "erase", email: "", phone: "081-234-5678", line_id: "somchai_01" }),
    bodyOrError({ kind: "erase", email: " ", phone: "", line_id: "" })],
  members: memberNames([{ name: "ก", team_id: "t1", active: true }, { name: "ข", team_id: "t1", active: false },
                        { name: "ค", team_id: "t2", active: true }], "t1"),
}));

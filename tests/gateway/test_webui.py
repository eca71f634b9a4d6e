"""The web UI's router on a bare app: the page, its scripts and styles, served as they must be."""

from __future__ import annotations

import json
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tidtam_gateway.webui.router import STATIC_DIR, mount_static, router

pytestmark = pytest.mark.unit


def make_app() -> FastAPI:
    app = FastAPI()
    app.include_router(router)
    mount_static(app)
    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://ui.test") as c:
        yield c


async def test_index_is_bilingual_html(client):
    r = await client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "charset=utf-8" in r.headers["content-type"]
    html = r.text
    assert '<html lang="th">' in html
    for thai in ("ติดตาม", "เข้าสู่ระบบ", "อีเมล", "รหัสผ่าน"):
        assert thai in html
    # The nav and the screens are drawn by the modules (routes.js), into these two.
    assert 'id="nav"' in html and '<main id="main"' in html
    for english in ("Tidtam", "English"):
        assert english in html
    assert '<script type="module" src="/ui/static/app.js"></script>' in html
    assert 'href="/ui/static/app.css"' in html
    # Nothing is fetched from other origins (no CDN, no web fonts).
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp


@pytest.mark.parametrize("name, content_type", [
    ("app.js", "text/javascript"),
    ("i18n.js", "text/javascript"),
    ("app.css", "text/css"),
])
async def test_assets_are_served_with_their_types(client, name, content_type):
    r = await client.get(f"/ui/static/{name}")
    assert r.status_code == 200
    assert r.headers["content-type"] == f"{content_type}; charset=utf-8"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.content == (STATIC_DIR / name).read_bytes()


def module_imports(name: str, source: str) -> list[str]:
    """The modules `name` imports, statically or with import(), as paths under static/."""
    folder = posixpath.dirname(name)
    return [posixpath.normpath(posixpath.join(folder, rel)) for rel in IMPORT.findall(source)]


async def imported_modules(client) -> set[str]:
    """Every module reachable from app.js, each fetched from the server (200 or fail)."""
    seen: set[str] = set()
    todo = ["app.js"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        r = await client.get(f"/ui/static/{name}")
        assert r.status_code == 200, name
        todo += module_imports(name, r.text)
    return seen


async def test_every_module_the_page_imports_is_served(client):
    """Follow app.js's imports (the route table's import() too): a missing module would break
    the page silently. Every module in the folder is reached: none is left behind unused."""
    seen = await imported_modules(client)
    assert {"app.js", "api.js", "detail.js", "newlead.js", "routes.js", "screens/leads.js",
            "screens/accounts.js"} <= seen
    on_disk = {p.relative_to(STATIC_DIR).as_posix() for p in STATIC_DIR.rglob("*.js")}
    assert on_disk - {"types.js"} <= seen, on_disk - seen


async def test_css_uses_the_thai_system_font_stack_and_never_justifies(client):
    css = (await client.get("/ui/static/app.css")).text
    assert '"Sarabun", "Noto Sans Thai", "Leelawadee UI", "Tahoma", sans-serif' in css
    assert "justify;" not in css and "@import" not in css and "url(" not in css


async def test_scripts_never_parse_html(client):
    for path in sorted(STATIC_DIR.rglob("*.js")):
        source = path.read_text(encoding="utf-8")
        for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert unsafe not in source, f"{path.name} uses {unsafe}"


async def test_unknown_asset_is_404_and_ui_stays_out_of_openapi(client):
    assert (await client.get("/ui/static/nope.js")).status_code == 404
    assert (await client.get("/ui/static/../router.py")).status_code == 404
    schema = (await client.get("/openapi.json")).json()
    assert schema["paths"] == {}


# ---- accounts (and the i18n tables every module uses) ----------------------------------------

ACCOUNT_MODULES = ["screens/accounts.js", "account-detail.js", "contacts.js", "timeline.js",
                   "address.js", "newaccount.js", "rdlookup.js", "convert.js", "account-fields.js",
                   "contact-edit.js"]


@pytest.mark.parametrize("name", ACCOUNT_MODULES)
async def test_account_modules_are_served_as_javascript(client, name):
    r = await client.get(f"/ui/static/{name}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert r.content == (STATIC_DIR / name).read_bytes()


async def test_the_page_imports_every_account_module(client):
    assert set(ACCOUNT_MODULES) <= await imported_modules(client)


IMPORT = re.compile(r"""(?:from\s+|import\()["'](\.\.?/[\w./-]+\.js)["']""")
MODULES = sorted(p.relative_to(STATIC_DIR).as_posix() for p in STATIC_DIR.rglob("*.js"))
# Ways a key reaches t(): t("k"), tx("tag", "k"), field({label: "k", hint: "k"}), literal
# maps of keys ("tl.lead_created"), and data-i18n* attributes in the page.
KEY_USES = [
    re.compile(r"""\bt\(\s*"([^"]+)\""""),
    re.compile(r"""\btx\(\s*"\w+",\s*"([^"]+)\""""),
    re.compile(r"""\b(?:label|hint):\s*"([^"]+)\""""),
    re.compile(r"""\bsection\(\s*"([^"]+)\""""),
]
KEY_ATTR = re.compile(r"""data-i18n(?:-placeholder|-aria-label)?="([^"]+)\"""")


NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not on PATH (.ci/run installs it)")
TIMELINE_KINDS = ["lead_created", "lead_stage_changed", "lead_lost", "lead_junked",
                  "lead_restored", "lead_sent", "lead_transferred", "followup", "lead_converted",
                  "activity_created", "activity_completed", "activity_cancelled", "checkin",
                  "quote_sent"]
INBOX_LEAD = {"id": "l1", "name": "คุณ ก", "box": "inbox", "read_only": False,
              "conversion_status": None, "account_id": None, "phone": "+66812345678",
              "email": None, "company": None, "source": "line", "owner_id": "u1",
              "pipeline_id": "p1", "stage_id": "s1", "created_at": "2025-01-01T00:00:00Z",
              "label_ids": [], "custom": {}}


def run_node(folder: Path, script: str, *args: object) -> dict:
    """Run one of this folder's node scripts (*.mjs) beside a copy of the UI's modules, as
    ES modules; its one line of JSON output."""
    shutil.copytree(STATIC_DIR, folder, dirs_exist_ok=True)
    for path in Path(__file__).parent.glob("*.mjs"):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "package.json").write_text('{"type": "module"}')
    node = [NODE, str(folder / script), *(json.dumps(a) for a in args)]
    result = subprocess.run(node, capture_output=True, text=True, timeout=60, cwd=folder)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict:
    """webui_render.mjs: the string tables as the page loads them, an account timeline with
    an entry of each kind (in both languages), and an inbox lead's detail."""
    if NODE is None:
        pytest.skip("node is not on PATH (.ci/run installs it)")
    return run_node(tmp_path_factory.mktemp("render"), "webui_render.mjs", TIMELINE_KINDS,
                    INBOX_LEAD, [m for m in MODULES if m != "app.js"])


@pytest.fixture(scope="module")
def tables(rendered) -> dict[str, dict[str, str]]:
    return rendered["tables"]


def used_keys(source: str, namespaces: set[str]) -> set[str]:
    keys = {k for rx in KEY_USES for k in rx.findall(source)}
    # Any other literal that looks like a key of a known namespace ("tl.lead_lost").
    for literal in re.findall(r'"([a-z]+(?:\.[A-Za-z_]+)+)"', source):
        if literal.split(".")[0] in namespaces:
            keys.add(literal)
    return keys


def test_thai_and_english_tables_have_the_same_keys_and_no_empty_text(tables):
    assert len(tables["th"]) > 150
    assert set(tables["th"]) == set(tables["en"])
    for lang, table in tables.items():
        assert all(text.strip() for text in table.values()), lang
    # Thai text is Thai: the new account strings are not left in English.
    for key in ("nav.accounts", "acc.lookup", "acc.lead.submit", "convert.button", "tl.title"):
        assert re.search("[\u0e00-\u0e7f]", tables["th"][key]), key
        assert not re.search("[\u0e00-\u0e7f]", tables["en"][key]), key
    assert tables["th"]["acc.lookup"] == "ตรวจสอบกับกรมสรรพากร"
    assert tables["en"]["acc.lookup"] == "Look up at the Revenue Department"
    assert tables["th"]["acc.lead.submit"] == "สร้างลีดจากลูกค้ารายนี้"
    assert tables["en"]["convert.button"] == "Convert to account"


@pytest.mark.parametrize("name", [*MODULES, "index.html"])
def test_every_key_a_module_uses_is_in_both_languages(name, tables):
    namespaces = {key.split(".")[0] for key in tables["th"]}
    source = (STATIC_DIR / name).read_text(encoding="utf-8")
    keys = used_keys(source, namespaces) | set(KEY_ATTR.findall(source))
    if name in ACCOUNT_MODULES:
        assert keys, name  # the extraction found the module's keys
    for lang in ("th", "en"):
        missing = sorted(k for k in keys if k not in tables[lang])
        assert not missing, f"{name}: {lang} lacks {missing}"


def test_account_timeline_kinds_each_have_a_label(rendered, tables):
    """Every kind the accounts service documents for its timeline is shown by its label, in
    either language (never as the raw kind or key)."""
    for lang in ("th", "en"):
        assert rendered["badges"][lang] == [tables[lang][f"tl.{k}"] for k in TIMELINE_KINDS]


def test_an_inbox_lead_offers_conversion(rendered):
    assert rendered["convertShown"]
    assert rendered["calls"][-1] == {"url": "/api/v1/leads/l1/convert", "method": "POST"}


@needs_node
@pytest.mark.parametrize("name", MODULES)
def test_node_parses_each_module(name, tmp_path):
    # As an ES module (.mjs): without a package.json, node would read a .js file as CommonJS.
    copy = tmp_path / f"{Path(name).stem}.mjs"
    copy.write_bytes((STATIC_DIR / name).read_bytes())
    result = subprocess.run([shutil.which("node"), "--check", str(copy)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# ---- editing accounts and contacts ------------------------------------------------------------


@pytest.mark.parametrize("name", ACCOUNT_MODULES)
def test_account_modules_stay_small(name):
    lines = (STATIC_DIR / name).read_text(encoding="utf-8").count("\n")
    assert lines <= 250, f"{name} has {lines} lines: split it"


def test_edit_strings_in_thai_and_english(tables):
    assert (tables["th"]["acc.edit"], tables["en"]["acc.edit"]) == ("แก้ไข", "Edit")
    assert (tables["th"]["acc.saveAnyway"], tables["en"]["acc.saveAnyway"]) == (
        "บันทึกต่อไป", "Save anyway")
    for key in ("acc.edit.title", "acc.merged.title", "acc.merged.open", "contact.deleteConfirm"):
        assert "ลูกค้า" in tables["th"][key] or "ผู้ติดต่อ" in tables["th"][key], key
        assert not re.search("[\u0e00-\u0e7f]", tables["en"][key]), key


PROBE = """
import { createBody, duplicateQuery, formValues, patchBody, pick } from "./account-fields.js";
import { contactPatch, contactValues } from "./contact-edit.js";
import { mergedInto } from "./account-detail.js";
import { formatPhone } from "./format.js";
const account = JSON.parse(process.argv[2]);
const shown = formValues(account);
const contact = contactValues({ name: "สมชาย", position: "ผู้จัดการ", phones: ["+66812345678"],
                                emails: [], is_primary: true });
const branchOnly = { ...shown, branch: "00002" };
console.log(JSON.stringify({
  shown,
  unchanged: patchBody(shown, { ...shown }),
  edited: patchBody(shown, { ...shown, name: "บริษัท ข จำกัด", website: "", postcode: "10120",
    phone: `${shown.phone}, 081-234-5678 ต่อ 12`, credit_limit: "200,000", credit_days: "",
    labels: "vip, ส่งออก" }),
  created: createBody({ ...formValues(null), name: "ร้านค้า", branch: "00001",
                        email: "a@shop.co.th, b@shop.co.th", credit_days: "45" }),
  dupBranch: duplicateQuery(patchBody(shown, branchOnly), branchOnly),
  picks: ["body.address.postcode", "body.phones.1", "body.labels.0", "query.tax_id"].map(pick),
  contactUnchanged: contactPatch(contact, { ...contact }),
  contactEdited: contactPatch(contact, { ...contact, position: "", phone: "", is_primary: false }),
  merged: mergedInto("this account was merged into 3fa85f64-5717-4562-b3fc-2c963f66afa6"),
  notMerged: mergedInto("no such account"),
  phoneExt: formatPhone("+6621234567;ext=12"),
}));
"""


@needs_node
def test_form_bodies_are_what_the_accounts_api_takes(tmp_path):
    """Run the form's body builders in node and check their output against the accounts
    service's own request models: only changed fields go in a PATCH, in the API's shapes."""
    schemas = pytest.importorskip("tidtam_accounts.accounts.schemas")
    contact_schemas = pytest.importorskip("tidtam_accounts.contacts.schemas")
    (tmp_path / "probe.mjs").write_text(PROBE, encoding="utf-8")
    account = {"id": "6f1c2a4e-0000-4000-8000-000000000001", "kind": "company",
               "name": "บริษัท ก จำกัด", "name_en": None, "tax_id": "0107544000108",
               "branch": "00000", "address": {"line": "1 ถนนสุขุมวิท", "subdistrict": None,
                                              "district": None, "province": "กรุงเทพมหานคร",
                                              "postcode": "10110"},
               "phones": ["+6621234567"], "emails": ["sales@k.co.th"], "website": "https://k.co.th",
               "line_id": None, "credit_limit": "150000.00", "credit_days": 30, "labels": ["vip"]}
    out = run_node(tmp_path, "probe.mjs", account)

    assert out["shown"]["phone"] == "02-123-4567" and out["shown"]["credit_limit"] == "150000"
    assert out["unchanged"] == {}
    edited = out["edited"]
    assert edited == {
        "name": "บริษัท ข จำกัด", "website": None,
        "address": {"line": "1 ถนนสุขุมวิท", "province": "กรุงเทพมหานคร", "postcode": "10120"},
        "phones": ["02-123-4567", "081-234-5678 ต่อ 12"], "labels": ["vip", "ส่งออก"],
        "credit_limit": "200000", "credit_days": None}
    patch = schemas.AccountPatch.model_validate(edited)
    assert patch.model_fields_set == set(edited)
    assert patch.phones == ["+6621234567", "+66812345678;ext=12"]
    # a phone with an extension is shown in Thai form, and that form is taken back as is
    assert out["phoneExt"] == "02-123-4567 ต่อ 12"
    assert schemas.AccountPatch.model_validate(
        {"phones": [out["phoneExt"]]}).phones == ["+6621234567;ext=12"]
    assert out["created"] == {"kind": "company", "name": "ร้านค้า",
                              "emails": ["a@shop.co.th", "b@shop.co.th"], "credit_days": 45}
    schemas.AccountCreate.model_validate(out["created"])
    # A branch changed alone is asked about as the tax ID + branch it makes.
    assert out["dupBranch"] == {"tax_id": "0107544000108", "branch": "00002"}
    assert out["picks"] == ["postcode", "phone", "labels", "tax_id"]
    assert out["contactUnchanged"] == {}
    assert out["contactEdited"] == {"position": None, "phones": [], "is_primary": False}
    contact_schemas.ContactPatch.model_validate(out["contactEdited"])
    assert out["merged"] == "3fa85f64-5717-4562-b3fc-2c963f66afa6" and out["notMerged"] is None


@needs_node
def test_edit_flows_call_the_api_as_documented(tmp_path):
    """Click through Edit (409 → save anyway), a contact's edit and delete, and the merged
    notice's link, with a stand-in DOM and fetch (tests/gateway/webui_flows.mjs)."""
    account = {"id": "a1", "kind": "company", "name": "บริษัท ก จำกัด", "name_en": None,
               "tax_id": "0107544000108", "branch": "00000", "address": None,
               "phones": ["+6621234567"], "emails": ["x@k.co.th"], "website": None,
               "line_id": None, "credit_limit": None, "credit_days": None,
               "bill_discount": None, "labels": [], "owner_id": "u1",
               "created_at": "2025-01-01T00:00:00Z"}
    out = run_node(tmp_path, "webui_flows.mjs", account)
    assert out["filled"] == "บริษัท ก จำกัด" and out["takenShown"]
    # the account's activities panel, check-ins and deals load themselves (GETs, left aside
    # here); each drawing of the detail reads the account's documents (issue 14's list)
    panels = ("/api/v1/activities", "/api/v1/checkins", "/api/v1/deals")
    documents = ("GET", "/api/v1/accounts/a1/documents?limit=50", None)
    calls = [(c["method"], c["url"], c["body"]) for c in out["calls"]
             if not c["url"].startswith(panels)]
    assert calls.count(documents) == 3
    assert [c for c in calls if c != documents] == [
        ("POST", "/api/v1/accounts/duplicates", {"name": "บริษัท ข จำกัด", "exclude_id": "a1"}),
        ("PATCH", "/api/v1/accounts/a1", {"name": "บริษัท ข จำกัด"}),
        ("PATCH", "/api/v1/accounts/a1", {"name": "บริษัท ข จำกัด", "force": True}),
        ("PATCH", "/api/v1/accounts/a1/contacts/c1", {"position": "ผู้จัดการ"}),
        ("DELETE", "/api/v1/accounts/a1/contacts/c1", None),
    ]
    assert [e[0] for e in out["events"]] == ["edited", "reload", "reload", "open"]
    assert out["events"][-1] == ["open", "3fa85f64-5717-4562-b3fc-2c963f66afa6"]


# ---- the router, the store and the sales screens' logic (tests/gateway/webui_logic.mjs) ------

LOG_KINDS = ["followup", "created", "updated", "sent", "lost", "junked", "restored",
             "stage_changed", "transferred", "conversion_requested", "converted",
             "conversion_failed", "account_merged", "qualified", "disqualified", "assigned",
             "activity_created", "activity_completed", "activity_cancelled", "checkin",
             "quote_sent", "consent_revoked", "consent_granted"]


@pytest.fixture(scope="module")
def logic(tmp_path_factory) -> dict:
    if NODE is None:
        pytest.skip("node is not on PATH (.ci/run installs it)")
    return run_node(tmp_path_factory.mktemp("logic"), "webui_logic.mjs", LOG_KINDS)


def test_routes_match_hash_links_with_their_parameters(logic):
    routes = logic["routes"]
    assert routes["inbox"] == {"path": "/leads", "params": {"box": "sent", "q": "สมชาย"}}
    assert routes["lead"] == {"path": "/leads/:id",
                              "params": {"box": "inbox", "id": "3fa85f64-5717"}}
    assert routes["newLead"] == {"path": "/leads/new", "params": {"view": "new"}}
    assert routes["account"] == {"path": "/accounts/:id", "params": {"id": "a 1"}}
    assert routes["me"] == {"path": "/me", "params": {}}
    assert routes["empty"] == {"path": "/", "query": {}}
    assert routes["unknown"] is None
    assert routes["trailing"]["path"] == "/leads"
    assert logic["home"] == "#/leads?box=inbox"
    assert logic["hrefs"] == ["#/leads?box=sent", "#/leads/x?q=%E0%B8%81+%E0%B8%82"]
    assert logic["current"] == [True, False, True, False]


def test_admin_routes_are_refused_and_hidden_from_other_roles(logic):
    assert logic["allowed"] == [False, True, True, False]
    sales, admin = dict(logic["nav"]["sales"]), dict(logic["nav"]["admin"])
    assert "admin" not in sales and admin["admin"][-1] == "#/admin/probe"
    assert "#/admin/users" in admin["admin"]  # the set-up screens' links (screens/admin)
    assert sales["leads"] == admin["leads"] == [
        "#/leads/new", "#/leads?box=inbox", "#/leads?box=sent", "#/leads?box=lost",
        "#/leads?box=junk", "#/board"]
    assert sales["me"] == ["#/me", "#/notifications", "#/notifications/preferences", "#/labels"]


def test_the_store_tells_its_listeners_and_forgets_on_sign_out(logic):
    assert logic["store"] == {"salesIsAdmin": False, "salesAnybody": True, "notified": 2,
                              "after": [None, []]}


def test_a_lead_edit_sends_only_what_changed_in_the_api_shapes(logic):
    """The PATCH body the edit form builds is what the leads service's LeadPatch takes."""
    schemas = pytest.importorskip("tidtam_leads.leads.schemas")
    patch = logic["patch"]
    assert logic["shown"]["phone"] == "081-234-5678" and logic["shown"]["potential"] == "150000"
    assert patch["unchanged"] == {}
    assert patch["edited"] == {"phone": "089-999-8888", "company": "บริษัท ข", "potential": None}
    assert patch["cleared"] == {"company": None, "note": None}
    parsed = schemas.LeadPatch.model_validate(patch["edited"])
    assert parsed.phone == "+66899998888" and parsed.potential is None


def test_bulk_bodies_are_one_action_with_what_it_needs(logic):
    assert logic["bulk"] == [
        {"action": "send", "lead_ids": ["l1", "l2"], "to_user_id": "u2"},
        {"action": "lost", "all_matching": True, "reason": "ราคาสูง"},
        {"action": "add_label", "lead_ids": ["l1"], "label_id": "b1"}]


def test_the_date_picker_shows_buddhist_era_years_and_sends_gregorian(logic):
    dates = logic["dates"]
    assert dates["picked"] == "2026-03-07" and dates["read"] == "2026-03-07"
    assert dates["yearShown"] == ["2569"]  # Thai: the Buddhist Era year
    assert dates["noDay"] is None and dates["partial"] is None and dates["none"] == ""
    assert dates["withTime"].endswith("Z") and dates["parts"]["year"] == 2026


def test_custom_field_values_for_a_create_and_a_patch(logic):
    custom = logic["custom"]
    assert custom["read"] == {"size": 1200, "ok": True}
    assert custom["changes"] == {"grade": None, "size": 1200, "ok": True}
    assert custom["picks"] == ["custom.grade", "phone", None]


def test_field_errors_are_said_in_the_users_language_by_code(logic):
    assert logic["errors"] == {
        "tooLong": "ยาวเกินไป: ไม่เกิน 200 ตัวอักษร",
        "phone": "เบอร์โทรไม่ถูกต้อง เช่น 081-234-5678 หรือ 02-123-4567",
        "unknown": "the server's words", "none": "old server"}


def test_every_log_kind_the_leads_service_writes_has_a_human_label(logic, tables):
    """The follow-up log never shows a raw key: every kind the leads service documents
    (followups.schemas.Kind) has its own label in both languages."""
    schemas = pytest.importorskip("tidtam_leads.followups.schemas")
    assert sorted(LOG_KINDS) == sorted(schemas.Kind.__args__)
    for language in ("th", "en"):
        badges = logic["badges"][language]
        assert badges == [tables[language][f"kind.{k}"] for k in LOG_KINDS]
        assert len(set(badges)) == len(badges)


def test_people_search_matches_names_of_active_people(logic):
    assert logic["people"] == ["1"]


def test_the_lead_inbox_is_not_called_a_message_box(logic, tables):
    assert logic["strings"] == "กล่องลีด"
    assert not any("กล่องข้อความ" in text for text in tables["th"].values())


@needs_node
def test_a_form_keeps_its_idempotency_key_until_a_submit_succeeds(tmp_path):
    """api.creator(): the same key after a lost answer and after an error answer (neither
    made anything twice: the server replays or runs it once), a new one after a success (the
    same body again is a second record, on purpose) and for a changed body."""
    out = run_node(tmp_path, "webui_keys.mjs")
    assert out["outcomes"] == ["NetworkError", "ApiError", "ok", "ok", "ok"]
    keys = [s["key"] for s in out["sent"]]
    assert all(keys) and keys[0] == keys[1] == keys[2]
    assert len({keys[2], keys[3], keys[4]}) == 3, keys

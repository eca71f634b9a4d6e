"""The web UI's router on a bare app: the page, its scripts and styles, served as they must be."""

from __future__ import annotations

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
    for thai in ("ติดตาม", "เข้าสู่ระบบ", "กล่องข้อความ", "ส่งต่อแล้ว", "ไม่สำเร็จ", "ขยะ"):
        assert thai in html
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


async def test_every_module_the_page_imports_is_served(client):
    """Follow app.js's static imports: a missing module would break the page silently."""
    seen, todo = set(), ["app.js"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        r = await client.get(f"/ui/static/{name}")
        assert r.status_code == 200, name
        todo += re.findall(r"""from\s+["']\./([\w.-]+\.js)["']""", r.text)
    assert {"app.js", "api.js", "detail.js", "newlead.js"} <= seen


async def test_css_uses_the_thai_system_font_stack_and_never_justifies(client):
    css = (await client.get("/ui/static/app.css")).text
    assert '"Sarabun", "Noto Sans Thai", "Leelawadee UI", "Tahoma", sans-serif' in css
    assert "justify;" not in css and "@import" not in css and "url(" not in css


async def test_scripts_never_parse_html(client):
    for path in sorted(STATIC_DIR.glob("*.js")):
        source = path.read_text(encoding="utf-8")
        for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert unsafe not in source, f"{path.name} uses {unsafe}"


async def test_unknown_asset_is_404_and_ui_stays_out_of_openapi(client):
    assert (await client.get("/ui/static/nope.js")).status_code == 404
    assert (await client.get("/ui/static/../router.py")).status_code == 404
    schema = (await client.get("/openapi.json")).json()
    assert schema["paths"] == {}


# ---- accounts (and the i18n tables every module uses) ----------------------------------------

ACCOUNT_MODULES = ["accounts.js", "account-detail.js", "contacts.js", "timeline.js", "address.js",
                   "newaccount.js", "rdlookup.js", "convert.js"]


@pytest.mark.parametrize("name", ACCOUNT_MODULES)
async def test_account_modules_are_served_as_javascript(client, name):
    r = await client.get(f"/ui/static/{name}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert r.content == (STATIC_DIR / name).read_bytes()


async def test_the_page_has_accounts_and_imports_every_account_module(client):
    html = (await client.get("/")).text
    nav = html[html.index('<nav class="boxes"'):html.index("</nav>")]
    assert 'id="accounts-btn"' in nav and 'data-i18n="nav.accounts">ลูกค้า<' in nav
    for element in ('id="accounts-view"', 'id="acc-search-form"', 'id="account-list"',
                    'id="acc-more"', 'id="new-account-btn"'):
        assert element in html
    seen, todo = set(), ["app.js"]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += IMPORT.findall((await client.get(f"/ui/static/{name}")).text)
    assert set(ACCOUNT_MODULES) <= seen
    # The lead detail offers the conversion.
    assert "conversionCard(lead, on)" in (STATIC_DIR / "detail.js").read_text(encoding="utf-8")


IMPORT = re.compile(r"""from\s+["']\./([\w.-]+\.js)["']""")
# Ways a key reaches t(): t("k"), tx("tag", "k"), field({label: "k", hint: "k"}), literal
# maps of keys ("tl.lead_created"), and data-i18n* attributes in the page.
KEY_USES = [
    re.compile(r"""\bt\(\s*"([^"]+)\""""),
    re.compile(r"""\btx\(\s*"\w+",\s*"([^"]+)\""""),
    re.compile(r"""\b(?:label|hint):\s*"([^"]+)\""""),
    re.compile(r"""\bsection\(\s*"([^"]+)\""""),
]
KEY_ATTR = re.compile(r"""data-i18n(?:-placeholder|-aria-label)?="([^"]+)\"""")


def i18n_tables() -> dict[str, dict[str, str]]:
    source = (STATIC_DIR / "i18n.js").read_text(encoding="utf-8")
    th, en = source.split("\n  en: {", 1)
    en = en.split("\n};", 1)[0]
    pair = re.compile(r'"([^"]+)":\s*"((?:[^"\\]|\\.)*)"')
    return {"th": dict(pair.findall(th)), "en": dict(pair.findall(en))}


def used_keys(source: str, namespaces: set[str]) -> set[str]:
    keys = {k for rx in KEY_USES for k in rx.findall(source)}
    # Any other literal that looks like a key of a known namespace ("tl.lead_lost").
    for literal in re.findall(r'"([a-z]+(?:\.[A-Za-z_]+)+)"', source):
        if literal.split(".")[0] in namespaces:
            keys.add(literal)
    return keys


def test_thai_and_english_tables_have_the_same_keys_and_no_empty_text():
    tables = i18n_tables()
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


@pytest.mark.parametrize("name", sorted(p.name for p in STATIC_DIR.glob("*.js")) + ["index.html"])
def test_every_key_a_module_uses_is_in_both_languages(name):
    tables = i18n_tables()
    namespaces = {key.split(".")[0] for key in tables["th"]}
    source = (STATIC_DIR / name).read_text(encoding="utf-8")
    keys = used_keys(source, namespaces) | set(KEY_ATTR.findall(source))
    if name in ACCOUNT_MODULES:
        assert keys, name  # the extraction found the module's keys
    for lang in ("th", "en"):
        missing = sorted(k for k in keys if k not in tables[lang])
        assert not missing, f"{name}: {lang} lacks {missing}"


def test_account_timeline_kinds_each_have_a_label():
    """The kinds the accounts service documents for its timeline are all labelled."""
    source = (STATIC_DIR / "timeline.js").read_text(encoding="utf-8")
    for kind in ("lead_created", "lead_stage_changed", "lead_lost", "lead_junked", "lead_restored",
                 "lead_sent", "lead_transferred", "followup", "lead_converted"):
        assert f'{kind}: "tl.{kind}"' in source, kind


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not on PATH")
@pytest.mark.parametrize("name", sorted(p.name for p in STATIC_DIR.glob("*.js")))
def test_node_parses_each_module(name, tmp_path):
    # As an ES module (.mjs): without a package.json, node would read a .js file as CommonJS.
    copy = tmp_path / f"{Path(name).stem}.mjs"
    copy.write_bytes((STATIC_DIR / name).read_bytes())
    result = subprocess.run([shutil.which("node"), "--check", str(copy)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr

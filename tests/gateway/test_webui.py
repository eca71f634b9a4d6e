"""The web UI's router on a bare app: the page, its scripts and styles, served as they must be."""

from __future__ import annotations

import re

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

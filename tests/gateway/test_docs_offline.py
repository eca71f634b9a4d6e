"""/docs and /redoc work without internet: every asset comes from the gateway itself, under
a CSP that allows scripts from this origin only (Chromium via Playwright; skipped, saying
why, where no Chromium is installed)."""

from __future__ import annotations

import os
import shutil

import pytest

pytestmark = pytest.mark.integration

CHROMIUM = os.environ.get("TIDTAM_CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser")


def test_docs_pages_name_only_assets_of_this_origin(gw):
    for path in ("/docs", "/redoc"):
        r = gw.get(path)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "http" not in csp
        assert "http://" not in r.text and "https://" not in r.text
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js",
                 "swagger-init.js"):
        r = gw.get(f"/docs/assets/{name}")
        assert r.status_code == 200 and len(r.content) > 100, name
    assert gw.get("/docs/assets/../app.py").status_code == 404
    assert gw.get("/docs/assets/nothing.js").json()["code"] == "not_found"


@pytest.mark.parametrize("path,drawn", [("/docs", ".opblock"), ("/redoc", "[data-section-id]")])
def test_docs_render_in_a_browser_loading_nothing_from_elsewhere(gateway, path, drawn):
    if not CHROMIUM:
        pytest.skip("no Chromium here: apt-get install chromium (or set TIDTAM_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            requested: list[str] = []
            answered: list[str] = []
            problems: list[str] = []
            page.on("request", lambda r: requested.append(r.url))
            page.on("response", lambda r: answered.append(r.url))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("console", lambda m: problems.append(m.text)
                    if m.type == "error" or "Content Security Policy" in m.text else None)
            page.goto(gateway.url + path)
            # The operations are drawn from the served OpenAPI document.
            page.wait_for_selector(drawn, timeout=20_000)
            assert "/api/v1/me" in page.content()
        finally:
            browser.close()
    def foreign(urls: list[str]) -> list[str]:
        return [u for u in urls if not u.startswith((gateway.url + "/", "data:", "blob:"))]

    # Nothing from elsewhere was loaded. ReDoc's sidebar names one image on its makers' CDN
    # (unconditionally, in its code): the CSP refuses it, so the page is whole without it.
    assert foreign(answered) == []
    assert set(foreign(requested)) <= {"https://cdn.redoc.ly/redoc/logo-mini.svg"}
    assert any(u.endswith(".js") for u in requested)
    refused = [m for m in problems if "Content Security Policy" in m or "Refused" in m]
    assert all("logo-mini.svg" in m for m in refused), refused

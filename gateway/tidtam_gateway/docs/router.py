"""/docs (Swagger UI) and /redoc (ReDoc) with every asset served from here: the browser
loads nothing from outside the machine, and the pages keep a strict CSP (scripts from this
origin only; ReDoc draws its styles at run time, so its page also allows inline styles).
The assets come from the fastapi-offline package (Swagger UI 5, ReDoc 2), installed from
PyPI with the gateway; the page and the Swagger UI starter are ours."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse

from crmkit.errors import NotFound

from ..webui.router import SECURITY_HEADERS

ASSETS_URL = "/docs/assets"
_PACKAGE = Path(fastapi_offline.__file__).resolve().parent / "static"
_OWN = Path(__file__).resolve().parent
ASSETS = {
    "swagger-ui-bundle.js": _PACKAGE / "swagger-ui-bundle.js",
    "swagger-ui.css": _PACKAGE / "swagger-ui.css",
    "redoc.standalone.js": _PACKAGE / "redoc.standalone.js",
    "favicon.png": _PACKAGE / "favicon.png",
    "swagger-init.js": _OWN / "swagger-init.js",
}
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".png": "image/png"}
_REDOC_CSP = SECURITY_HEADERS["Content-Security-Policy"].replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src 'self' blob:"

router = APIRouter(include_in_schema=False)

_SWAGGER_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tidtam API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="{ASSETS_URL}/favicon.png">
<link rel="stylesheet" href="{ASSETS_URL}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{ASSETS_URL}/swagger-ui-bundle.js"></script>
<script src="{ASSETS_URL}/swagger-init.js"></script></body></html>"""

_REDOC_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tidtam API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="{ASSETS_URL}/favicon.png"></head>
<body><redoc spec-url="/api/v1/openapi.json"></redoc>
<script src="{ASSETS_URL}/redoc.standalone.js"></script></body></html>"""


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return HTMLResponse(_SWAGGER_PAGE, headers=SECURITY_HEADERS)


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return HTMLResponse(_REDOC_PAGE, headers={**SECURITY_HEADERS,
                                              "Content-Security-Policy": _REDOC_CSP})


@router.get("/docs/oauth2-redirect")
async def oauth2_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get(ASSETS_URL + "/{name}")
async def asset(name: str) -> FileResponse:
    path = ASSETS.get(name)
    if path is None:
        raise NotFound("no such documentation asset")
    return FileResponse(path, media_type=_TYPES[path.suffix], headers=SECURITY_HEADERS)

"""Serves the web UI: `GET /` is the single page, `/ui/static/...` its scripts and styles.

Wire it into the gateway app with `app.include_router(router)` and `mount_static(app)`.
Nothing here is part of the public API, so none of it appears in the OpenAPI document.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.staticfiles import PathLike
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_URL = "/ui/static"

# The page loads nothing from other origins; the policy makes an injected script inert even
# if some future code forgets to escape.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Revalidate every load (ETag makes that cheap) so a deploy is seen at once.
    "Cache-Control": "no-cache",
}

# Explicit types with a charset: the system's mime table varies between hosts, module
# scripts need a JavaScript type, and the files contain Thai.
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}

router = APIRouter(include_in_schema=False)


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(STATIC_DIR / "index.html", headers=SECURITY_HEADERS,
                        media_type=CONTENT_TYPES[".html"])


class _UiStatic(StaticFiles):
    def file_response(self, full_path: PathLike, stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        content_type = CONTENT_TYPES.get(Path(full_path).suffix)
        if content_type:
            response.headers["content-type"] = content_type
        response.headers.update(SECURITY_HEADERS)
        return response


def mount_static(app: FastAPI) -> None:
    """Serve the UI's files at /ui/static (a mount never appears in the OpenAPI document)."""
    app.mount(STATIC_URL, _UiStatic(directory=STATIC_DIR), name="webui-static")

"""The HTTP edge every service shares: body limit, correlation id, metrics, error handlers,
health endpoints and an OpenAPI document whose every operation lists its error responses."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import asyncpg
import orjson
import sqlalchemy.exc
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import BaseRoute, Match, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Lifespan, Message, Receive, Scope, Send

from . import logging as klog
from . import routing as _routing  # noqa: F401  (registers the `:id` path convertor)
from .errors import AppError, ErrorBody, FieldError, PayloadTooLarge
from .metrics import REQUESTS

log = logging.getLogger("crmkit.web")

MAX_BODY = 1024 * 1024
# Paths that take a file upload (crmkit.sheets), and how large it may be: a multipart body
# spooled to disk, never parsed as JSON.
MAX_UPLOAD = 50 * 1024 * 1024
UPLOAD_PATHS = frozenset({"/api/v1/imports"})
CORRELATION_HEADER = "X-Correlation-ID"
_CORRELATION_KEY = CORRELATION_HEADER.lower().encode()
_CORRELATION_NAME = CORRELATION_HEADER.encode()


def error_response(status: int, code: str, message: str,
                   fields: list[FieldError] | None = None,
                   headers: Mapping[str, str] | None = None) -> Response:
    body = ErrorBody(code=code, message=message, fields=fields or []).model_dump()
    return Response(orjson.dumps(body), status_code=status, media_type="application/json",
                    headers=headers)


class EdgeMiddleware:
    """Pure ASGI: enforces the body limit while streaming, sets the correlation id, times
    the request by route template."""

    def __init__(self, app: ASGIApp, service: str, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.service = service
        self.max_body = max_body

    def _too_large_message(self, limit: int) -> str:
        return f"request body exceeds {limit} bytes; send less"

    def _too_large(self, limit: int) -> Response:
        return error_response(413, PayloadTooLarge.code, self._too_large_message(limit))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        # One pass over the headers (this runs on every request; no dict of them all). The
        # last of a repeated header counts, as it did in that dict.
        cid_raw = length = None
        for name, value in scope.get("headers") or ():
            if name == _CORRELATION_KEY:
                cid_raw = value
            elif name == b"content-length":
                length = value
        max_body = MAX_UPLOAD if scope.get("path") in UPLOAD_PATHS else self.max_body
        cid = (cid_raw or b"").decode("latin-1")[:100] or str(uuid.uuid4())
        cid_header = (_CORRELATION_NAME, cid.encode("latin-1"))
        token = klog.correlation_id.set(cid)
        start = time.perf_counter()
        status = 500
        started = False
        try:
            if length is not None and length.isdigit() and int(length) > max_body:
                status = 413
                return await self._too_large(max_body)(scope, receive, send)
            seen = 0

            async def limited_receive() -> Message:
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > max_body:
                        # FastAPI re-raises HTTPException from body parsing (anything else
                        # it turns into a 400), and the HTTPException handler renders it as
                        # ErrorBody.
                        raise HTTPException(413, self._too_large_message(max_body))
                return message

            async def tracking_send(message: Message) -> None:
                nonlocal status, started
                if message["type"] == "http.response.start":
                    status = message["status"]
                    started = True
                    message["headers"] = [*message.get("headers", ()), cid_header]
                await send(message)

            try:
                await self.app(scope, limited_receive, tracking_send)
            except HTTPException as exc:
                if started or exc.status_code != 413:
                    raise
                await self._too_large(max_body)(scope, receive, tracking_send)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            REQUESTS.labels(self.service, scope.get("method", ""), template,
                            str(status)).observe(time.perf_counter() - start)
            klog.correlation_id.reset(token)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> Response:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()))
            fields.append(pydantic_field_error(loc or "body", err))
        msg = "; ".join(f"{f.field}: {f.message}" for f in fields[:5]) or "invalid request"
        return JSONResponse(
            ErrorBody(code="validation_error", message=msg, fields=fields).model_dump(),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        codes = {404: "not_found", 405: "method_not_allowed", 400: "bad_request",
                 401: "unauthorized", 403: "forbidden", 413: "payload_too_large"}
        # FastAPI's HTTPException (a subclass) may carry any JSON as its detail.
        detail: object = exc.detail
        message = detail if isinstance(detail, str) else "request refused"
        if exc.status_code == 400 and message == "There was an error parsing the body":
            # FastAPI's answer to a body that is not UTF-8 JSON (or nests too deep): one
            # documented status for every kind of bad input.
            return JSONResponse(ErrorBody(
                code="validation_error", message="the body is not valid UTF-8 JSON",
                fields=[FieldError(field="body", message="send a valid JSON document",
                                   code="invalid_json")],
            ).model_dump(), status_code=422)
        if exc.status_code == 404 and message == "Not Found":
            message = "no such resource"
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            allowed = allowed_methods(request)
            headers["Allow"] = ", ".join(allowed)
            message = (f"{request.method} is not allowed here; use "
                       f"{', '.join(m for m in allowed if m not in ('HEAD', 'OPTIONS'))}")
        return JSONResponse(
            ErrorBody(code=codes.get(exc.status_code, "error"), message=message).model_dump(),
            status_code=exc.status_code, headers=headers or None,
        )

    @app.exception_handler(asyncpg.ForeignKeyViolationError)
    @app.exception_handler(sqlalchemy.exc.IntegrityError)
    async def _integrity(request: Request, exc: Exception) -> Response:
        # The services check references before they write; this answers the race the check
        # cannot close: the referenced row (a stage, a pipeline, a user) removed by another
        # request between the check and the write. The transaction has rolled back whole.
        # Any other integrity error is a bug: the 500 below, logged.
        if _sqlstate(exc) != _FOREIGN_KEY_VIOLATION:
            return await _unexpected(request, exc)
        log.info("foreign key race: %s", exc)
        return JSONResponse(ErrorBody(
            code="conflict",
            message="something this request refers to was changed or removed at the same "
                    "time; reload it and try again").model_dump(), status_code=409)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error")
        return JSONResponse(ErrorBody(code="internal_error",
                                      message="unexpected error; it has been logged").model_dump(),
                            status_code=500)


_FOREIGN_KEY_VIOLATION = "23503"


def _sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a database error, raw asyncpg or wrapped by SQLAlchemy."""
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        exc = exc.orig if exc.orig is not None else exc
    code = getattr(exc, "sqlstate", None)
    return code if isinstance(code, str) else None


_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this request's path.

    Asked of the routes themselves (`matches`, what the router does), once per method: the
    routes of an included router are not in `app.router.routes` (FastAPI keeps them behind
    one entry per `include_router`), and a mounted app has its own. Starlette's own 405
    would name only the first route whose path matched, while FastAPI makes one route per
    method. Only ever called for a 405, so it is worked out then, not kept."""
    scope = request.scope
    # Routing into a mount moved its prefix into root_path; start again from the app's.
    top = {**scope, "root_path": scope.get("app_root_path", scope.get("root_path", ""))}
    return [m for m in _METHOD_ORDER
            if _serves(request.app.router.routes, {**top, "method": m})]


def _serves(routes: Sequence[BaseRoute], scope: Scope) -> bool:
    for route in routes:
        # A fresh copy per route: FastAPI's included routers note their state in the scope.
        match, child_scope = route.matches(dict(scope))
        if match is not Match.FULL:
            continue
        if not isinstance(route, Mount):
            return True
        if isinstance(route.app, StaticFiles):  # it refuses all but these with a bare 405
            if scope["method"] in ("GET", "HEAD"):
                return True
            continue
        inner = getattr(route.app, "routes", None)
        if inner is None:  # a mounted app that routes (and answers its 405s) by itself
            return True
        if _serves(inner, {**scope, **child_scope}):
            return True
    return False


# pydantic's error `type` → the stable field code clients translate (README: Field error
# codes). Types not listed keep pydantic's own name (`int_parsing`, `uuid_parsing`,
# `literal_error`, ...), which pydantic keeps stable across versions.
_CODES = {
    "extra_forbidden": "unknown_field", "string_too_long": "too_long",
    "string_too_short": "too_short", "too_long": "too_many_items",
    "too_short": "too_few_items", "string_nul": "invalid_text",
    "string_unicode": "invalid_text", "email": "invalid_email", "phone": "invalid_phone",
    "tax_id": "invalid_tax_id", "branch": "invalid_branch", "postcode": "invalid_postcode",
    "money": "invalid_amount", "percent": "invalid_percent",
}


def _field_code(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", "")) or "invalid"
    if err.get("input", ...) is None and kind.endswith("_type"):
        return "null_not_allowed"
    if kind == "string_too_short" and (err.get("ctx") or {}).get("min_length") == 1:
        return "blank"
    if kind in ("too_long", "too_short") and isinstance(err.get("input"), str):
        return kind  # a length constraint met on text by way of a union or annotation
    return _CODES.get(kind, kind)


def _field_params(err: Mapping[str, Any]) -> dict[str, Any]:
    """The error's context that a translation can show (numbers and text; not the
    exception objects pydantic also puts there)."""
    ctx = err.get("ctx") or {}
    return {k: v for k, v in ctx.items()
            if isinstance(v, str | int | float | bool) and k != "field_type"}


def pydantic_field_error(field: str, err: Mapping[str, Any]) -> FieldError:
    """One pydantic validation error as a FieldError: message, stable code and params."""
    return FieldError(field=field, message=_explain(err), code=_field_code(err),
                      params=_field_params(err))


def _explain(err: Mapping[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field; remove it"
    if kind == "string_too_long":
        return f"is too long: at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"is too short: at least {ctx.get('min_length')} characters"
    if kind == "too_long":
        return f"has too many items: at most {ctx.get('max_length')}"
    if kind == "too_short":
        return f"has too few items: at least {ctx.get('min_length')}"
    if err.get("input", ...) is None and kind.endswith("_type"):
        return "may not be null; leave it out instead"
    msg = err.get("msg", "is invalid")
    return msg[0].lower() + msg[1:] if msg else "is invalid"


def install_health(app: FastAPI, ready_checks: list[Callable[[], Awaitable[str | None]]]) -> None:
    """`/healthz`: the process runs. `/readyz`: every check returns None (else its problem)."""

    @app.get("/healthz", include_in_schema=False, response_model=None)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False, response_model=None)
    async def readyz() -> Response | dict[str, str]:
        problems = [p for p in [await check() for check in ready_checks] if p]
        if problems:
            return error_response(503, "not_ready", "; ".join(problems))
        return {"status": "ready"}

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return PlainTextResponse(generate_latest(), media_type=CONTENT_TYPE_LATEST)


_REPLAYED = {
    "description": "`true` when this is the stored first answer to an earlier request with "
                   "the same Idempotency-Key (nothing was changed this time); absent otherwise.",
    "schema": {"type": "string", "enum": ["true"]},
}


def documented_openapi(app: FastAPI,
                       always: tuple[int, ...] = (401, 422)) -> Callable[[], dict[str, Any]]:
    """Every operation documents the one error schema for 401 and 422 (and what it declares),
    and 413 if it takes a body; FastAPI's own HTTPValidationError is replaced by ErrorBody.
    An operation taking `Idempotency-Key` documents the `Idempotent-Replayed` header of its
    success answers."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(title=app.title, version=app.version, routes=app.routes,
                           description=app.description)
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        schemas.setdefault("ErrorBody", ErrorBody.model_json_schema(
            ref_template="#/components/schemas/{model}"))
        for name, sub in ErrorBody.model_json_schema(
                ref_template="#/components/schemas/{model}").get("$defs", {}).items():
            schemas.setdefault(name, sub)
        schemas["ErrorBody"].pop("$defs", None)
        ref = {"$ref": "#/components/schemas/ErrorBody"}
        for path_item in spec.get("paths", {}).values():
            for op in path_item.values():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                for status in always:
                    op["responses"].setdefault(str(status), {"description": "Error"})
                if "requestBody" in op:  # EdgeMiddleware's body limit
                    op["responses"].setdefault("413", {"description": "Request body too large"})
                keyed = any(p.get("in") == "header" and p.get("name") == "Idempotency-Key"
                            for p in op.get("parameters", ()))
                for status, resp in op["responses"].items():
                    if status.startswith(("4", "5")):
                        resp["content"] = {"application/json": {"schema": ref}}
                    elif keyed and status.startswith("2"):
                        resp.setdefault("headers", {})["Idempotent-Replayed"] = _REPLAYED
        app.openapi_schema = spec
        return spec

    return build


def create_app(*, service: str, title: str, version: str = "0.1.0", description: str = "",
               lifespan: Lifespan[FastAPI] | None = None, max_body: int = MAX_BODY,
               ready_checks: list[Callable[[], Awaitable[str | None]]] | None = None,
               event_catalogue: dict[str, Any] | None = None) -> FastAPI:
    """A service app with the shared edge. With `event_catalogue` (crmkit.asyncapi), the
    events it publishes and consumes are served as AsyncAPI at `/asyncapi.json`."""
    app = FastAPI(title=title, version=version, description=description, lifespan=lifespan,
                  docs_url="/docs", openapi_url="/openapi.json")
    install_error_handlers(app)
    install_health(app, ready_checks or [])
    if event_catalogue is not None:
        app.state.event_catalogue = event_catalogue

        @app.get("/asyncapi.json", include_in_schema=False)
        async def asyncapi() -> dict[str, Any]:
            return event_catalogue

    # FastAPI's documented way to replace the document builder: assign the method.
    app.openapi = documented_openapi(app)  # type: ignore[method-assign]
    app.add_middleware(EdgeMiddleware, service=service, max_body=max_body)
    return app

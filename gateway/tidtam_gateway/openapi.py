"""The public API's one OpenAPI document: the gateway's own operations plus each owning
service's `/openapi.json` (fetched, cached, refetched while it fails), with one security
model and `ErrorBody` for every error. Operations several services serve alike (custom
fields and segments, routed by `entity`) appear once."""

from __future__ import annotations

import copy
import logging
import time
from typing import Any

import httpx
from fastapi import FastAPI

from crmkit import asyncapi
from crmkit.errors import ErrorBody

from .config import GatewaySettings
from .proxy.router import ENTITY_PREFIXES, NESTED, OWNED_PREFIXES, service_url

log = logging.getLogger("tidtam_gateway.openapi")
RETRY_SECONDS = 5.0
_ERR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_PROXY_ERRORS = {
    "401": "Missing, invalid or expired credentials",
    "503": "The owning service is unavailable",
    "504": "The owning service did not answer in time",
}
_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
CALLER_SECURITY: list[dict[str, list[str]]] = [{"OAuth2Password": []}, {"ApiKey": []}]


class OpenApiMerger:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient, settings: GatewaySettings):
        self.app = app
        self.client = client
        self.settings = settings
        self._specs: dict[str, dict[str, Any]] = {}
        self._failed_at: dict[str, float] = {}
        self._merged: dict[str, Any] | None = None

    async def document(self) -> dict[str, Any]:
        if self._merged is not None:
            return self._merged
        spec = copy.deepcopy(self.app.openapi())
        complete = True
        for name, prefixes in OWNED_PREFIXES.items():
            service_spec = await self._fetch(name)
            if service_spec is None:
                complete = False
                spec.setdefault("info", {})["description"] = (
                    f"{spec['info'].get('description', '')}\n\nThe {name} service's "
                    f"operations are missing: it did not answer; reload later.").strip()
                continue
            nested = tuple(path.split("{")[0] for path in NESTED.get(name, ()))
            _merge(spec, service_spec, name, prefixes + ENTITY_PREFIXES + nested)
        _finish(spec)
        if complete:
            self._merged = spec
        return spec

    async def events(self) -> dict[str, Any]:
        """The event catalogue (AsyncAPI): the gateway's own events and every service's."""
        own = self.app.state.event_catalogue
        found = [await self._fetch(name, "/asyncapi.json") for name in OWNED_PREFIXES]
        return asyncapi.merge(own, *[doc for doc in found if doc])

    async def _fetch(self, name: str, path: str = "/openapi.json") -> dict[str, Any] | None:
        key = f"{name}{path}"
        if key in self._specs:
            return self._specs[key]
        if time.monotonic() - self._failed_at.get(key, -RETRY_SECONDS) < RETRY_SECONDS:
            return None
        url = service_url(self.settings, name).rstrip("/") + path
        try:
            response = await self.client.get(url, timeout=3.0)
            response.raise_for_status()
            self._specs[key] = response.json()
            return self._specs[key]
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("cannot fetch %s: %r", url, exc)
            self._failed_at[key] = time.monotonic()
            return None


def _rename_refs(node: Any, renames: dict[str, str]) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                name = value.rsplit("/", 1)[-1]
                if name in renames:
                    value = "#/components/schemas/" + renames[name]
            out[key] = _rename_refs(value, renames)
        return out
    if isinstance(node, list):
        return [_rename_refs(v, renames) for v in node]
    return node


def _merge(spec: dict[str, Any], service_spec: dict[str, Any], name: str,
           prefixes: tuple[str, ...]) -> None:
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    theirs = service_spec.get("components", {}).get("schemas", {})
    # Same name, different shape: keep both, theirs prefixed with the service's name.
    renames = {n: f"{name.title()}{n}" for n, s in theirs.items()
               if n in schemas and schemas[n] != s and n not in ("ErrorBody", "FieldError")}
    service_spec = _rename_refs(service_spec, renames)
    for n, s in service_spec.get("components", {}).get("schemas", {}).items():
        if n in ("HTTPValidationError", "ValidationError"):
            continue
        schemas.setdefault(renames.get(n, n), s)
    for path, item in service_spec.get("paths", {}).items():
        if not path.startswith(prefixes):
            continue
        for method, op in item.items():
            if method not in _METHODS or not isinstance(op, dict):
                continue
            op["security"] = CALLER_SECURITY
            responses = op.setdefault("responses", {})
            for status, text in _PROXY_ERRORS.items():
                responses.setdefault(status, {"description": text})
            if "requestBody" in op:
                responses.setdefault("413", {"description": "Request body too large"})
        _merge_path(spec.setdefault("paths", {}).setdefault(path, {}), item, path, name)
    known = {t.get("name") for t in spec.get("tags", [])}
    for tag in service_spec.get("tags", []):
        if tag.get("name") not in known:
            spec.setdefault("tags", []).append(tag)


def _merge_path(target: dict[str, Any], item: dict[str, Any], path: str, name: str) -> None:
    """The first service's operation stays; another's of the same path and method is the
    same operation (crmkit.custom), or, if it differs, a deployment with mixed versions."""
    for key, value in item.items():
        if key in target and target[key] != value:
            log.warning("%s %s: the %s service's operation differs from another "
                        "service's; documenting the first", key.upper(), path, name)
        target.setdefault(key, value)


def _finish(spec: dict[str, Any]) -> None:
    """Every error response of every operation is `ErrorBody`, whoever declared it."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in body.pop("$defs", {}).items():
        schemas.setdefault(name, sub)
    schemas.setdefault("ErrorBody", body)
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for item in spec.get("paths", {}).values():
        for method, op in item.items():
            if method not in _METHODS or not isinstance(op, dict):
                continue
            for status, resp in op.get("responses", {}).items():
                if str(status).startswith(("4", "5")):
                    resp["content"] = {"application/json": {"schema": _ERR_REF}}

"""Segments and `cf.*` filters in an entity's list operation.

A segment stores the list's own query parameters. They are checked with the very rules of
the list route (its declared query parameters, as FastAPI would parse them) plus the
`cf.*` rules, so a segment can hold exactly what the list accepts, no more.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI
from fastapi import routing as fastapi_routing
from fastapi._compat import ModelField
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import request_params_to_args
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams

from ..context import RequestContext
from ..errors import FieldError, Unprocessable
from ..web import pydantic_field_error
from . import filters as cf
from .service import CustomEntity, definitions, visible_segment
from .values import BadValue, Definition

NOT_FILTERS = ("limit", "cursor", "segment")  # paging, and no segment inside a segment


def _query_fields(dependant: Dependant) -> list[ModelField]:
    found = list(dependant.query_params)
    for sub in dependant.dependencies:
        found += _query_fields(sub)
    return found


def _routes(app: FastAPI) -> Iterable[Any]:
    # FastAPI ≥ 0.16x keeps included routers as branches; `iter_route_contexts` (what its
    # own OpenAPI generation walks) yields every route with its full path.
    walk = getattr(fastapi_routing, "iter_route_contexts", None)
    return walk(app.routes) if walk else app.routes


@functools.lru_cache(maxsize=32)  # an app's routes are fixed once it serves
def list_params(app: FastAPI, path: str) -> dict[str, Any]:
    """The query parameters of GET `path`, by name, as FastAPI declared them."""
    for route in _routes(app):
        if route.path == path and "GET" in (route.methods or ()) and hasattr(route,
                                                                              "dependant"):
            return {f.alias: f for f in _query_fields(route.dependant)
                    if f.alias not in NOT_FILTERS}
    raise LookupError(f"no GET {path} route")


def as_pairs(filters: dict[str, Any]) -> list[tuple[str, str]]:
    """A filters object as the query string it stands for (true/false and numbers as
    written in a URL; a list as a repeated parameter)."""
    def text(v: Any) -> str:
        return ("true" if v else "false") if isinstance(v, bool) else str(v)
    return [(k, text(item)) for k, v in filters.items()
            for item in (v if isinstance(v, list) else [v])]


def _errors(fields: list[FieldError]) -> Unprocessable:
    return Unprocessable("; ".join(f"{e.field}: {e.message}" for e in fields[:5]),
                         fields=fields)


def check_filters(params: dict[str, Any], defs: dict[str, Definition],
                  pairs: list[tuple[str, str]], *,
                  prefix: str) -> tuple[dict[str, Any], list[cf.CustomFilter]]:
    """Typed values of the list's own parameters and the parsed `cf.*` filters, or a 422
    naming `<prefix>.<name>` for each one the list would refuse."""
    errors: list[FieldError] = []
    names = {k for k, _ in pairs}
    for name in sorted(names):
        if not cf.is_custom(name) and name not in params:
            known = ", ".join(sorted(params)) + ", cf.<key>"
            errors.append(FieldError(field=f"{prefix}.{name}", code="unknown_filter", message=(
                f"is not a filter of this list; use one of: {known}")))
    query = QueryParams(pairs)
    values, bad = request_params_to_args([params[n] for n in sorted(names) if n in params],
                                         query)
    for err in bad:
        loc = err.get("loc", ("", "?"))
        errors.append(pydantic_field_error(f"{prefix}.{loc[-1]}", err))
    custom: list[cf.CustomFilter] = []
    for name, raw in pairs:
        if cf.is_custom(name):
            try:
                custom.append(cf.parse_one(defs, name, raw))
            except BadValue as exc:
                errors.append(exc.field_error(f"{prefix}.{name}"))
    if errors:
        raise _errors(errors)
    return values, custom


def stored_filters(pairs: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """As a segment keeps them: one string per parameter, a list when repeated."""
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k not in out:
            out[k] = v
        elif isinstance(out[k], list):
            out[k].append(v)
        else:
            out[k] = [out[k], v]
    return out


async def validate_segment_filters(session: AsyncSession, ctx: RequestContext,
                                   config: CustomEntity, app: FastAPI,
                                   filters: dict[str, Any]) -> dict[str, str | list[str]]:
    pairs = as_pairs(filters)
    needs_defs = any(cf.is_custom(k) for k, _ in pairs)
    defs = await definitions(session, ctx, config) if needs_defs else {}
    check_filters(list_params(app, config.list_path), defs, pairs, prefix="filters")
    return stored_filters(pairs)


@dataclass
class ListFilters:
    """What a list applies besides the caller's visibility (which always applies too)."""

    params: dict[str, Any]  # the list's own parameters, the segment's merged in
    custom: list[cf.CustomFilter] = field(default_factory=list)  # all ANDed
    also: dict[str, Any] = field(default_factory=dict)  # see `list_filters`
    empty: bool = False  # the request and the segment contradict each other


async def list_filters(session: AsyncSession, ctx: RequestContext, config: CustomEntity,
                       app: FastAPI, query: QueryParams, segment: uuid.UUID | None,
                       params: dict[str, Any], *, combinable: tuple[str, ...] = ("q",)
                       ) -> ListFilters:
    """The filters of one list request: `params` (the route's parsed parameters), its
    `cf.*` parameters, and the stored filters of `segment`, all ANDed. A parameter only
    the segment sets takes the segment's value; one both set to different values matches
    nothing (`empty`), except those in `combinable` (searches), whose segment value is put
    in `also` for the service to AND in itself."""
    pairs = [(k, v) for k, v in query.multi_items() if cf.is_custom(k)]
    stored: list[tuple[str, str]] = []
    row = None
    if segment is not None:
        row = await visible_segment(session, ctx, config, segment, field="query.segment")
        stored = as_pairs(row["filters"])
    if not pairs and not any(cf.is_custom(k) for k, _ in stored):
        defs = {}
    else:
        defs = await definitions(session, ctx, config)
    custom = cf.parse(defs, pairs)
    out = ListFilters(params=dict(params), custom=custom)
    if row is None:
        return out
    try:
        seg_values, seg_custom = check_filters(list_params(app, config.list_path), defs,
                                               stored, prefix="filters")
    except Unprocessable as exc:
        raise Unprocessable.on("query.segment", "the segment no longer fits this list ("
                               f"{exc.message}); edit or delete it", code="stale_segment") from None
    out.custom += seg_custom
    for name, value in seg_values.items():
        if name not in query:
            out.params[name] = value
        elif value != params.get(name):
            if name in combinable:
                out.also[name] = value
            else:
                out.empty = True
    return out

"""Routes for the paths other services own (docs/CONTRACTS.md): authenticate, sign the
caller's context, forward. Documented in OpenAPI by the owning service's own spec."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from crmkit import publickeys
from crmkit.context import sign_context
from crmkit.custom.service import SERVICE_OF
from crmkit.errors import AppError, NotFound, Unprocessable
from crmkit.logging import correlation_id

from ..auth.caller import Caller
from ..auth.throttle import client_ip
from ..config import GatewaySettings
from ..deps import caller_of
from . import service

# service name -> the path prefixes it owns
OWNED_PREFIXES: dict[str, tuple[str, ...]] = {
    "leads": ("/api/v1/leads", "/api/v1/pipelines", "/api/v1/labels", "/api/v1/lead-sources",
              "/api/v1/lead-reasons", "/api/v1/queues", "/api/v1/deals"),
    "accounts": ("/api/v1/accounts",),
    "notifications": ("/api/v1/notifications", "/api/v1/notification-preferences",
                      "/api/v1/events", "/api/v1/webhooks"),
    "activities": ("/api/v1/activities", "/api/v1/checkins", "/api/v1/calendar"),
    "documents": ("/api/v1/products", "/api/v1/quotes", "/api/v1/tax-invoices",
                  "/api/v1/company-profile", "/api/v1/document-profile", "/api/v1/invoices",
                  "/api/v1/credit-notes"),
    "capture": ("/api/v1/capture",),
    "insights": ("/api/v1/insights",),
}
# Sub-resources another service answers: a customer's documents live in the documents
# service, under the account's (or lead's) own path.
NESTED: dict[str, tuple[str, ...]] = {"documents": ("/api/v1/accounts/{id}/documents",
                                                    "/api/v1/leads/{id}/documents")}
_NESTED_PATH = re.compile(r"^/api/v1/(accounts|leads)/[^/]+/documents$")
# Prefixes every service with custom fields serves alike (crmkit.custom): the `entity`
# query parameter names the owner.
ENTITY_PREFIXES = ("/api/v1/custom-fields", "/api/v1/segments", "/api/v1/imports",
                   "/api/v1/exports")
# Every method goes through: the owning service answers the ones it does not serve with 405
# and the `Allow` header of the methods it does, which the proxy passes back.
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY"]

router = APIRouter()


def service_url(settings: GatewaySettings, name: str) -> str:
    url: str = getattr(settings, f"{name}_url")
    return url


async def _forward(request: Request, owner: Callable[[Request], str]) -> Response:
    # Plain Starlette routes, not FastAPI's: no dependency solving or response model on the
    # path every proxied request takes (the caller is all it needs). Who asks comes first:
    # a stranger learns nothing of where a path goes.
    caller: Caller = await caller_of(request)
    name = owner(request)
    settings: GatewaySettings = request.app.state.settings
    context = caller.signed_context(settings.context_secret.get_secret_value(),
                                    ttl=settings.context_ttl,
                                    correlation_id=correlation_id.get())
    return await service.forward(
        request.app.state.proxy, service=name, base_url=service_url(settings, name),
        request=request, context=context, cid=correlation_id.get() or "",
    )


def _make_handler(name: str) -> Callable[[Request], Awaitable[Response]]:
    async def proxy(request: Request) -> Response:
        return await _forward(request, lambda _request: name)

    proxy.__name__ = f"proxy_{name.replace('-', '_')}"
    return proxy


def owner_of_entity(request: Request) -> str:
    # Exactly one value: the services read one, and two could be read differently.
    values = request.query_params.getlist("entity")
    owner = SERVICE_OF.get(values[0]) if len(values) == 1 else None
    if owner is None:
        raise Unprocessable.on("query.entity", "required, once: `lead` (the leads "
                               "service's) or `account` (the accounts service's)", code="missing")
    return owner


async def proxy_by_entity(request: Request) -> Response:
    return await _forward(request, owner_of_entity)


Handler = Callable[[Request], Awaitable[Response]]
# prefix -> (its handler, the route of the prefix itself, the route of what lies under it)
_BY_PREFIX: dict[str, tuple[Handler, BaseRoute, BaseRoute]] = {}


def _add(prefix: str, handler: Handler) -> None:
    router.add_route(prefix, handler, methods=METHODS, include_in_schema=False)
    router.add_route(prefix + "/{path:path}", handler, methods=METHODS, include_in_schema=False)
    _BY_PREFIX[prefix] = (handler, router.routes[-2], router.routes[-1])


# Before the prefixes: the first route that matches answers.
for _name, _paths in NESTED.items():
    for _path in _paths:
        router.add_route(_path, _make_handler(_name), methods=METHODS, include_in_schema=False)
for _name, _prefixes in OWNED_PREFIXES.items():
    _handler = _make_handler(_name)
    for _prefix in _prefixes:
        _add(_prefix, _handler)
for _prefix in ENTITY_PREFIXES:
    _add(_prefix, proxy_by_entity)

# Calendar feeds (ICS) are fetched by calendar apps without logging in: the secret in the
# address is the key, which the activities service checks. The gateway forwards them with
# a context that names only the tenant of the address (a user who owns nothing).
FEED_PREFIX = "/api/v1/ics"
NOBODY = uuid.UUID(int=0)


async def proxy_feed(request: Request) -> Response:
    try:
        tenant_id = uuid.UUID(request.path_params["tenant_id"])
    except ValueError:
        raise NotFound("no such calendar feed") from None
    return await _forward_as_nobody(request, "activities", tenant_id, {})


async def _forward_as_nobody(request: Request, name: str, tenant_id: uuid.UUID,
                             context_settings: dict[str, str]) -> Response:
    """Forward with a context naming only `tenant_id` (a user who owns nothing)."""
    settings: GatewaySettings = request.app.state.settings
    context = sign_context(settings.context_secret.get_secret_value(), tenant_id=tenant_id,
                           user_id=NOBODY, role="sales", team_id=None, lead_visibility="own",
                           account_visibility="own", team_member_ids=[],
                           settings=context_settings, correlation_id=correlation_id.get(),
                           ttl=settings.context_ttl)
    return await service.forward(
        request.app.state.proxy, service=name, base_url=service_url(settings, name),
        request=request, context=context, cid=correlation_id.get() or "")


router.add_route(FEED_PREFIX + "/{tenant_id}/{file}", proxy_feed, methods=["GET", "HEAD"],
                 include_in_schema=False)


# Web forms are posted by anyone, without logging in (capture service): the form's public key
# starts with its tenant's id, and the gateway signs a context naming only that tenant and
# the client's address (for the service's rate limit and the consent record). Documented in
# the capture service's own OpenAPI (the merged one is the API for callers who log in).
CLIENT_IP = "client_ip"


async def proxy_public_form(request: Request) -> Response:
    tenant_id = publickeys.tenant_of(request.path_params["public_key"])
    if tenant_id is None:
        raise NotFound("no such form")
    settings: GatewaySettings = request.app.state.settings
    return await _forward_as_nobody(request, "capture", tenant_id, {
        CLIENT_IP: client_ip(request, settings.trusted_proxies)})


router.add_route("/capture/forms/{public_key}", proxy_public_form, methods=["POST", "OPTIONS"],
                 include_in_schema=False)
_PUBLIC_FORM = router.routes[-1]
router.add_route("/f/{public_key}", proxy_public_form, methods=["GET", "HEAD"],
                 include_in_schema=False)
# LINE's webhook: the key is the channel's (the tenant's id first, likewise).
router.add_route("/capture/line/{public_key}", proxy_public_form, methods=["POST"],
                 include_in_schema=False)
# Facebook Lead Ads: Meta's GET handshake and the POSTed leadgen changes (likewise).
router.add_route("/capture/facebook/{public_key}", proxy_public_form, methods=["GET", "POST"],
                 include_in_schema=False)
# A mail provider's inbound webhook (email-to-lead; likewise).
router.add_route("/capture/email/{public_key}", proxy_public_form, methods=["POST"],
                 include_in_schema=False)


def _public_form(scope: Scope) -> tuple[Handler, BaseRoute] | None:
    """A web form's public post (`/capture/forms/{public_key}`, the one route of the
    gateway taken at the internet's rate): its handler and route, the path parameters set
    in `scope` as the router would (its own pattern decides), else None."""
    if not scope["path"].startswith(_FORMS_PREFIX) or not isinstance(_PUBLIC_FORM, Route):
        return None
    match, child = _PUBLIC_FORM.matches(scope)
    if match is not Match.FULL:
        return None  # another method (405 from the router) or another shape of path
    scope.update(child)
    return proxy_public_form, _PUBLIC_FORM


_FORMS_PREFIX = "/capture/forms/"


def _proxied(path: str) -> tuple[Handler, BaseRoute] | None:
    """The handler and route of a proxied path (as the router would match it), else None."""
    if not path.startswith("/api/v1/") or _NESTED_PATH.match(path):
        return None  # nested paths take the router's way (their routes come first)
    end = path.find("/", 8)
    found = _BY_PREFIX.get(path if end < 0 else path[:end])
    if found is None:
        return None
    return found[0], found[1] if end < 0 else found[2]


class ProxyFastPath:
    """Pure ASGI, just inside EdgeMiddleware (which still limits the body, sets the
    correlation id and times the request by the route's template): a proxied path goes
    straight to its handler, past Starlette's exception middleware, FastAPI's exit-stack
    middleware and the matching of every gateway route — a quarter of the gateway's CPU
    per proxied request (py-spy, bench/proxy.py); so does a web form's public post (issue
    17: the one unauthenticated route taken at the internet's rate). The handler is the
    route's own, and an AppError it raises is answered by the app's own handler for it, so
    the answer is the router's; anything else goes up to the app's handler of unexpected
    errors (a 500 in the error schema), as it would from the router."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = (_proxied(scope["path"]) or _public_form(scope)) \
            if scope["type"] == "http" and not scope.get("root_path") else None
        if found is None or not isinstance(found[1], Route):
            return await self.app(scope, receive, send)
        handler, route = found
        scope["route"] = route
        request = Request(scope, receive, send)
        try:
            response = await handler(request)
        except AppError as exc:
            response = await _render(request, exc)
        await response(scope, receive, send)


async def _render(request: Request, exc: AppError) -> Response:
    handlers = request.app.exception_handlers
    for kind in type(exc).__mro__:
        if kind in handlers:
            response: Response = await handlers[kind](request, exc)
            return response
    raise exc

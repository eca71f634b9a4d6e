"""Routes for the paths other services own (docs/CONTRACTS.md): authenticate, sign the
caller's context, forward. Documented in OpenAPI by the owning service's own spec."""

from __future__ import annotations

from fastapi import APIRouter, Request

from crmkit.logging import correlation_id

from ..deps import CurrentCaller, Settings
from . import service

# service name -> the path prefixes it owns
OWNED_PREFIXES: dict[str, tuple[str, ...]] = {
    "leads": ("/api/v1/leads", "/api/v1/pipelines", "/api/v1/labels", "/api/v1/lead-sources",
              "/api/v1/lead-reasons"),
}
# Every method goes through: the owning service answers the ones it does not serve with 405
# and the `Allow` header of the methods it does, which the proxy passes back.
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY"]

router = APIRouter()


def service_url(settings, name: str) -> str:
    return getattr(settings, f"{name}_url")


def _make_handler(name: str):
    async def proxy(request: Request, caller: CurrentCaller, settings: Settings):
        context = caller.signed_context(settings.context_secret.get_secret_value(),
                                        ttl=settings.context_ttl,
                                        correlation_id=correlation_id.get())
        return await service.forward(
            request.app.state.http, service=name, base_url=service_url(settings, name),
            request=request, context=context, cid=correlation_id.get() or "",
        )

    proxy.__name__ = f"proxy_{name.replace('-', '_')}"
    return proxy


for _name, _prefixes in OWNED_PREFIXES.items():
    _handler = _make_handler(_name)
    for _prefix in _prefixes:
        router.add_api_route(_prefix, _handler, methods=METHODS, include_in_schema=False)
        router.add_api_route(_prefix + "/{path:path}", _handler, methods=METHODS,
                             include_in_schema=False)

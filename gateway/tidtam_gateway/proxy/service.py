"""Forward a request to the service that owns its path, streaming both bodies.

The request body is handed to httpx as the ASGI receive stream (EdgeMiddleware still counts
it and stops at 1 MB), and the response is relayed chunk by chunk, so neither is buffered.
"""

from __future__ import annotations

import logging

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import StreamingResponse

from crmkit.context import HEADER as CONTEXT_HEADER
from crmkit.errors import AppError, ServiceUnavailable
from crmkit.web import CORRELATION_HEADER

log = logging.getLogger("tidtam_gateway.proxy")

_HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization",
               b"te", b"trailer", b"trailers", b"transfer-encoding", b"upgrade"}
# Credentials stay at the gateway; the service trusts only the context the gateway signs,
# so whatever a client sends as that header is dropped.
_DROP_REQUEST = _HOP_BY_HOP | {b"host", b"authorization", b"x-api-key", b"cookie",
                               CONTEXT_HEADER.lower().encode(),
                               CORRELATION_HEADER.lower().encode()}
# The gateway's server adds its own date/server, and EdgeMiddleware its correlation id.
_DROP_RESPONSE = _HOP_BY_HOP | {b"date", b"server", CORRELATION_HEADER.lower().encode()}


class GatewayTimeout(AppError):
    status = 504
    code = "gateway_timeout"


def _named_in_connection(headers: list[tuple[bytes, bytes]]) -> set[bytes]:
    named: set[bytes] = set()
    for key, value in headers:
        if key.lower() == b"connection":
            named |= {part.strip().lower() for part in value.split(b",")}
    return named


def _request_headers(request: Request, context: str, cid: str) -> list[tuple[bytes, bytes]]:
    raw = request.headers.raw
    drop = _DROP_REQUEST | _named_in_connection(raw)
    # Spaces around a value are not part of it (RFC 9110 5.5), and httpx refuses to send
    # them: kept, a fuzzed `Idempotency-Key: "0 "` was a 503.
    out = [(k, v.strip()) for k, v in raw if k.lower() not in drop]
    out.append((CONTEXT_HEADER.encode(), context.encode()))
    out.append((CORRELATION_HEADER.encode(), cid.encode("latin-1")))
    return out


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    return bool((length and length != "0") or request.headers.get("transfer-encoding"))


async def forward(client: httpx.AsyncClient, *, service: str, base_url: str,
                  request: Request, context: str, cid: str) -> StreamingResponse:
    # The path as the client sent it (still percent-encoded): the decoded form may hold
    # characters no URL can carry (a %01, say), and the service decodes it the same way.
    # (Some ASGI servers put the query in raw_path too; the query comes from query_string.)
    raw_path = (request.scope.get("raw_path") or request.url.path.encode()).split(b"?")[0]
    query = request.scope.get("query_string", b"")
    base = httpx.URL(base_url)
    url = base.copy_with(raw_path=base.raw_path.split(b"?")[0].rstrip(b"/") + raw_path
                         + (b"?" + query if query else b""))
    upstream_request = client.build_request(
        request.method, url, headers=_request_headers(request, context, cid),
        content=request.stream() if _has_body(request) else None,
    )
    try:
        upstream = await client.send(upstream_request, stream=True)
    except httpx.ReadTimeout as exc:
        raise GatewayTimeout(f"{service} service did not answer in time; try again") from exc
    except httpx.TimeoutException as exc:
        raise ServiceUnavailable(f"{service} service unavailable (connection timed out)"
                                 ) from exc
    except httpx.TransportError as exc:
        log.warning("proxy to %s failed: %r", service, exc)
        raise ServiceUnavailable(f"{service} service unavailable") from exc
    drop = _DROP_RESPONSE | _named_in_connection(upstream.headers.raw)
    response = StreamingResponse(upstream.aiter_raw(), status_code=upstream.status_code,
                                 background=BackgroundTask(upstream.aclose))
    # raw_headers keeps repeated headers (e.g. several Set-Cookie) intact.
    response.raw_headers = [(k, v) for k, v in upstream.headers.raw if k.lower() not in drop]
    return response

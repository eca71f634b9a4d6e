"""Forward a request to the service that owns its path; the answer is relayed as it comes.

The request body is read first (EdgeMiddleware stops it at 1 MB), so it can be sent again:

- The pool forgets a connection idle for `TIDTAM_PROXY_IDLE_SECONDS`, below the services'
  keep-alive (`TIDTAM_KEEP_ALIVE_SECONDS`, crmkit.serve): a request never goes down a
  connection the service is closing at that moment (the keep-alive race: 503s under load).
- A request is sent again once when the connection failed: always when it could not be
  made (nothing was sent), and for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE)
  also when a pooled connection broke before an answer came. A POST or PATCH the service
  may have received is never sent twice: that is a 503, and the client decides (with an
  Idempotency-Key it may simply retry).
"""

from __future__ import annotations

import logging
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import StreamingResponse

from crmkit.context import HEADER as CONTEXT_HEADER
from crmkit.errors import AppError, ServiceUnavailable
from crmkit.web import CORRELATION_HEADER

from .pools import SplitPoolTransport

log = logging.getLogger("tidtam_gateway.proxy")

_HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization",
               b"te", b"trailer", b"trailers", b"transfer-encoding", b"upgrade"}
# Credentials stay at the gateway; the service trusts only the context the gateway signs,
# so whatever a client sends as that header is dropped. The body is sent whole, with its
# own length.
_DROP_REQUEST = _HOP_BY_HOP | {b"host", b"authorization", b"x-api-key", b"cookie",
                               b"content-length", CONTEXT_HEADER.lower().encode(),
                               CORRELATION_HEADER.lower().encode()}
# The gateway's server adds its own date/server, and EdgeMiddleware its correlation id.
_DROP_RESPONSE = _HOP_BY_HOP | {b"date", b"server", CORRELATION_HEADER.lower().encode()}
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


class GatewayTimeout(AppError):
    status = 504
    code = "gateway_timeout"


def client_session(*, max_connections: int, idle_seconds: float, connect_timeout: float,
                   read_timeout: float) -> httpx.AsyncClient:
    # retries=1: httpx retries only a connection that could not be made (nothing was sent).
    # Split into a few small pools: httpcore's per-request walk of its pool is what the
    # gateway spent most of its CPU on (see pools.py).
    transport = SplitPoolTransport(max_connections=max_connections, idle_seconds=idle_seconds,
                                   retries=1)
    # A jar that keeps nothing: the pool is shared by every caller, so a Set-Cookie from a
    # service must not go back to it on other people's requests.
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(transport=transport, follow_redirects=False, cookies=no_cookies,
                             timeout=httpx.Timeout(read_timeout, connect=connect_timeout))


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


def _url(base_url: str, request: Request) -> httpx.URL:
    # The path as the client sent it (still percent-encoded): the decoded form may hold
    # characters no URL can carry (a %01, say), and the service decodes it the same way.
    # (Some ASGI servers put the query in raw_path too; the query comes from query_string.)
    raw_path = (request.scope.get("raw_path") or request.url.path.encode()).split(b"?")[0]
    query = request.scope.get("query_string", b"")
    base = httpx.URL(base_url)
    return base.copy_with(raw_path=base.raw_path.split(b"?")[0].rstrip(b"/") + raw_path
                          + (b"?" + query if query else b""))


async def _send(client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    try:
        return await client.send(request, stream=True)
    except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
        # A pooled connection broke before any answer: sent again only when sending it
        # twice does no harm.
        if request.method not in IDEMPOTENT:
            raise
        return await client.send(request, stream=True)


async def forward(client: httpx.AsyncClient, *, service: str, base_url: str,
                  request: Request, context: str, cid: str) -> StreamingResponse:
    body = await request.body()
    upstream_request = client.build_request(
        request.method, _url(base_url, request),
        headers=_request_headers(request, context, cid), content=body or None)
    try:
        upstream = await _send(client, upstream_request)
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

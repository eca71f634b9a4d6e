"""Forward a request to the service that owns its path; the answer is relayed as it comes.

The request body is read first (EdgeMiddleware stops it at 1 MB), so it can be sent again.
The client is the proxy's own (upstream.py: keep-alive HTTP/1.1 over asyncio, httptools):

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
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from crmkit.context import HEADER as CONTEXT_HEADER
from crmkit.errors import AppError, ServiceUnavailable
from crmkit.web import CORRELATION_HEADER

from .upstream import Answer, ConnectTimeout, ReadTimeout, UpstreamError, Upstreams

log = logging.getLogger("tidtam_gateway.proxy")

_HOP_BY_HOP = {b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization",
               b"te", b"trailer", b"trailers", b"transfer-encoding", b"upgrade"}
# Credentials stay at the gateway; the service trusts only the context the gateway signs,
# so whatever a client sends as that header is dropped. The body is sent whole, with its
# own length (so no `Expect: 100-continue` either).
_DROP_REQUEST = _HOP_BY_HOP | {b"host", b"authorization", b"x-api-key", b"cookie",
                               b"content-length", b"expect", CONTEXT_HEADER.lower().encode(),
                               CORRELATION_HEADER.lower().encode()}
# The gateway's server adds its own date/server, and EdgeMiddleware its correlation id.
_DROP_RESPONSE = _HOP_BY_HOP | {b"date", b"server", CORRELATION_HEADER.lower().encode()}
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})


class GatewayTimeout(AppError):
    status = 504
    code = "gateway_timeout"


def upstreams(*, max_connections: int, idle_seconds: float, connect_timeout: float,
              read_timeout: float) -> Upstreams:
    """The proxy's connection pools (upstream.py), one per service."""
    return Upstreams(max_connections=max_connections, idle_seconds=idle_seconds,
                     connect_timeout=connect_timeout, read_timeout=read_timeout)


def documents_client() -> httpx.AsyncClient:
    """The client that fetches the services' OpenAPI and AsyncAPI documents (rarely: they
    are merged once). A jar that keeps nothing: a Set-Cookie from a service is not sent
    back."""
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(follow_redirects=False, cookies=no_cookies)


def _named_in_connection(headers: list[tuple[bytes, bytes]]) -> set[bytes]:
    named: set[bytes] = set()
    for key, value in headers:
        if key.lower() == b"connection":
            named |= {part.strip().lower() for part in value.split(b",")}
    return named


def _request_headers(request: Request, context: str, cid: str) -> list[tuple[bytes, bytes]]:
    raw = request.headers.raw
    drop = _DROP_REQUEST | _named_in_connection(raw)
    # Spaces around a value are not part of it (RFC 9110 5.5): a fuzzed
    # `Idempotency-Key: "0 "` reaches the service as `"0`.
    out = [(k, v.strip()) for k, v in raw if k.lower() not in drop]
    out.append((CONTEXT_HEADER.encode(), context.encode()))
    out.append((CORRELATION_HEADER.encode(), cid.encode("latin-1")))
    return out


def _target(request: Request) -> bytes:
    # The path as the client sent it (still percent-encoded): the decoded form may hold
    # characters no URL can carry (a %01, say), and the service decodes it the same way.
    # (Some ASGI servers put the query in raw_path too; the query comes from query_string.)
    raw_path: bytes = (request.scope.get("raw_path") or request.url.path.encode()).split(b"?")[0]
    query: bytes = request.scope.get("query_string", b"")
    return raw_path + b"?" + query if query else raw_path


class RelayedResponse(Response):
    """The service's answer, relayed as it comes (pure ASGI: no task per response); its
    connection goes back to the pool, or is closed, when the relay ends however it ends."""

    def __init__(self, answer: Answer, headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code = answer.status
        self.raw_headers = headers
        self.background = None
        self._answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = self._answer
        try:
            await send({"type": "http.response.start", "status": self.status_code,
                        "headers": self.raw_headers})
            last = b""
            async for chunk in answer.body():
                if answer.complete:  # usually the whole body came with the head: one send
                    last += chunk
                    continue
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": last, "more_body": False})
        finally:
            answer.close()


def _framed(raw: list[tuple[bytes, bytes]]) -> bool:
    """The request says it has a body: a request with neither Content-Length nor
    Transfer-Encoding has none (RFC 9112 6.3), and the server passes no body on for it."""
    return any(k == b"content-length" or k == b"transfer-encoding" for k, _ in raw)


async def forward(proxy: Upstreams, *, service: str, base_url: str, request: Request,
                  context: str, cid: str) -> Response:
    # A GET's (empty) body is not read: Starlette's read of it, an async generator over
    # `receive` through EdgeMiddleware's limit, was an eighth of the gateway's samples on
    # the list line (py-spy, bench/load.py --only list --profile).
    body = await request.body() if _framed(request.scope["headers"]) else b""
    method = request.method
    try:
        answer = await proxy.pool(base_url).send(
            method, _target(request), _request_headers(request, context, cid), body,
            retry=method in IDEMPOTENT)
    except ReadTimeout as exc:
        raise GatewayTimeout(f"{service} service did not answer in time; try again") from exc
    except ConnectTimeout as exc:
        raise ServiceUnavailable(f"{service} service unavailable (connection timed out)"
                                 ) from exc
    except UpstreamError as exc:
        log.warning("proxy to %s failed: %r", service, exc)
        raise ServiceUnavailable(f"{service} service unavailable") from exc
    if log.isEnabledFor(logging.DEBUG):
        log.debug("forwarded %s %s to %s: %s", method, request.url.path, service, answer.status)
    drop = _DROP_RESPONSE | _named_in_connection(answer.headers)
    # Repeated headers (several Set-Cookie) stay as they came.
    return RelayedResponse(answer, [(k, v) for k, v in answer.headers if k.lower() not in drop])

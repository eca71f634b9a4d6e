"""Forward a request to the service that owns its path; the answer is relayed as it comes.

The client is aiohttp (its pool costs a fraction of httpx's per request, bench/profile.py).
The request body is read first (EdgeMiddleware stops it at 1 MB), so it can be sent again:

- The pool forgets a connection idle for `TIDTAM_PROXY_IDLE_SECONDS`, below the services'
  keep-alive (`TIDTAM_KEEP_ALIVE_SECONDS`, crmkit.serve): a request never goes down a
  connection the service is closing at that moment (the keep-alive race: 503s under load).
- A request is sent again once when the connection failed: always when it could not be
  made (nothing was sent), and for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE) also
  when a pooled connection dropped (aiohttp's own retry). A POST or PATCH the service may
  have received is never sent twice: that is a 503, and the client decides (with an
  Idempotency-Key it may simply retry).
"""

from __future__ import annotations

import asyncio
import logging

import aiohttp
from multidict import CIMultiDict
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import StreamingResponse
from yarl import URL

from crmkit.context import HEADER as CONTEXT_HEADER
from crmkit.errors import AppError, ServiceUnavailable
from crmkit.web import CORRELATION_HEADER

log = logging.getLogger("tidtam_gateway.proxy")

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
               "te", "trailer", "trailers", "transfer-encoding", "upgrade"}
# Credentials stay at the gateway; the service trusts only the context the gateway signs,
# so whatever a client sends as that header is dropped. The body is sent whole, with its
# own length.
_DROP_REQUEST = _HOP_BY_HOP | {"host", "authorization", "x-api-key", "cookie",
                               "content-length", CONTEXT_HEADER.lower(),
                               CORRELATION_HEADER.lower()}
# The gateway's server adds its own date/server, and EdgeMiddleware its correlation id.
_DROP_RESPONSE = {h.encode() for h in _HOP_BY_HOP | {"date", "server",
                                                     CORRELATION_HEADER.lower()}}
# aiohttp adds these when absent; a proxy sends only what the client sent.
_NO_AUTO_HEADERS = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")
RECONNECT_PAUSE = 0.05  # seconds before the one retry of a connection that could not be made


class GatewayTimeout(AppError):
    status = 504
    code = "gateway_timeout"


def client_session(*, max_connections: int, idle_seconds: float, connect_timeout: float,
                   read_timeout: float) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=max_connections, keepalive_timeout=idle_seconds,
                                     use_dns_cache=True, ttl_dns_cache=10)
    timeout = aiohttp.ClientTimeout(total=None, connect=connect_timeout,
                                    sock_read=read_timeout)
    # DummyCookieJar: the pool is shared by every caller, so a Set-Cookie from a service
    # must not go back to it on other people's requests. auto_decompress off: the body is
    # relayed as the service encoded it, with its Content-Encoding.
    return aiohttp.ClientSession(connector=connector, timeout=timeout, auto_decompress=False,
                                 cookie_jar=aiohttp.DummyCookieJar(),
                                 skip_auto_headers=_NO_AUTO_HEADERS)


def _named_in_connection(values: list[str]) -> set[str]:
    return {part.strip().lower() for value in values for part in value.split(",")}


def _request_headers(request: Request, context: str, cid: str) -> CIMultiDict[str]:
    raw = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
    drop = _DROP_REQUEST | _named_in_connection(
        [v for k, v in raw if k.lower() == "connection"])
    out = CIMultiDict((k, v) for k, v in raw if k.lower() not in drop)
    out[CONTEXT_HEADER] = context
    out[CORRELATION_HEADER] = cid
    return out


def _url(base_url: str, request: Request) -> URL:
    # The path as the client sent it (still percent-encoded): the decoded form may hold
    # characters no URL can carry (a %01, say), and the service decodes it the same way.
    # (Some ASGI servers put the query in raw_path too; the query comes from query_string.)
    raw_path = (request.scope.get("raw_path") or request.url.path.encode()).split(b"?")[0]
    query = request.scope.get("query_string", b"")
    target = base_url.split("?")[0].rstrip("/") + raw_path.decode("latin-1")
    if query:
        target += "?" + query.decode("latin-1")
    return URL(target, encoded=True)


async def _send(client: aiohttp.ClientSession, method: str, url: URL,
                headers: CIMultiDict[str], body: bytes | None) -> aiohttp.ClientResponse:
    try:
        return await client.request(method, url, headers=headers, data=body,
                                    allow_redirects=False)
    except aiohttp.ClientConnectorError:
        # No connection: nothing was sent, whatever the method. Once more on a fresh one
        # (a service restarting behind its address).
        await asyncio.sleep(RECONNECT_PAUSE)
        return await client.request(method, url, headers=headers, data=body,
                                    allow_redirects=False)


async def forward(client: aiohttp.ClientSession, *, service: str, base_url: str,
                  request: Request, context: str, cid: str) -> StreamingResponse:
    body = await request.body() or None
    try:
        upstream = await _send(client, request.method, _url(base_url, request),
                               _request_headers(request, context, cid), body)
    except aiohttp.ConnectionTimeoutError as exc:
        raise ServiceUnavailable(f"{service} service unavailable (connection timed out)"
                                 ) from exc
    except (aiohttp.ServerTimeoutError, TimeoutError) as exc:
        raise GatewayTimeout(f"{service} service did not answer in time; try again") from exc
    except aiohttp.ClientError as exc:
        log.warning("proxy to %s failed: %r", service, exc)
        raise ServiceUnavailable(f"{service} service unavailable") from exc
    drop = _DROP_RESPONSE | {h.encode() for h in _named_in_connection(
        upstream.headers.getall("connection", []))}
    response = StreamingResponse(_relay(upstream, service), status_code=upstream.status,
                                 background=BackgroundTask(upstream.release))
    # raw_headers keeps repeated headers (e.g. several Set-Cookie) intact.
    response.raw_headers = [(k, v) for k, v in upstream.raw_headers if k.lower() not in drop]
    return response


async def _relay(upstream: aiohttp.ClientResponse, service: str):
    try:
        async for chunk in upstream.content.iter_any():
            yield chunk
    except (aiohttp.ClientError, TimeoutError) as exc:
        # The status line is already sent: all that is left is to cut the body short.
        log.warning("proxy from %s broke off mid-answer: %r", service, exc)
        upstream.close()
        raise

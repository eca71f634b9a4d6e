"""One HTTP attempt of a delivery: the URL checked again (DNS can change since it was
saved), the connection made to the address that was checked (the request carries the
name in `Host` and, for https, in SNI and the certificate check: no second lookup), a
total time limit, no redirects followed."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from .ssrf import AllowList, Resolver, UnsafeUrl, check_url, resolve


@dataclass(frozen=True)
class Outcome:
    code: int | None
    latency_ms: int
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.error is None


def _pinned(url: str, address: str) -> str:
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


class Sender:
    def __init__(self, allow: AllowList, timeout: float, resolver: Resolver = resolve,
                 max_connections: int = 100) -> None:
        self.allow = allow
        self.timeout = timeout
        self.resolver = resolver
        # No proxies from the environment (they would undo the address check), no
        # redirects; the time limit is enforced around the whole request below.
        self.client = httpx.AsyncClient(
            follow_redirects=False, trust_env=False, timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=max_connections,
                                max_keepalive_connections=max_connections))

    async def close(self) -> None:
        await self.client.aclose()

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> Outcome:
        started = time.perf_counter()

        def took() -> int:
            return round((time.perf_counter() - started) * 1000)

        try:
            target = await check_url(url, self.allow, self.resolver)
        except UnsafeUrl as exc:
            return Outcome(None, took(), f"refused: the URL {exc}")
        netloc = urlsplit(url).netloc
        extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
        try:
            async with asyncio.timeout(self.timeout):
                # Streamed and never read: the answer's body does not matter, whatever size.
                async with self.client.stream(
                        "POST", _pinned(url, target.address), content=body,
                        extensions=extensions,
                        headers={**headers, "Host": netloc,
                                 "Content-Type": "application/cloudevents+json",
                                 "User-Agent": "Tidtam-Webhooks/1"}) as response:
                    code, location = response.status_code, response.headers.get("location")
        except TimeoutError:
            return Outcome(None, took(), f"no answer within {self.timeout:g} s")
        except httpx.HTTPError as exc:
            return Outcome(None, took(), f"{exc.__class__.__name__}: {exc}"[:500])
        if 200 <= code < 300:
            return Outcome(code, took(), None)
        if 300 <= code < 400:
            return Outcome(code, took(), f"answered {code}, a redirect (to "
                                         f"{(location or '')[:200]!r}); "
                                         "redirects are not followed")
        return Outcome(code, took(), f"answered {code}")

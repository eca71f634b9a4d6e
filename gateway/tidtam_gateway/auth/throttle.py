"""Brute-force protection for `POST /api/v1/auth/token`.

Every login attempt is counted in PostgreSQL, per normalised email and per client address,
before the password is looked at; so the count holds across gateway processes, and parallel
attempts cannot slip past it. An attempt beyond TIDTAM_LOGIN_MAX_FAILURES for its email, or
TIDTAM_LOGIN_MAX_FAILURES_PER_IP for its address, is refused with 429 and `Retry-After`
without checking the password. A login that works clears its email's count and gives the
address back its attempt, so what remains counted are the failures (wrong passwords, unknown
emails alike: nothing here depends on whether the email exists).

The window is fixed: it starts at the first counted attempt and lasts
TIDTAM_LOGIN_WINDOW_SECONDS; the next attempt after it starts a new one. So at most the
limit fails per window (twice the limit across the edge of two windows).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import unicodedata
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import asyncpg
from fastapi import Request

from crmkit.errors import Conflict, TooManyRequests, Unauthorized

from ..config import GatewaySettings
from . import repository

CLEANUP_BATCH = 100


def normalise_email(email: str) -> str:
    return unicodedata.normalize("NFC", email.strip().lower())


def client_ip(request: Request, trusted_proxies: frozenset[str]) -> str:
    """The peer, or, when the peer is a trusted proxy, the client its X-Forwarded-For names.

    That is the right-most address no trusted proxy added: entries to its left came from
    the client itself (a proxy appends to what it was sent), so they can be anything.
    """
    peer = request.client.host if request.client else ""
    if peer not in trusted_proxies:
        return peer or "unknown"
    hops = ",".join(request.headers.getlist("x-forwarded-for")).split(",")
    for hop in reversed([h.strip() for h in hops if h.strip()]):
        try:
            address = str(ipaddress.ip_address(hop))
        except ValueError:
            break  # a malformed entry: trust nothing left of it
        if address not in trusted_proxies:
            return address
    return peer


def _key(secret: str, scope: str, value: str) -> bytes:
    return hmac.new(secret.encode(), f"{scope}:{value}".encode(), hashlib.sha256).digest()


def _in_words(seconds: int) -> str:
    at = (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%H:%M UTC")
    if seconds < 60:
        return f"{seconds} second{'s' * (seconds != 1)}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' * (minutes != 1)} (after {at})"


def _refusal(over: list[repository.AttemptRow]) -> TooManyRequests:
    wait = max(row["retry_after"] for row in over)
    what = ("for this email" if any(row["scope"] == "email" for row in over)
            else "from your network address")
    return TooManyRequests(f"too many failed logins {what}; try again in {_in_words(wait)}",
                           code="too_many_requests", headers={"Retry-After": str(wait)})


@asynccontextmanager
async def attempt(pool: asyncpg.Pool, settings: GatewaySettings, *, email: str,
                  ip: str) -> AsyncIterator[None]:
    """Count a login attempt; raise 429 when over a limit, else run the body (the login)."""
    secret = settings.jwt_secret.get_secret_value()
    email_key = _key(secret, "email", normalise_email(email))
    ip_key = _key(secret, "ip", ip)
    window = float(settings.login_window_seconds)
    limits = {"email": settings.login_max_failures, "ip": settings.login_max_failures_per_ip}
    rows = await repository.count_attempt(pool, email_key=email_key, ip_key=ip_key,
                                          window=window)
    over = [row for row in rows if row["attempts"] > limits[row["scope"]]]
    if over:
        raise _refusal(over)
    try:
        yield
    except Conflict:  # the password was right; the client must only name the tenant
        await repository.attempt_succeeded(pool, email_key=email_key, ip_key=ip_key)
        raise
    except Unauthorized:  # stays counted; the failure path pays for the cleanup
        await repository.clean_up_attempts(pool, window, CLEANUP_BATCH)
        raise
    await repository.attempt_succeeded(pool, email_key=email_key, ip_key=ip_key)

"""Access tokens (JWT HS256) and API keys (shown once; only their SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from typing import NamedTuple

import jwt

from crmkit.errors import Unauthorized

API_KEY_PREFIX = "tdk_"
_ALG = "HS256"


def _key(secret: str) -> bytes:
    # HS256 wants a 256-bit key; hashing the configured secret gives exactly that whatever
    # its length (PyJWT warns on every call about shorter ones).
    return hashlib.sha256(secret.encode()).digest()


class TokenClaims(NamedTuple):
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    # The user's session generation when the token was issued: a token of an older one is
    # refused (auth/service.py). Tokens from before generations existed read as 0.
    generation: int = 0


def issue_access_token(secret: str, *, user_id: uuid.UUID, tenant_id: uuid.UUID,
                       ttl: int, generation: int = 0) -> str:
    now = int(time.time())
    claims = {"sub": str(user_id), "tid": str(tenant_id), "gen": generation, "iat": now,
              "exp": now + ttl}
    return jwt.encode(claims, _key(secret), algorithm=_ALG)


def read_access_token(secret: str, token: str) -> TokenClaims:
    """The claims of a valid token; anything else is a 401 that says why."""
    return _verify(secret, token)[0]


def _verify(secret: str, token: str) -> tuple[TokenClaims, float]:
    try:
        claims = jwt.decode(token, _key(secret), algorithms=[_ALG],
                            options={"require": ["exp", "sub", "tid"]})
        generation = claims.get("gen", 0)
        if not isinstance(generation, int) or isinstance(generation, bool):
            raise ValueError("gen")
        return (TokenClaims(uuid.UUID(claims["tid"]), uuid.UUID(claims["sub"]), generation),
                float(claims["exp"]))
    except jwt.ExpiredSignatureError as exc:
        raise _expired() from exc
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise Unauthorized("the access token is invalid; log in at /api/v1/auth/token",
                           headers={"WWW-Authenticate": "Bearer"}) from exc


def _expired() -> Unauthorized:
    return Unauthorized("the access token has expired; log in again",
                        headers={"WWW-Authenticate": "Bearer"})


class VerifiedTokens:
    """Access tokens whose signature this process has checked, with their expiry: a token
    seen again is only checked against the clock (the HMAC and JSON work of verifying one
    were a few percent of the gateway's time per request). A token is a fixed string, so
    what was verified once stays verified until it expires."""

    def __init__(self, secret: str, *, max_entries: int = 100_000):
        self._secret = secret
        self._max_entries = max_entries
        self._seen: dict[str, tuple[TokenClaims, float]] = {}

    def read(self, token: str) -> TokenClaims:
        """The claims, as read_access_token."""
        seen = self._seen.get(token)
        if seen is None:
            seen = _verify(self._secret, token)
            if len(self._seen) >= self._max_entries:
                self._seen.clear()
            self._seen[token] = seen
        if time.time() >= seen[1]:
            self._seen.pop(token, None)
            raise _expired()
        return seen[0]


def new_api_key() -> tuple[str, str, str]:
    """(the key to show once, its display prefix, its stored hash)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[: len(API_KEY_PREFIX) + 6], hash_api_key(key)


def hash_api_key(key: str) -> str:
    # A fast hash is enough: the key has 256 random bits, nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def is_api_key(token: str) -> bool:
    return token.startswith(API_KEY_PREFIX)

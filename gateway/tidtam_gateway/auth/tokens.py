"""Access tokens (JWT HS256) and API keys (shown once; only their SHA-256 is stored)."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid

import jwt

from crmkit.errors import Unauthorized

API_KEY_PREFIX = "tdk_"
_ALG = "HS256"


def _key(secret: str) -> bytes:
    # HS256 wants a 256-bit key; hashing the configured secret gives exactly that whatever
    # its length (PyJWT warns on every call about shorter ones).
    return hashlib.sha256(secret.encode()).digest()


def issue_access_token(secret: str, *, user_id: uuid.UUID, tenant_id: uuid.UUID,
                       ttl: int) -> str:
    now = int(time.time())
    claims = {"sub": str(user_id), "tid": str(tenant_id), "iat": now, "exp": now + ttl}
    return jwt.encode(claims, _key(secret), algorithm=_ALG)


def read_access_token(secret: str, token: str) -> tuple[uuid.UUID, uuid.UUID]:
    """(tenant id, user id) of a valid token; anything else is a 401 that says why."""
    tenant_id, user_id, _exp = _verify(secret, token)
    return tenant_id, user_id


def _verify(secret: str, token: str) -> tuple[uuid.UUID, uuid.UUID, float]:
    try:
        claims = jwt.decode(token, _key(secret), algorithms=[_ALG],
                            options={"require": ["exp", "sub", "tid"]})
        return uuid.UUID(claims["tid"]), uuid.UUID(claims["sub"]), float(claims["exp"])
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
        self._seen: dict[str, tuple[uuid.UUID, uuid.UUID, float]] = {}

    def read(self, token: str) -> tuple[uuid.UUID, uuid.UUID]:
        """(tenant id, user id), as read_access_token."""
        seen = self._seen.get(token)
        if seen is None:
            seen = _verify(self._secret, token)
            if len(self._seen) >= self._max_entries:
                self._seen.clear()
            self._seen[token] = seen
        if time.time() >= seen[2]:
            self._seen.pop(token, None)
            raise _expired()
        return seen[0], seen[1]


def new_api_key() -> tuple[str, str, str]:
    """(the key to show once, its display prefix, its stored hash)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[: len(API_KEY_PREFIX) + 6], hash_api_key(key)


def hash_api_key(key: str) -> str:
    # A fast hash is enough: the key has 256 random bits, nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def is_api_key(token: str) -> bool:
    return token.startswith(API_KEY_PREFIX)

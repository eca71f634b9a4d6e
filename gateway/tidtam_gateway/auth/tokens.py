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
    try:
        claims = jwt.decode(token, _key(secret), algorithms=[_ALG],
                            options={"require": ["exp", "sub", "tid"]})
        return uuid.UUID(claims["tid"]), uuid.UUID(claims["sub"])
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the access token has expired; log in again",
                           headers={"WWW-Authenticate": "Bearer"}) from exc
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise Unauthorized("the access token is invalid; log in at /api/v1/auth/token",
                           headers={"WWW-Authenticate": "Bearer"}) from exc


def new_api_key() -> tuple[str, str, str]:
    """(the key to show once, its display prefix, its stored hash)."""
    key = API_KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[: len(API_KEY_PREFIX) + 6], hash_api_key(key)


def hash_api_key(key: str) -> str:
    # A fast hash is enough: the key has 256 random bits, nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def is_api_key(token: str) -> bool:
    return token.startswith(API_KEY_PREFIX)

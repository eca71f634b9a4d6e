"""Login and per-request authentication."""

from __future__ import annotations

import uuid

import asyncpg

from crmkit.context import authenticated_tenant
from crmkit.errors import Conflict, Unauthorized

from . import repository
from .cache import CallerCache
from .caller import Caller
from .passwords import verify_password
from .tokens import VerifiedTokens, hash_api_key, is_api_key, issue_access_token

_BEARER = {"WWW-Authenticate": "Bearer"}


async def login(pool: asyncpg.Pool, *, email: str, password: str, secret: str,
                ttl: int, tenant_id: uuid.UUID | None = None) -> str:
    """An access token for the account this email+password opens.

    One email may belong to several tenants. When the password opens more than one of them,
    the caller must say which (`tenant_id`): never log someone into a tenant by chance.
    """
    # No stored email holds NUL, and PostgreSQL refuses it in a parameter (a 500 otherwise).
    email = email.strip().lower()
    candidates = [] if "\x00" in email else await repository.login_candidates(pool, email)
    if tenant_id is not None:
        candidates = [row for row in candidates if row["tenant_id"] == tenant_id]
    if not candidates:
        await verify_password(None, password)
    opened = [row for row in candidates if await verify_password(row["password_hash"], password)]
    if len(opened) > 1:
        ids = ", ".join(str(row["tenant_id"]) for row in opened)
        raise Conflict(f"this email and password open accounts in {len(opened)} tenants; log in "
                       f"again with the form field tenant_id set to one of: {ids}",
                       code="tenant_required")
    if opened:
        return issue_access_token(secret, user_id=opened[0]["user_id"],
                                  tenant_id=opened[0]["tenant_id"], ttl=ttl,
                                  generation=opened[0]["session_generation"])
    raise Unauthorized("wrong email or password", code="invalid_credentials", headers=_BEARER)


async def authenticate(pool: asyncpg.Pool, cache: CallerCache, tokens: VerifiedTokens, *,
                       bearer: str | None, api_key: str | None) -> Caller:
    """The caller, from the cache when it holds them (invalidated by every change to the
    rows it is built from, auth/cache.py), else from the database."""
    if api_key or (bearer and is_api_key(bearer)):
        key_hash = hash_api_key((api_key or bearer or "").strip())
        return await cache.get(("key", key_hash), lambda: _by_api_key(pool, key_hash))
    if not bearer:
        raise Unauthorized("log in first: send `Authorization: Bearer <token>` from "
                           "/api/v1/auth/token, or an API key", headers=_BEARER)
    tenant_id, user_id, generation = tokens.read(bearer)
    caller = await cache.get(("user", tenant_id, user_id),
                             lambda: _by_user(pool, tenant_id=tenant_id, user_id=user_id))
    # Rides on the cached caller: a password change bumps the generation in the users row,
    # whose change drops the cached caller (at once in this process, by NOTIFY in others).
    if caller.session_generation != generation:
        raise Unauthorized("this session has ended (the password was changed or reset); "
                           "log in again", code="session_ended", headers=_BEARER)
    return caller


async def _by_user(pool: asyncpg.Pool, *, tenant_id: uuid.UUID, user_id: uuid.UUID) -> Caller:
    row = await repository.caller_by_user(pool, tenant_id=tenant_id, user_id=user_id)
    if row is None or not row["active"]:
        raise Unauthorized("this account is deactivated or no longer exists", headers=_BEARER)
    return Caller(
        tenant=authenticated_tenant(row["tenant_id"]), user_id=row["user_id"], role=row["role"],
        team_id=row["team_id"], email=row["email"], name=row["name"],
        lead_visibility=row["lead_visibility"], allow_stage_back=row["allow_stage_back"],
        account_visibility=row["account_visibility"],
        team_member_ids=tuple(row["team_member_ids"] or ()),
        session_generation=row["session_generation"], language=row["language"],
        must_change_password=row["must_change_password"],
        allow_price_edit=row["allow_price_edit"],
    )


async def _by_api_key(pool: asyncpg.Pool, key_hash: str) -> Caller:
    row = await repository.caller_by_key(pool, key_hash)
    if row is None:
        raise Unauthorized("the API key is invalid or has been revoked", headers=_BEARER)
    # An integration acts for the admin who made the key (so records it creates have an
    # owner that exists) with the `integration` role, which sees the whole tenant.
    return Caller(
        tenant=authenticated_tenant(row["tenant_id"]), user_id=row["user_id"], role="integration",
        team_id=None, email=None, name=None, lead_visibility=row["lead_visibility"],
        allow_stage_back=row["allow_stage_back"],
        account_visibility=row["account_visibility"], api_key_id=row["key_id"],
        allow_price_edit=row["allow_price_edit"],
    )

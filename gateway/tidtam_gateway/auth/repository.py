"""Cross-tenant reads for authentication, through the SECURITY DEFINER functions of the
migration (the app role cannot read other tenants' rows any other way)."""

from __future__ import annotations

import uuid

import asyncpg

# A connection the server dropped (restart, idle timeout) fails once; the pool discards it,
# so a single retry on a fresh one hides the blip from the caller.
_RETRY_ON = (asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError,
             asyncpg.CannotConnectNowError, ConnectionError)


async def _fetch(pool: asyncpg.Pool, sql: str, *args) -> list[asyncpg.Record]:
    for attempt in (1, 2):
        try:
            return await pool.fetch(sql, *args)
        except _RETRY_ON:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def login_candidates(pool: asyncpg.Pool, email: str) -> list[asyncpg.Record]:
    return await _fetch(pool, "SELECT * FROM gateway_login_candidates($1)", email)


async def caller_by_user(pool: asyncpg.Pool, tenant_id: uuid.UUID,
                         user_id: uuid.UUID) -> asyncpg.Record | None:
    rows = await _fetch(pool, "SELECT * FROM gateway_caller($1, $2)", tenant_id, user_id)
    return rows[0] if rows else None


async def caller_by_key(pool: asyncpg.Pool, key_hash: str) -> asyncpg.Record | None:
    rows = await _fetch(pool, "SELECT * FROM gateway_caller_by_key($1)", key_hash)
    return rows[0] if rows else None

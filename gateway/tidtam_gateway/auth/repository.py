"""Cross-tenant reads for authentication, through the SECURITY DEFINER functions of the
migration (the app role cannot read other tenants' rows any other way)."""

from __future__ import annotations

import uuid
from typing import Literal, TypedDict

import asyncpg

from crmkit.context import Role, Visibility
from crmkit.db import row_as, rows_as


class LoginCandidate(TypedDict):
    tenant_id: uuid.UUID
    user_id: uuid.UUID
    password_hash: str
    session_generation: int


class CallerRow(TypedDict):
    """gateway_caller(): the user, their tenant's visibility settings and team."""

    tenant_id: uuid.UUID
    user_id: uuid.UUID
    email: str
    name: str
    role: Role
    team_id: uuid.UUID | None
    active: bool
    lead_visibility: Visibility
    allow_stage_back: bool
    team_member_ids: list[uuid.UUID] | None
    account_visibility: Visibility
    session_generation: int
    language: Literal["th", "en"]
    must_change_password: bool
    allow_price_edit: bool


class KeyCallerRow(TypedDict):
    """gateway_caller_by_key(): the key, who made it, the tenant's settings."""

    tenant_id: uuid.UUID
    key_id: uuid.UUID
    user_id: uuid.UUID
    lead_visibility: Visibility
    allow_stage_back: bool
    account_visibility: Visibility
    allow_price_edit: bool


class AttemptRow(TypedDict):
    scope: Literal["email", "ip"]
    attempts: int
    retry_after: int


# A connection the server dropped (restart, idle timeout) fails once; the pool discards it,
# so a single retry on a fresh one hides the blip from the caller.
_RETRY_ON = (asyncpg.ConnectionDoesNotExistError, asyncpg.InterfaceError,
             asyncpg.CannotConnectNowError, ConnectionError)


async def _fetch(pool: asyncpg.Pool, sql: str, *args: object) -> list[asyncpg.Record]:
    for attempt in (1, 2):
        try:
            return await pool.fetch(sql, *args)
        except _RETRY_ON:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def login_candidates(pool: asyncpg.Pool, email: str) -> list[LoginCandidate]:
    return rows_as(LoginCandidate, await _fetch(
        pool, "SELECT * FROM gateway_login_candidates($1)", email))


async def caller_by_user(pool: asyncpg.Pool, *, tenant_id: uuid.UUID,
                         user_id: uuid.UUID) -> CallerRow | None:
    rows = await _fetch(pool, "SELECT * FROM gateway_caller($1, $2)", tenant_id, user_id)
    return row_as(CallerRow, rows[0]) if rows else None


async def caller_by_key(pool: asyncpg.Pool, key_hash: str) -> KeyCallerRow | None:
    rows = await _fetch(pool, "SELECT * FROM gateway_caller_by_key($1)", key_hash)
    return row_as(KeyCallerRow, rows[0]) if rows else None


# The login throttle (throttle.py). One statement counts an attempt for the email and for
# the address at once, atomically: concurrent attempts each get their own number. A window
# that has run out starts again at this attempt.
_COUNT_ATTEMPT = """
INSERT INTO login_throttle AS t (scope, key_hash, window_start, attempts)
VALUES ('email', $1, now(), 1), ('ip', $2, now(), 1)
ON CONFLICT (scope, key_hash) DO UPDATE SET
    attempts = CASE WHEN t.window_start <= now() - make_interval(secs => $3) THEN 1
                    ELSE t.attempts + 1 END,
    window_start = CASE WHEN t.window_start <= now() - make_interval(secs => $3) THEN now()
                        ELSE t.window_start END
RETURNING scope, attempts,
    greatest(1, ceil(extract(epoch FROM window_start + make_interval(secs => $3) - now())))::int
        AS retry_after
"""

# A login that worked: the email starts afresh; the address gives back this attempt only
# (one account that works must not wipe an address's failures on others).
_SUCCEEDED = """
WITH cleared AS (DELETE FROM login_throttle WHERE scope = 'email' AND key_hash = $1)
UPDATE login_throttle SET attempts = greatest(attempts - 1, 0)
WHERE scope = 'ip' AND key_hash = $2
"""

# A bounded cleanup of windows that have run out, oldest first; rows another login holds
# are skipped rather than waited for.
_CLEAN_UP = """
DELETE FROM login_throttle WHERE (scope, key_hash) IN (
    SELECT scope, key_hash FROM login_throttle
    WHERE window_start <= now() - make_interval(secs => $1)
    ORDER BY window_start LIMIT $2 FOR UPDATE SKIP LOCKED)
"""


async def count_attempt(pool: asyncpg.Pool, *, email_key: bytes, ip_key: bytes,
                        window: float) -> list[AttemptRow]:
    """(scope, attempts, retry_after seconds) for the email and the address."""
    return rows_as(AttemptRow, await _fetch(pool, _COUNT_ATTEMPT, email_key, ip_key, window))


async def attempt_succeeded(pool: asyncpg.Pool, *, email_key: bytes,
                            ip_key: bytes) -> None:
    await _fetch(pool, _SUCCEEDED, email_key, ip_key)


async def clean_up_attempts(pool: asyncpg.Pool, window: float, batch: int) -> None:
    await _fetch(pool, _CLEAN_UP, window, batch)

"""Cross-tenant reads for authentication, through the SECURITY DEFINER functions of the
migration (the app role cannot read other tenants' rows any other way)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncEngine

_CANDIDATES = sa.text("SELECT * FROM gateway_login_candidates(:email)")
_CALLER = sa.text("SELECT * FROM gateway_caller(:tenant, :user)")
_CALLER_BY_KEY = sa.text("SELECT * FROM gateway_caller_by_key(:hash)")


async def login_candidates(engine: AsyncEngine, email: str) -> list[Row]:
    async with engine.connect() as conn:
        return list((await conn.execute(_CANDIDATES, {"email": email})).all())


async def caller_by_user(engine: AsyncEngine, tenant_id: uuid.UUID,
                         user_id: uuid.UUID) -> Row | None:
    async with engine.connect() as conn:
        return (await conn.execute(_CALLER, {"tenant": tenant_id, "user": user_id})).first()


async def caller_by_key(engine: AsyncEngine, key_hash: str) -> Row | None:
    async with engine.connect() as conn:
        return (await conn.execute(_CALLER_BY_KEY, {"hash": key_hash})).first()

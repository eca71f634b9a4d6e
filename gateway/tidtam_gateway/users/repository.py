from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.errors import Conflict
from crmkit.text import like_escape

from .models import User

_EMAIL_TAKEN = "a user with this email already exists in this tenant"


async def email_taken(session: AsyncSession, email: str, *, besides: uuid.UUID | None = None
                      ) -> bool:
    q = sa.select(sa.literal(1)).where(User.email == email)
    if besides is not None:
        q = q.where(User.id != besides)
    return (await session.execute(q.limit(1))).first() is not None


async def insert(session: AsyncSession, **values: Any) -> User:
    user = User(id=uuid.uuid4(), **values)
    session.add(user)
    await _flush(session)
    await session.refresh(user)
    return user


async def get(session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
              ) -> User | None:
    q = sa.select(User).where(User.id == user_id)
    if for_update:
        q = q.with_for_update()
    return (await session.execute(q)).scalar()


async def page(session: AsyncSession, *, limit: int, after_email: str | None) -> list[User]:
    """Ordered by email (unique per tenant), so the cursor is simply the last email."""
    q = sa.select(User).order_by(User.email).limit(limit + 1)
    if after_email is not None:
        q = q.where(User.email > after_email)
    return list((await session.execute(q)).scalars())


async def people(session: AsyncSession, *, limit: int, after: tuple[str, uuid.UUID] | None,
                 terms: list[str], team_id: uuid.UUID | None = None,
                 active: bool | None = None) -> list[User]:
    """By name, then id (a picker's order); each of `terms` (lower-cased) found in the name
    or the email. A tenant's users are few enough (thousands) to scan per search."""
    q = sa.select(User).order_by(User.name, User.id).limit(limit + 1)
    for term in terms:
        pattern = f"%{like_escape(term)}%"
        q = q.where(sa.or_(sa.func.lower(User.name).like(pattern, escape="\\"),
                           User.email.like(pattern, escape="\\")))
    if team_id is not None:
        q = q.where(User.team_id == team_id)
    if active is not None:
        q = q.where(User.active.is_(active))
    if after is not None:
        q = q.where(sa.tuple_(User.name, User.id) > sa.tuple_(sa.literal(after[0]),
                                                              sa.literal(after[1])))
    return list((await session.execute(q)).scalars())


async def members(session: AsyncSession, team_id: uuid.UUID, *, limit: int) -> list[User]:
    q = sa.select(User).where(User.team_id == team_id).order_by(User.name, User.id)
    return list((await session.execute(q.limit(limit))).scalars())


async def count_members(session: AsyncSession, team_id: uuid.UUID) -> int:
    q = sa.select(sa.func.count()).select_from(User).where(User.team_id == team_id)
    return int((await session.execute(q)).scalar_one())


async def save(session: AsyncSession, user: User, changes: dict[str, Any]) -> User:
    for key, value in changes.items():
        setattr(user, key, value)
    user.version = user.version + 1
    user.updated_at = sa.func.now()
    await _flush(session)
    await session.refresh(user)
    return user


async def _flush(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        # The transaction is aborted now; the edge rolls it back when this propagates.
        if "uq_users_tenant_id_email" in str(exc.orig):
            raise Conflict(_EMAIL_TAKEN, code="email_taken") from exc
        raise

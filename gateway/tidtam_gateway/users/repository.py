from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.errors import Conflict

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


async def people(session: AsyncSession, *, limit: int, after_id: str | None) -> list[User]:
    """Ordered by id, so the cursor (the last id) says nothing about anyone."""
    q = sa.select(User).order_by(User.id).limit(limit + 1)
    if after_id is not None:
        q = q.where(sa.cast(User.id, sa.Text) > after_id)
    return list((await session.execute(q)).scalars())


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

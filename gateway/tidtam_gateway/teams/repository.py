from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.errors import Conflict

from .models import Team


async def exists(session: AsyncSession, team_id: uuid.UUID) -> bool:
    q = sa.select(sa.literal(1)).where(Team.id == team_id)
    return (await session.execute(q)).first() is not None


async def name_taken(session: AsyncSession, name: str) -> bool:
    q = sa.select(sa.literal(1)).where(Team.name == name)
    return (await session.execute(q)).first() is not None


async def get(session: AsyncSession, team_id: uuid.UUID, *, for_update: bool = False
              ) -> Team | None:
    q = sa.select(Team).where(Team.id == team_id)
    return (await session.execute(q.with_for_update() if for_update else q)).scalar()


async def rename(session: AsyncSession, team: Team, name: str) -> Team:
    team.name = name
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("a team with this name already exists", code="team_exists") from exc
    return team


async def delete(session: AsyncSession, team: Team) -> None:
    await session.delete(team)
    await session.flush()


async def insert(session: AsyncSession, *, tenant_id: uuid.UUID, name: str) -> Team:
    team = Team(id=uuid.uuid4(), tenant_id=tenant_id, name=name)
    session.add(team)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("a team with this name already exists", code="team_exists") from exc
    await session.refresh(team)
    return team


async def page(session: AsyncSession, *, limit: int, after_name: str | None) -> list[Team]:
    q = sa.select(Team).order_by(Team.name).limit(limit + 1)
    if after_name is not None:
        q = q.where(Team.name > after_name)
    return list((await session.execute(q)).scalars())

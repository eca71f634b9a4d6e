from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.errors import Conflict
from tidtam_contracts.gateway import TeamCreatedV1

from .. import eventing
from ..common import Page, decode_cursor, encode_cursor
from . import repository
from .models import Team
from .schemas import TeamCreate, TeamOut


async def create_team(session: AsyncSession, tenant_id: uuid.UUID, data: TeamCreate) -> Team:
    if await repository.name_taken(session, data.name):
        raise Conflict("a team with this name already exists", code="team_exists")
    team = await repository.insert(session, tenant_id=tenant_id, name=data.name)
    await eventing.stage(session, TeamCreatedV1(id=team.id, tenant_id=tenant_id, name=team.name),
                         tenant_id=tenant_id, subject=team.id)
    return team


async def list_teams(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[TeamOut]:
    rows = await repository.page(session, limit=limit, after_name=decode_cursor(cursor))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page[TeamOut](items=[TeamOut.model_validate(t, from_attributes=True) for t in rows],
                         next_cursor=encode_cursor(rows[-1].name) if more else None)

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.errors import Conflict, FieldError, NotFound
from tidtam_contracts.gateway import TeamCreatedV1, TeamDeletedV1, TeamRenamedV1

from .. import eventing
from ..common import Page, decode_cursor, encode_cursor
from ..users import repository as users_repository
from . import repository
from .models import Team
from .schemas import TeamCreate, TeamOut, TeamPatch

# How many members a refused delete names one by one (the message gives the count).
NAMED_MEMBERS = 20


async def create_team(session: AsyncSession, tenant_id: uuid.UUID, data: TeamCreate) -> Team:
    if await repository.name_taken(session, data.name):
        raise Conflict("a team with this name already exists", code="team_exists")
    team = await repository.insert(session, tenant_id=tenant_id, name=data.name)
    await eventing.stage(session, TeamCreatedV1(id=team.id, tenant_id=tenant_id, name=team.name),
                         tenant_id=tenant_id, subject=team.id)
    return team


async def get_team(session: AsyncSession, team_id: uuid.UUID, *, for_update: bool = False
                   ) -> Team:
    team = await repository.get(session, team_id, for_update=for_update)
    if team is None:
        raise NotFound("no team with this id")
    return team


async def rename_team(session: AsyncSession, team_id: uuid.UUID, data: TeamPatch) -> Team:
    team = await get_team(session, team_id, for_update=True)
    if data.name is None or data.name == team.name:
        return team
    if await repository.name_taken(session, data.name):
        raise Conflict("a team with this name already exists", code="team_exists")
    team = await repository.rename(session, team, data.name)
    await eventing.stage(session, TeamRenamedV1(id=team.id, tenant_id=team.tenant_id,
                                                name=team.name),
                         tenant_id=team.tenant_id, subject=team.id)
    return team


async def delete_team(session: AsyncSession, team_id: uuid.UUID) -> None:
    """Only an empty team goes: otherwise 409 `team_not_empty`, naming its members (active
    or not: a deactivated member still belongs to it) in the message and, one by one with
    their ids, in `fields`."""
    team = await get_team(session, team_id, for_update=True)
    count = await users_repository.count_members(session, team_id)
    if count:
        members = await users_repository.members(session, team_id, limit=NAMED_MEMBERS)
        names = ", ".join(m.name + ("" if m.active else " (deactivated)") for m in members)
        more = f" and {count - len(members)} more" if count > len(members) else ""
        raise Conflict(
            f"team {team.name!r} still has {count} member{'s' * (count != 1)}: {names}{more}; "
            "move them to another team (or to none) first", code="team_not_empty",
            fields=[FieldError(field="path.team_id", message=f"{m.name} is in this team",
                               code="team_member",
                               params={"user_id": str(m.id), "name": m.name,
                                       "active": m.active})
                    for m in members])
    await repository.delete(session, team)
    await eventing.stage(session, TeamDeletedV1(id=team.id, tenant_id=team.tenant_id),
                         tenant_id=team.tenant_id, subject=team.id)


async def list_teams(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[TeamOut]:
    rows = await repository.page(session, limit=limit, after_name=decode_cursor(cursor))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page[TeamOut](items=[TeamOut.model_validate(t, from_attributes=True) for t in rows],
                         next_cursor=encode_cursor(rows[-1].name) if more else None)

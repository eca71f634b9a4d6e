from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..common import Cursor, Limit, Page
from ..deps import AdminCaller, Db, IdempotentDb
from . import service
from .schemas import TeamCreate, TeamOut, TeamPatch

router = APIRouter(prefix="/api/v1/teams", tags=["teams"], route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=TeamOut,
             responses=error_responses(401, 403, 409, 413, 422), summary="Add a team (admin)")
async def create_team(body: TeamCreate, caller: AdminCaller, db: IdempotentDb) -> TeamOut:
    team = await service.create_team(db, caller.tenant.value, body)
    return TeamOut.model_validate(team, from_attributes=True)


@router.get("", response_model=Page[TeamOut], responses=error_responses(401, 403, 422),
            summary="Teams of the tenant, by name (admin)")
async def list_teams(caller: AdminCaller, db: Db, limit: Limit = 50,
                     cursor: Cursor = None) -> Page[TeamOut]:
    return await service.list_teams(db, limit=limit, cursor=cursor)


@router.get("/{team_id}", response_model=TeamOut, responses=error_responses(401, 403, 404, 422),
            summary="A team (admin); its members: GET /api/v1/people?team_id=")
async def get_team(team_id: uuid.UUID, caller: AdminCaller, db: Db) -> TeamOut:
    return TeamOut.model_validate(await service.get_team(db, team_id), from_attributes=True)


@router.patch("/{team_id}", response_model=TeamOut,
              responses=error_responses(401, 403, 404, 409, 413, 422),
              summary="Rename a team (admin); a name another team has is 409")
async def rename_team(team_id: uuid.UUID, body: TeamPatch, caller: AdminCaller,
                      db: Db) -> TeamOut:
    team = await service.rename_team(db, team_id, body)
    return TeamOut.model_validate(team, from_attributes=True)


@router.delete("/{team_id}", status_code=204, response_class=Response,
               responses=error_responses(401, 403, 404, 409, 422),
               summary="Delete an empty team (admin); 409 `team_not_empty` names its members")
async def delete_team(team_id: uuid.UUID, caller: AdminCaller, db: Db) -> Response:
    await service.delete_team(db, team_id)
    return Response(status_code=204)

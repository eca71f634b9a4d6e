from __future__ import annotations

from fastapi import APIRouter

from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..common import Cursor, Limit, Page
from ..deps import AdminCaller, Db, IdempotentDb
from . import service
from .schemas import TeamCreate, TeamOut

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

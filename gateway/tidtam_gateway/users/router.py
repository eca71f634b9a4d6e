from __future__ import annotations

import uuid

from fastapi import APIRouter

from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..common import Cursor, Limit, Page
from ..deps import AdminCaller, CurrentCaller, Db, IdempotentDb
from . import service
from .models import User
from .schemas import PersonOut, UserCreate, UserOut, UserUpdate

router = APIRouter(prefix="/api/v1/users", tags=["users"], route_class=IdempotentRoute)
people_router = APIRouter(prefix="/api/v1/people", tags=["users"])


def _out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


@router.post("", status_code=201, response_model=UserOut,
             responses=error_responses(401, 403, 404, 409, 413, 422),
             summary="Add a user (admin); an unknown `team_id` is 404")
async def create_user(body: UserCreate, caller: AdminCaller, db: IdempotentDb) -> UserOut:
    return _out(await service.add_user(db, caller.tenant.value, body))


@router.get("", response_model=Page[UserOut], responses=error_responses(401, 403, 422),
            summary="Users of the tenant, by email (admin)")
async def list_users(caller: AdminCaller, db: Db, limit: Limit = 50,
                     cursor: Cursor = None) -> Page[UserOut]:
    return await service.list_users(db, limit=limit, cursor=cursor)


@router.get("/{user_id}", response_model=UserOut, responses=error_responses(401, 403, 404, 422),
            summary="A user (admin)")
async def get_user(user_id: uuid.UUID, caller: AdminCaller, db: Db) -> UserOut:
    return _out(await service.get_user(db, user_id))


@router.patch("/{user_id}", response_model=UserOut,
              responses=error_responses(401, 403, 404, 409, 413, 422),
              summary="Change a user (admin); `active: false` deactivates")
async def update_user(user_id: uuid.UUID, body: UserUpdate, caller: AdminCaller,
                      db: Db) -> UserOut:
    return _out(await service.update_user(db, caller, user_id, body))


@router.delete("/{user_id}", response_model=UserOut,
               responses=error_responses(401, 403, 404, 409, 422),
               summary="Deactivate a user (admin); their tokens stop working at once")
async def deactivate_user(user_id: uuid.UUID, caller: AdminCaller, db: Db) -> UserOut:
    return _out(await service.deactivate_user(db, caller, user_id))


@people_router.get("", response_model=Page[PersonOut], responses=error_responses(401, 422),
                   summary="The tenant's people, for every role: id, name, role, team, active")
async def list_people(caller: CurrentCaller, db: Db, limit: Limit = 200,
                      cursor: Cursor = None) -> Page[PersonOut]:
    """What a salesperson needs to name lead owners and pick whom to send a lead to."""
    return await service.list_people(db, limit=limit, cursor=cursor)

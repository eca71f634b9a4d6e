from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AfterValidator

from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.text import check_unicode

from ..common import Cursor, Limit, Page
from ..deps import AdminCaller, CurrentCaller, Db, IdempotentDb
from . import service
from .models import User
from .schemas import (
    DeactivateIn,
    PasswordResetIn,
    PasswordResetOut,
    PersonOut,
    UserCreate,
    UserOut,
    UserUpdate,
)

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


@router.post("/{user_id}/deactivate", response_model=UserOut,
             responses=error_responses(401, 403, 404, 409, 413, 422),
             summary="Deactivate a user (admin), optionally handing their leads to another")
async def deactivate_with_transfer(user_id: uuid.UUID, body: DeactivateIn, caller: AdminCaller,
                                   db: IdempotentDb) -> UserOut:
    """Their tokens stop working at once. With `transfer_leads_to` (an active user, else
    404 on that field) the leads service moves every lead they own to that user within
    seconds (user.deactivated carries the choice; applied once, even if redelivered).
    Repeating it for an inactive user moves what they still own."""
    return _out(await service.deactivate_user(db, caller, user_id, body.transfer_leads_to))


@router.post("/{user_id}/reactivate", response_model=UserOut,
             responses=error_responses(401, 403, 404, 413, 422),
             summary="Reactivate a user (admin); they can log in again")
async def reactivate_user(user_id: uuid.UUID, caller: AdminCaller, db: IdempotentDb) -> UserOut:
    return _out(await service.reactivate_user(db, user_id))


@router.post("/{user_id}/password", response_model=PasswordResetOut,
             responses=error_responses(401, 403, 404, 413, 422),
             summary="Reset a user's password (admin); every session of theirs ends")
async def reset_password(user_id: uuid.UUID, body: PasswordResetIn, caller: AdminCaller,
                         db: Db) -> PasswordResetOut:
    """Sets `password`, or generates a one-time password returned only in this answer (no
    Idempotency-Key: the answer is a credential, kept nowhere; a retry resets again).
    Every access token the user holds stops working; with `must_change_password` (the
    default) GET /api/v1/me tells the UI to ask them for their own."""
    user, generated = await service.reset_password(db, user_id, body)
    return PasswordResetOut(user=_out(user), temporary_password=generated)


@people_router.get("", response_model=Page[PersonOut], responses=error_responses(401, 422),
                   summary="The tenant's people, for every role: search, by name")
async def list_people(
        caller: CurrentCaller, db: Db, limit: Limit = 200, cursor: Cursor = None,
        q: Annotated[Annotated[str, AfterValidator(check_unicode)] | None, Query(
            max_length=100, description=(
                "Words each found in the name (Thai or English) or the email, any case"))
        ] = None,
        team_id: Annotated[uuid.UUID | None, Query(description="Members of this team")] = None,
        active: Annotated[bool | None, Query(description=(
            "true: active people only (whom to send a lead to); false: deactivated"))] = None,
) -> Page[PersonOut]:
    """What a salesperson needs to name lead owners and pick whom to send a lead to, by
    name then id; pickers send `q` as the user types and follow `next_cursor`."""
    return await service.list_people(db, limit=limit, cursor=cursor, q=q, team_id=team_id,
                                     active=active)

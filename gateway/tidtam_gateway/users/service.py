from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.errors import Conflict, NotFound
from tidtam_contracts.gateway import UserCreatedV1, UserDeactivatedV1, UserUpdatedV1

from .. import eventing
from ..auth.caller import Caller
from ..auth.passwords import hash_password
from ..common import Page, decode_cursor, encode_cursor
from ..teams import repository as teams_repository
from . import repository
from .models import User
from .schemas import PersonOut, UserCreate, UserOut, UserUpdate


async def _stage(session: AsyncSession,
                 contract: type[UserCreatedV1 | UserUpdatedV1 | UserDeactivatedV1],
                 user: User) -> None:
    data = contract(id=user.id, tenant_id=user.tenant_id, email=user.email, name=user.name,
                    role=user.role, team_id=user.team_id, active=user.active)
    await eventing.stage(session, data, tenant_id=user.tenant_id, subject=user.id,
                         sequence=user.version)


async def _check_team(session: AsyncSession, team_id: uuid.UUID | None) -> None:
    # Under RLS another tenant's team is simply not found.
    if team_id is not None and not await teams_repository.exists(session, team_id):
        # A reference to a record the caller cannot see is 404, naming the field.
        raise NotFound.on("body.team_id", "no team with this id in your tenant",
                          code="unknown_team")


async def add_user(session: AsyncSession, tenant_id: uuid.UUID, data: UserCreate) -> User:
    await _check_team(session, data.team_id)
    if await repository.email_taken(session, data.email):
        raise Conflict("a user with this email already exists in this tenant",
                       code="email_taken")
    user = await repository.insert(
        session, tenant_id=tenant_id, email=data.email, name=data.name, role=data.role,
        team_id=data.team_id, password_hash=await hash_password(data.password),
    )
    await _stage(session, UserCreatedV1, user)
    return user


async def get_user(session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False
                   ) -> User:
    user = await repository.get(session, user_id, for_update=for_update)
    if user is None:
        raise NotFound("no user with this id")
    return user


async def list_users(session: AsyncSession, *, limit: int, cursor: str | None) -> Page[UserOut]:
    rows = await repository.page(session, limit=limit, after_email=decode_cursor(cursor))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page[UserOut](
        items=[UserOut.model_validate(u, from_attributes=True) for u in rows],
        next_cursor=encode_cursor(rows[-1].email) if more else None,
    )


async def list_people(session: AsyncSession, *, limit: int,
                      cursor: str | None) -> Page[PersonOut]:
    rows = await repository.people(session, limit=limit, after_id=decode_cursor(cursor))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page[PersonOut](
        items=[PersonOut.model_validate(u, from_attributes=True) for u in rows],
        next_cursor=encode_cursor(str(rows[-1].id)) if more else None,
    )


async def update_user(session: AsyncSession, caller: Caller, user_id: uuid.UUID,
                      data: UserUpdate) -> User:
    user = await get_user(session, user_id, for_update=True)
    sent = data.model_dump(exclude_unset=True)
    if user.id == caller.user_id and (sent.get("role", "admin") != "admin"
                                      or sent.get("active", True) is False):
        raise Conflict("you cannot demote or deactivate yourself; ask another admin",
                       code="self_lockout")
    changes: dict[str, Any] = {k: v for k, v in sent.items() if k != "password"}
    if "team_id" in changes:
        await _check_team(session, changes["team_id"])
    if "email" in changes and await repository.email_taken(session, changes["email"],
                                                           besides=user.id):
        raise Conflict("a user with this email already exists in this tenant",
                       code="email_taken")
    if "password" in sent:
        changes["password_hash"] = await hash_password(sent["password"])
    changes = {k: v for k, v in changes.items() if getattr(user, k) != v}
    if not changes:
        return user
    was_active = user.active
    user = await repository.save(session, user, changes)
    await _stage(session, UserDeactivatedV1 if was_active and not user.active
                 else UserUpdatedV1, user)
    return user


async def deactivate_user(session: AsyncSession, caller: Caller, user_id: uuid.UUID) -> User:
    if user_id == caller.user_id:
        raise Conflict("you cannot deactivate yourself; ask another admin",
                       code="self_lockout")
    user = await get_user(session, user_id, for_update=True)
    if not user.active:
        return user
    user = await repository.save(session, user, {"active": False})
    await _stage(session, UserDeactivatedV1, user)
    return user

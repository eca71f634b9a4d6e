from __future__ import annotations

import secrets
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.errors import Conflict, NotFound, Unprocessable
from crmkit.text import nfc
from tidtam_contracts.gateway import UserCreatedV1, UserDeactivatedV1, UserUpdatedV1

from .. import eventing
from ..auth.caller import Caller
from ..auth.passwords import hash_password
from ..common import Page, decode_cursor, encode_cursor
from ..teams import repository as teams_repository
from . import repository
from .models import User
from .schemas import PasswordResetIn, PersonOut, UserCreate, UserOut, UserUpdate


async def stage(session: AsyncSession,
                contract: type[UserCreatedV1 | UserUpdatedV1 | UserDeactivatedV1],
                user: User, **extra: Any) -> None:
    data = contract(id=user.id, tenant_id=user.tenant_id, email=user.email, name=user.name,
                    role=user.role, team_id=user.team_id, active=user.active,
                    language=user.language, **extra)
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
        language=data.language, must_change_password=data.must_change_password,
    )
    await stage(session, UserCreatedV1, user)
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


async def list_people(session: AsyncSession, *, limit: int, cursor: str | None,
                      q: str | None = None, team_id: uuid.UUID | None = None,
                      active: bool | None = None) -> Page[PersonOut]:
    rows = await repository.people(session, limit=limit, after=_person_position(cursor),
                                   terms=search_terms(q), team_id=team_id, active=active)
    more = len(rows) > limit
    rows = rows[:limit]
    return Page[PersonOut](
        items=[PersonOut.model_validate(u, from_attributes=True) for u in rows],
        next_cursor=encode_cursor(f"{rows[-1].id}{rows[-1].name}") if more else None,
    )


def search_terms(q: str | None) -> list[str]:
    """The words of a search box (NFC, lower-cased), each matched anywhere in a name or
    an email: "สมชาย ใจ" finds สมชาย ใจดี, "som" finds Somchai and somchai@..."""
    return nfc(q).lower().split()[:10] if q else []


def _person_position(cursor: str | None) -> tuple[str, uuid.UUID] | None:
    """A people cursor is the last person's id (36 characters) and name: by name, then id.
    Like every cursor here, one this API did not make still names a place (a name)."""
    raw = decode_cursor(cursor)
    if raw is None:
        return None
    try:
        return raw[36:], uuid.UUID(raw[:36])
    except ValueError:
        return raw, uuid.UUID(int=0)


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
    changes = {k: v for k, v in changes.items() if getattr(user, k) != v}
    if "password" in sent:
        changes |= await password_changes(user, sent["password"], must_change=False)
    if not changes:
        return user
    was_active = user.active
    user = await repository.save(session, user, changes)
    await stage(session, UserDeactivatedV1 if was_active and not user.active
                else UserUpdatedV1, user, **({"by_user_id": caller.user_id}
                                             if was_active and not user.active else {}))
    return user


async def password_changes(user: User, password: str, *, must_change: bool) -> dict[str, Any]:
    """A new password's columns: its hash, and the next session generation, so every token
    issued before it stops working (auth/service.py)."""
    return {"password_hash": await hash_password(password),
            "session_generation": user.session_generation + 1,
            "must_change_password": must_change}


async def reset_password(session: AsyncSession, user_id: uuid.UUID,
                         data: PasswordResetIn) -> tuple[User, str | None]:
    """The admin's reset: the password given, or a generated one-time one (returned once);
    the user's sessions end."""
    user = await get_user(session, user_id, for_update=True)
    generated = None if data.password is not None else secrets.token_urlsafe(12)
    password = data.password or generated or ""
    user = await repository.save(session, user, await password_changes(
        user, password, must_change=data.must_change_password))
    return user, generated


async def deactivate_user(session: AsyncSession, caller: Caller, user_id: uuid.UUID,
                          transfer_leads_to: uuid.UUID | None = None) -> User:
    """Deactivate (tokens stop at once); with `transfer_leads_to`, user.deactivated carries
    it and the leads service moves the user's leads in the transaction that applies the
    event (leads/consumers.py): staged in the outbox with this change, so the move is
    neither lost nor applied twice. Asked again for a user already inactive, with a
    transfer, the event is published again (the leads left with them move then)."""
    if user_id == caller.user_id:
        raise Conflict("you cannot deactivate yourself; ask another admin",
                       code="self_lockout")
    user = await get_user(session, user_id, for_update=True)
    if transfer_leads_to is not None:
        await _check_heir(session, user_id, transfer_leads_to)
    if not user.active and transfer_leads_to is None:
        return user
    user = await repository.save(session, user, {"active": False})
    await stage(session, UserDeactivatedV1, user, leads_to_user_id=transfer_leads_to,
                by_user_id=caller.user_id)
    return user


async def _check_heir(session: AsyncSession, user_id: uuid.UUID, heir_id: uuid.UUID) -> None:
    field = "body.transfer_leads_to"
    if heir_id == user_id:
        raise Unprocessable.on(field, "must be another user than the one deactivated",
                               code="same_user")
    heir = await repository.get(session, heir_id)
    if heir is None or not heir.active:
        raise NotFound.on(field, f"{heir_id} is not an active user of this tenant",
                          code="unknown_user")


async def reactivate_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await get_user(session, user_id, for_update=True)
    if user.active:
        return user
    user = await repository.save(session, user, {"active": True})
    await stage(session, UserUpdatedV1, user)
    return user

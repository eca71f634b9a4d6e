"""My account: what every signed-in user may change about themselves."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.errors import Forbidden
from tidtam_contracts.gateway import UserUpdatedV1

from ..auth.caller import Caller
from ..auth.passwords import verify_password
from ..users import repository as users_repository
from ..users import service as users
from ..users.models import User
from .schemas import MePatch, PasswordChangeIn


def require_account(caller: Caller) -> None:
    if caller.api_key_id is not None:
        raise Forbidden("an API key has no account of its own to change",
                        code="api_key_caller")


async def _me(session: AsyncSession, caller: Caller) -> User:
    require_account(caller)
    return await users.get_user(session, caller.user_id, for_update=True)


async def update_me(session: AsyncSession, caller: Caller, data: MePatch) -> User:
    user = await _me(session, caller)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items()
               if getattr(user, k) != v}
    if not changes:
        return user
    user = await users_repository.save(session, user, changes)
    if "name" in changes:  # other services name authors and owners from the event
        await users.stage(session, UserUpdatedV1, user)
    return user


async def change_password(session: AsyncSession, caller: Caller,
                          data: PasswordChangeIn) -> User:
    """The new password, and the next session generation: every other session of mine
    ends at once; the caller gets a token of the new generation."""
    user = await _me(session, caller)
    if not await verify_password(user.password_hash, data.current_password):
        # 403, not 422: the body is well formed; the caller has not shown it is them.
        raise Forbidden.on("body.current_password", "is not your current password",
                           code="wrong_password")
    return await users_repository.save(session, user, await users.password_changes(
        user, data.new_password, must_change=False))

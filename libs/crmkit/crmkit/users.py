"""The projection of the gateway's users that a service keeps from user.* events: to
validate owners and recipients, and to name authors.

A service declares `class User(UserProjection, Base): __tablename__ = "users"` and its
migration creates the table with `users_table_columns()`; its consumer applies
user.created/updated/deactivated with the handlers of `user_handlers` (in its HANDLERS)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import BigInteger, Boolean, Text
from sqlalchemy.dialects.postgresql import UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.schema import SchemaItem

from tidtam_contracts.gateway import (
    USER_EVENTS,
    User,
    UserCreatedV1,
    UserDeactivatedV1,
    UserUpdatedV1,
)

from .consumer import Delivery, Handler, on_each
from .context import RequestContext, TenantId
from .errors import NotFound

if TYPE_CHECKING:
    pass


class UserProjection:
    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    email: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    team_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    active: Mapped[bool] = mapped_column(Boolean)
    # The event sequence last applied: an older event arriving late is ignored.
    sequence: Mapped[int] = mapped_column(BigInteger)


def users_table_columns() -> list[SchemaItem]:
    """The `users` table's columns and key, for a migration's `op.create_table("users", ...)`."""
    return [
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("team_id", UUID(as_uuid=True)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    ]


async def apply_user_event(session: AsyncSession, model: Any, tenant: TenantId, user: User,
                           sequence: int, deactivate: bool = False) -> None:
    if user.tenant_id != tenant.value:
        # An event whose data disagrees with its envelope is not ours to apply.
        raise ValueError("user event tenant_id does not match the envelope's tenantid")
    if deactivate:
        user = user.model_copy(update={"active": False})
    values = dict(tenant_id=tenant.value, id=user.id, email=user.email, name=user.name,
                  role=user.role, team_id=user.team_id, active=user.active, sequence=sequence)
    stmt = insert(model).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[model.tenant_id, model.id],
        set_={k: stmt.excluded[k] for k in values if k not in ("tenant_id", "id")},
        # An older event delivered late must not undo a newer one.
        where=model.sequence <= stmt.excluded.sequence,
    )
    await session.execute(stmt)


async def require_active(session: AsyncSession, model: type[UserProjection], ctx: RequestContext,
                         user_id: uuid.UUID, field: str) -> None:
    """Owners and recipients must be active users of the caller's tenant (404 naming
    `field` otherwise)."""
    found = (await session.execute(
        sa.select(model.id).where(model.tenant_id == ctx.tenant.value, model.id == user_id,
                                  model.active.is_(True))
    )).scalar_one_or_none()
    if found is None:
        raise NotFound.on(field, f"{user_id} is not an active user of this tenant",
                          code="unknown_user")


class Users:
    """The projection on one service's `users` model: `apply` for its consumer,
    `require_active` for its services."""

    def __init__(self, model: type[UserProjection]) -> None:
        self.model = model

    async def apply(self, session: AsyncSession, tenant: TenantId, user: User,
                    sequence: int, deactivate: bool = False) -> None:
        await apply_user_event(session, self.model, tenant, user, sequence, deactivate)

    async def require_active(self, session: AsyncSession, ctx: RequestContext,
                             user_id: uuid.UUID, field: str) -> None:
        await require_active(session, self.model, ctx, user_id, field)

    async def ids_by_email(self, session: AsyncSession, ctx: RequestContext,
                           emails: Sequence[str]) -> dict[str, uuid.UUID]:
        """Active users of the caller's tenant by lower-cased email (imports' owners)."""
        if not emails:
            return {}
        m = self.model
        rows = await session.execute(sa.select(m.email, m.id).where(
            m.tenant_id == ctx.tenant.value, m.active.is_(True),
            sa.func.lower(m.email).in_([e.lower() for e in emails])))
        return {email.lower(): uid for email, uid in rows.tuples()}


def user_handlers(users: Users) -> list[Handler[Any]]:
    """user.created/updated/deactivated → the service's users projection (for HANDLERS)."""

    async def user_changed(session: AsyncSession,
                           event: Delivery[UserCreatedV1 | UserUpdatedV1 | UserDeactivatedV1],
                           ) -> None:
        await users.apply(session, event.tenant, event.data, event.sequence,
                          deactivate=isinstance(event.data, UserDeactivatedV1))

    return on_each(USER_EVENTS, user_changed)

"""Per user and kind of notice: by email and/or in the app (no row: the kind's defaults)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from .kinds import KINDS, Kind
from .models import Preference


@dataclass(frozen=True)
class Choice:
    email: bool
    in_app: bool


async def choice(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
                 kind: Kind) -> Choice:
    row = (await session.execute(sa.select(Preference.email, Preference.in_app).where(
        Preference.tenant_id == tenant.value, Preference.user_id == user_id,
        Preference.kind == kind.name))).first()
    return Choice(row.email, row.in_app) if row else Choice(kind.email, kind.in_app)


async def all_choices(session: AsyncSession, tenant: TenantId,
                      user_id: uuid.UUID) -> dict[str, Choice]:
    rows = await session.execute(sa.select(Preference.kind, Preference.email,
                                           Preference.in_app).where(
        Preference.tenant_id == tenant.value, Preference.user_id == user_id))
    chosen = {row.kind: Choice(row.email, row.in_app) for row in rows}
    return {name: chosen.get(name, Choice(k.email, k.in_app)) for name, k in KINDS.items()}


async def save(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
               choices: dict[str, Choice]) -> None:
    for name, chosen in choices.items():
        stmt = insert(Preference).values(tenant_id=tenant.value, user_id=user_id, kind=name,
                                         email=chosen.email, in_app=chosen.in_app)
        await session.execute(stmt.on_conflict_do_update(
            index_elements=[Preference.tenant_id, Preference.user_id, Preference.kind],
            set_={"email": chosen.email, "in_app": chosen.in_app}))

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit.context import authenticated_tenant
from crmkit.errors import NotFound
from tidtam_contracts.gateway import TenantCreatedV1, TenantPlanChangedV1

from .. import eventing
from ..config import GatewaySettings
from ..users import service as users_service
from ..users.schemas import UserCreate
from . import repository
from .models import Tenant
from .schemas import TenantCreate, TenantCreated, TenantOut, TenantPatch


def tenant_out(tenant: Tenant, settings: GatewaySettings) -> TenantOut:
    return TenantOut(id=tenant.id, name=tenant.name, plan=tenant.plan,
                     contact_limit=settings.contact_limit(tenant.plan),
                     created_at=tenant.created_at)


async def create_tenant(session: AsyncSession, settings: GatewaySettings,
                        data: TenantCreate) -> TenantCreated:
    tenant_id = uuid.uuid4()
    await repository.bind_tenant(session, authenticated_tenant(tenant_id))
    tenant = await repository.insert(session, tenant_id=tenant_id, name=data.name,
                                     plan=settings.default_plan,
                                     limit=settings.contact_limit(settings.default_plan))
    await eventing.stage(session, TenantCreatedV1(
        id=tenant_id, name=tenant.name, plan=tenant.plan,
        contact_limit=settings.contact_limit(tenant.plan)),
        tenant_id=tenant_id, subject=tenant_id, sequence=tenant.version)
    admin = await users_service.add_user(session, tenant_id, UserCreate(
        email=data.admin.email, name=data.admin.name, password=data.admin.password,
        role="admin"))
    return TenantCreated(id=tenant_id, admin_user_id=admin.id)


async def get_tenant(session: AsyncSession, tenant_id: uuid.UUID, *,
                     for_update: bool = False) -> Tenant:
    await repository.bind_tenant(session, authenticated_tenant(tenant_id))
    tenant = await repository.get(session, tenant_id, for_update=for_update)
    if tenant is None:
        raise NotFound("no tenant with this id")
    return tenant


async def change_plan(session: AsyncSession, settings: GatewaySettings, tenant_id: uuid.UUID,
                      data: TenantPatch) -> Tenant:
    """A new plan is announced (`tenant.plan_changed`, staged with the change); the plan
    it already has changes nothing and announces nothing."""
    tenant = await get_tenant(session, tenant_id, for_update=True)
    if tenant.plan == data.plan:
        return tenant
    tenant = await repository.set_plan(session, tenant, data.plan,
                                       settings.contact_limit(data.plan))
    await _announce(session, tenant)
    return tenant


async def _announce(session: AsyncSession, tenant: Tenant) -> None:
    await eventing.stage(session, TenantPlanChangedV1(
        id=tenant.id, plan=tenant.plan, contact_limit=tenant.announced_limit),
        tenant_id=tenant.id, subject=tenant.id, sequence=tenant.version)


async def announce_limits(maker: async_sessionmaker[AsyncSession],
                          settings: GatewaySettings) -> int:
    """Tell every tenant whose plan's contact limit (TIDTAM_PLAN_CONTACT_LIMITS) is not the
    one it was last told: `tenant.plan_changed`, one tenant per transaction. Idempotent:
    run again, it finds nothing to tell. Returns how many were told."""
    async with maker() as session:
        rows = (await session.execute(sa.text(
            "SELECT id, plan, announced_limit, limit_announced FROM gateway_tenant_plans()"
        ))).all()
    told = 0
    for row in rows:
        if row.limit_announced and row.announced_limit == settings.contact_limit(row.plan):
            continue
        async with maker() as session:
            await repository.bind_tenant(session, authenticated_tenant(row.id))
            async with session.begin():
                tenant = await repository.get(session, row.id, for_update=True)
                if tenant is None:
                    continue  # deleted meanwhile: nothing left to tell
                limit = settings.contact_limit(tenant.plan)
                if tenant.limit_announced and tenant.announced_limit == limit:
                    continue  # told meanwhile, by another gateway
                tenant = await repository.set_plan(session, tenant, tenant.plan, limit)
                await _announce(session, tenant)
                told += 1
    return told

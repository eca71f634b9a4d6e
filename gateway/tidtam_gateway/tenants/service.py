from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import authenticated_tenant
from crmkit.errors import NotFound

from .. import eventing
from ..users import service as users_service
from ..users.schemas import UserCreate
from . import repository
from .events import TenantData
from .models import Tenant
from .schemas import TenantCreate, TenantCreated


async def create_tenant(session: AsyncSession, data: TenantCreate) -> TenantCreated:
    tenant_id = uuid.uuid4()
    repository.bind_tenant(session, authenticated_tenant(tenant_id))
    tenant = await repository.insert(session, tenant_id=tenant_id, name=data.name)
    await eventing.stage(session, type_="tenant.created", tenant_id=tenant_id,
                         subject=tenant_id,
                         data=TenantData(id=tenant_id, name=tenant.name, plan=tenant.plan))
    admin = await users_service.add_user(session, tenant_id, UserCreate(
        email=data.admin.email, name=data.admin.name, password=data.admin.password,
        role="admin"))
    return TenantCreated(id=tenant_id, admin_user_id=admin.id)


async def get_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> Tenant:
    repository.bind_tenant(session, authenticated_tenant(tenant_id))
    tenant = await repository.get(session, tenant_id)
    if tenant is None:
        raise NotFound("no tenant with this id")
    return tenant

from __future__ import annotations

import uuid

from fastapi import APIRouter

from crmkit.errors import error_responses

from ..deps import OperatorDb
from . import service
from .schemas import TenantCreate, TenantCreated, TenantOut

router = APIRouter(prefix="/api/v1/tenants", tags=["tenants (operator)"])


@router.post("", status_code=201, response_model=TenantCreated,
             responses=error_responses(401, 409, 413, 422),
             summary="Create a tenant and its first admin (operator token)")
async def create_tenant(body: TenantCreate, db: OperatorDb) -> TenantCreated:
    return await service.create_tenant(db, body)


@router.get("/{tenant_id}", response_model=TenantOut, responses=error_responses(401, 404, 422),
            summary="A tenant (operator token)")
async def get_tenant(tenant_id: uuid.UUID, db: OperatorDb) -> TenantOut:
    return TenantOut.model_validate(await service.get_tenant(db, tenant_id),
                                    from_attributes=True)

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request

from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..deps import IdempotentOperatorDb, OperatorDb, Settings
from . import service
from .schemas import AnnouncedLimits, TenantCreate, TenantCreated, TenantOut, TenantPatch

router = APIRouter(prefix="/api/v1/tenants", tags=["tenants (operator)"],
                   route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=TenantCreated,
             responses=error_responses(401, 409, 413, 422),
             summary="Create a tenant and its first admin (operator token)")
async def create_tenant(body: TenantCreate, db: IdempotentOperatorDb, settings: Settings
                        ) -> TenantCreated:
    """The tenant starts on `TIDTAM_DEFAULT_PLAN` (free unless configured)."""
    return await service.create_tenant(db, settings, body)


@router.post("/announce-limits", response_model=AnnouncedLimits,
             responses=error_responses(401, 422),
             summary="Announce changed contact limits to the tenants (operator token)")
async def announce_limits(request: Request, _: OperatorDb,
                          settings: Settings) -> AnnouncedLimits:
    """After TIDTAM_PLAN_CONTACT_LIMITS changed (and the gateways restarted with it): every
    tenant whose plan's limit is not the one it was last told gets `tenant.plan_changed`.
    Idempotent: a second call finds nothing to announce."""
    return AnnouncedLimits(announced=await service.announce_limits(
        request.app.state.sessionmaker, settings))


@router.get("/{tenant_id:id}", response_model=TenantOut, responses=error_responses(401, 404, 422),
            summary="A tenant (operator token)")
async def get_tenant(tenant_id: uuid.UUID, db: OperatorDb, settings: Settings) -> TenantOut:
    return service.tenant_out(await service.get_tenant(db, tenant_id), settings)


@router.patch("/{tenant_id:id}", response_model=TenantOut,
              responses=error_responses(401, 404, 413, 422),
              summary="Change a tenant's plan (operator token)")
async def patch_tenant(tenant_id: uuid.UUID, body: TenantPatch, db: OperatorDb,
                       settings: Settings) -> TenantOut:
    """Announces `tenant.plan_changed` with the plan's contact limit, which the accounts
    service enforces."""
    return service.tenant_out(await service.change_plan(db, settings, tenant_id, body),
                              settings)

from __future__ import annotations

from fastapi import APIRouter

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses

from . import service
from .schemas import ProfileIn, ProfileOut

router = APIRouter(prefix="/api/v1/company-profile", tags=["documents"])


@router.get("", response_model=ProfileOut, responses=error_responses(401, 404))
async def get_profile(ctx: Ctx, db: Db) -> ProfileOut:
    """The seller as documents print it; 404 `company_profile_missing` until an admin sets
    it."""
    return await service.get(db, ctx)


@router.put("", response_model=ProfileOut, responses=error_responses(401, 403, 422))
async def put_profile(body: ProfileIn, ctx: Ctx, db: Db) -> ProfileOut:
    """Admins only (403). Documents issued from now on print it; issued tax invoices keep
    the seller they were issued with."""
    return await service.put(db, ctx, body)

from __future__ import annotations

from fastapi import APIRouter

from crmkit.deps import Ctx, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import service
from .schemas import TransferIn, TransferOut

router = APIRouter(tags=["leads"], route_class=IdempotentRoute)


@router.post("/api/v1/leads/transfer", response_model=TransferOut,
             responses=error_responses(401, 403, 404, 422))
async def transfer(body: TransferIn, ctx: Ctx, db: IdempotentDb) -> TransferOut:
    """Admins only: every lead of `from_user_id` now belongs to `to_user_id`, who must be an
    active user (else 404) other than `from_user_id` (else 422)."""
    return await service.transfer(db, ctx, body)

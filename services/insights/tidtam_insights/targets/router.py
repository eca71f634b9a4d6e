from __future__ import annotations

from fastapi import APIRouter

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses

from . import service
from .schemas import TargetIn, TargetOut

router = APIRouter(prefix="/api/v1/insights", tags=["insights"])


@router.put("/targets", response_model=TargetOut, responses=error_responses(401, 403, 404, 422))
async def put_target(body: TargetIn, ctx: Ctx, db: Db) -> TargetOut:
    """Set a user's sales target for a month (admins): an upsert, so the same request twice
    is one target. 404 `unknown_user` for someone who is not an active user of the tenant.
    Read them with GET /api/v1/insights/targets?month=YYYY-MM (the targets report)."""
    return await service.put(db, ctx, body)

from __future__ import annotations

import uuid

from fastapi import APIRouter

from crmkit.deps import Ctx, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..leads.schemas import LeadOut
from . import service
from .schemas import ReasonIn, SendIn, StageIn

router = APIRouter(prefix="/api/v1/leads/{lead_id:id}", tags=["lead actions"],
                   route_class=IdempotentRoute)
ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post("/send", response_model=LeadOut, responses=ERRORS)
async def send(lead_id: uuid.UUID, body: SendIn, ctx: Ctx, db: IdempotentDb) -> LeadOut:
    """Pass the lead on: the recipient owns it (their Inbox), the caller keeps it in Sent."""
    return await service.send(db, ctx, lead_id, body)


@router.post("/lost", response_model=LeadOut, responses=ERRORS)
async def lost(lead_id: uuid.UUID, body: ReasonIn, ctx: Ctx, db: IdempotentDb) -> LeadOut:
    return await service.move_to_box(db, ctx, lead_id, "lost", body)


@router.post("/junk", response_model=LeadOut, responses=ERRORS)
async def junk(lead_id: uuid.UUID, body: ReasonIn, ctx: Ctx, db: IdempotentDb) -> LeadOut:
    return await service.move_to_box(db, ctx, lead_id, "junk", body)


@router.post("/restore", response_model=LeadOut, responses=ERRORS)
async def restore(lead_id: uuid.UUID, ctx: Ctx, db: IdempotentDb) -> LeadOut:
    """Back to the Inbox from Lost or Junk."""
    return await service.restore(db, ctx, lead_id)


@router.post("/stage", response_model=LeadOut, responses=ERRORS)
async def stage(lead_id: uuid.UUID, body: StageIn, ctx: Ctx, db: IdempotentDb) -> LeadOut:
    """Another pipeline's stage moves the lead there; an earlier stage of the same pipeline
    is 409 unless the tenant allows it or the caller is an admin."""
    return await service.change_stage(db, ctx, lead_id, body)

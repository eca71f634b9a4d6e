from __future__ import annotations

import uuid

from fastapi import APIRouter

from crmkit.deps import Ctx, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..actions.schemas import ReasonIn
from ..leads.schemas import LeadOut
from . import service
from .schemas import QualifyIn

router = APIRouter(prefix="/api/v1/leads/{lead_id:id}", tags=["lead actions"],
                   route_class=IdempotentRoute)
ERRORS = error_responses(401, 403, 404, 409, 422)


@router.post("/qualify", response_model=LeadOut, responses=ERRORS)
async def qualify(lead_id: uuid.UUID, body: QualifyIn, ctx: Ctx,
                  db: IdempotentDb) -> LeadOut:
    """Judge the lead worth pursuing: `need` (required), `budget` (THB), `timeframe`,
    `score` (0–100). The lead's `qualification` becomes `qualified`; the answers are kept in
    its history (`kind: qualified`) and sent as `lead.qualified`. Qualifying again records
    new answers beside the old ones. Its box (inbox/lost/junk) does not change."""
    return await service.qualify(db, ctx, lead_id, body)


@router.post("/disqualify", response_model=LeadOut, responses=ERRORS)
async def disqualify(lead_id: uuid.UUID, body: ReasonIn, ctx: Ctx,
                     db: IdempotentDb) -> LeadOut:
    """Judge the lead not worth pursuing, saying why (`reason`, free text). Its box does not
    change; already disqualified is 409 `already_disqualified`. History kind
    `disqualified`, event `lead.disqualified`."""
    return await service.disqualify(db, ctx, lead_id, body)

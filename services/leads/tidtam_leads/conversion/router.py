from __future__ import annotations

import uuid

from fastapi import APIRouter

from crmkit.deps import Ctx, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..leads.schemas import LeadOut
from . import service
from .schemas import ConvertIn

router = APIRouter(prefix="/api/v1/leads/{lead_id:id}", tags=["lead actions"],
                   route_class=IdempotentRoute)


@router.post("/convert", status_code=202, response_model=LeadOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def convert(lead_id: uuid.UUID, body: ConvertIn, ctx: Ctx, db: IdempotentDb) -> LeadOut:
    """Register the lead as a customer: link it to an existing account (`account_id`) or a
    new one (`account`), with a contact made from the lead's name, phone and email. The
    lead stays in its pipeline as an opportunity.

    The accounts service does the work over events, so the answer is 202 with the lead
    `conversion_status: converting`; it turns `converted` (with `account_id` and
    `contact_id`) or `failed` (with `conversion_error`; convert again to retry). A lead
    already converting, converted or linked to an account is 409 (converting again into
    another account is not supported); a lead in Lost or Junk is 409 (restore it first)."""
    return await service.convert(db, ctx, lead_id, body)

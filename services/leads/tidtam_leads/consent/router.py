from __future__ import annotations

import uuid

from fastapi import APIRouter

from crmkit.deps import Ctx, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..leads.schemas import LeadOut
from . import service
from .schemas import ConsentGrantIn, ConsentRevokeIn

router = APIRouter(prefix="/api/v1/leads/{lead_id:id}/consent", tags=["lead actions"],
                   route_class=IdempotentRoute)


@router.post("/revoke", response_model=LeadOut,
             responses=error_responses(401, 404, 409, 422))
async def revoke_consent(lead_id: uuid.UUID, body: ConsentRevokeIn, ctx: Ctx,
                         db: IdempotentDb) -> LeadOut:
    """Record that the person withdrew their consent (PDPA): `scope` `marketing` (the
    default) or `all`, `channel` (how they said it) and a `note`. Anyone who sees the lead
    may record it. The lead's `consent_change` holds it and `marketing` becomes false (lists
    and exports mark it); the history gets `consent_revoked` (when, how, by whom) and
    `lead.consent_changed` is sent. Withdrawn already (the same or a wider scope): 409
    `already_revoked`."""
    return await service.revoke(db, ctx, lead_id, body)


@router.post("/grant", response_model=LeadOut,
             responses=error_responses(401, 403, 404, 422))
async def grant_consent(lead_id: uuid.UUID, body: ConsentGrantIn, ctx: Ctx,
                        db: IdempotentDb) -> LeadOut:
    """Record that the person gave their consent again (or first, for a lead typed in):
    `marketing` says whether to marketing too, `channel` how, and a `note`. Who may change
    the lead may record it (403 for a lead seen only as its sender). History
    `consent_granted`, event `lead.consent_changed`."""
    return await service.grant(db, ctx, lead_id, body)

"""The person's consent (PDPA) changed: they withdrew it or gave it again, and someone who
sees the lead records it. The change is kept on the lead (`consent_change`: what holds now),
in its append-only history (`consent_revoked`, `consent_granted`: when, how, by whom, the
note) and sent as `lead.consent_changed`, in the request's transaction.

Anyone who sees the lead may record a withdrawal (a person's "stop" must be honoured
whoever hears it); giving it again is a change of the lead (who may change it)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, NotFound
from tidtam_contracts.leads import LeadConsentChangedV1

from ..followups import repository as history
from ..leads import repository as leads_repo
from ..leads import service as leads
from ..leads.events import stage_lead_event
from ..leads.schemas import LeadOut
from .schemas import ConsentChange, ConsentGrantIn, ConsentRevokeIn


async def _record(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                  change: ConsentChange, before: dict[str, Any] | None) -> LeadOut:
    stored = change.model_dump(mode="json")
    row = await leads_repo.update(session, ctx.tenant, lead_id, dict(consent_change=stored))
    await history.append(session, ctx.tenant, lead_id, f"consent_{change.action}", ctx.user_id,
                         note=change.note, detail={**stored, "before": before})
    await stage_lead_event(session, ctx.tenant, LeadConsentChangedV1, row,
                           action=change.action, scope=change.scope,
                           marketing=change.marketing, channel=change.channel,
                           by_user_id=ctx.user_id)
    return await leads.reload_out(session, ctx, lead_id)


async def revoke(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                 body: ConsentRevokeIn) -> LeadOut:
    lead = await leads_repo.get(session, ctx.tenant, ctx.lead_scope, lead_id=lead_id,
                                viewer=ctx.user_id, lock=True)
    if lead is None:
        raise NotFound("no such lead")
    before = lead["consent_change"]
    if before and before.get("action") == "revoked" \
            and (before.get("scope") == "all" or body.scope == "marketing"):
        raise Conflict(f"the person's consent is already withdrawn ({before.get('scope')}); "
                       "record a grant first if they gave it again",
                       code="already_revoked")
    change = ConsentChange(action="revoked", scope=body.scope, marketing=False,
                           channel=body.channel, note=body.note, at=datetime.now(UTC),
                           by_user_id=ctx.user_id)
    return await _record(session, ctx, lead_id, change, before)


async def grant(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                body: ConsentGrantIn) -> LeadOut:
    lead = await leads.load(session, ctx, lead_id, write=True)
    change = ConsentChange(action="granted", scope="all", marketing=body.marketing,
                           channel=body.channel, note=body.note, at=datetime.now(UTC),
                           by_user_id=ctx.user_id)
    return await _record(session, ctx, lead_id, change, lead["consent_change"])




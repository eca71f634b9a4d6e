"""Qualify or disqualify a lead: the lead's `qualification` changes, the answers go into its
append-only history and its event (`lead.qualified`, `lead.disqualified`), in the request's
transaction. Who may change the lead may judge it; who may not see it gets 404."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict
from tidtam_contracts.leads import LeadDisqualifiedV1, LeadQualifiedV1

from ..actions.schemas import ReasonIn, clean_reason
from ..followups import repository as history
from ..leads import repository as leads_repo
from ..leads import service as leads
from ..leads.events import stage_lead_event
from ..leads.schemas import LeadOut
from .schemas import QualifyIn


async def qualify(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                  body: QualifyIn) -> LeadOut:
    lead = await leads.load(session, ctx, lead_id, write=True)
    answers = body.model_dump(mode="json")
    row = await leads_repo.update(session, ctx.tenant, lead_id,
                                  dict(qualification="qualified"))
    await history.append(session, ctx.tenant, lead_id, "qualified", ctx.user_id,
                         note=body.need,
                         detail={**answers, "from": lead["qualification"]})
    await stage_lead_event(session, ctx.tenant, LeadQualifiedV1, row,
                           **body.model_dump(), by_user_id=ctx.user_id)
    return await leads.reload_out(session, ctx, lead_id)


async def disqualify(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                     body: ReasonIn) -> LeadOut:
    lead = await leads.load(session, ctx, lead_id, write=True)
    reason = clean_reason(body.reason)
    if lead["qualification"] == "disqualified":
        raise Conflict("the lead is already disqualified; qualify it to change its mind",
                       code="already_disqualified")
    row = await leads_repo.update(session, ctx.tenant, lead_id,
                                  dict(qualification="disqualified"))
    await history.append(session, ctx.tenant, lead_id, "disqualified", ctx.user_id,
                         note=reason, detail={"reason": reason,
                                              "from": lead["qualification"]})
    await stage_lead_event(session, ctx.tenant, LeadDisqualifiedV1, row,
                           disqualify_reason=reason, by_user_id=ctx.user_id)
    return await leads.reload_out(session, ctx, lead_id)

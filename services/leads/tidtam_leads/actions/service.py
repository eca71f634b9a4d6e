"""Lead actions: send on, lose, junk, restore, move between stages.

Each one locks the lead, changes it (bumping its version), appends to its history and stages
its event, all in the request's transaction.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, NotFound
from tidtam_contracts.leads import (
    LeadJunkedV2,
    LeadLostV2,
    LeadRestoredV2,
    LeadSentV2,
    LeadStageChangedV2,
)

from ..catalog import service as catalog
from ..followups import repository as history
from ..leads import repository as leads_repo
from ..leads import service as leads
from ..leads.events import stage_lead_event
from ..leads.repository import LeadView
from ..leads.schemas import LeadOut
from ..pipelines import service as pipelines
from ..pipelines.models import Stage
from ..users import service as users
from .schemas import ReasonIn, SendIn, StageIn, clean_reason

BOX_EVENT = {"lost": ("lost", LeadLostV2), "junk": ("junked", LeadJunkedV2)}


async def send(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
               body: SendIn) -> LeadOut:
    await apply_send(session, ctx, lead_id, body)
    return await leads.reload_out(session, ctx, lead_id)


async def apply_send(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                     body: SendIn) -> None:
    lead = await leads.load(session, ctx, lead_id, write=True)
    if body.to_user_id == lead["owner_id"]:
        raise Conflict("the lead already belongs to that user", code="already_owner")
    await users.require_active(session, ctx, body.to_user_id, "body.to_user_id")
    sent_by = list(lead["sent_by"])
    if ctx.user_id not in sent_by:
        sent_by.append(ctx.user_id)
    row = await leads_repo.update(session, ctx.tenant, lead_id, dict(
        owner_id=body.to_user_id, status="inbox", status_reason=None, sent_by=sent_by))
    detail = {"from_user_id": str(lead["owner_id"]), "to_user_id": str(body.to_user_id),
              "from_box": lead["status"]}
    await history.append(session, ctx.tenant, lead_id, "sent", ctx.user_id, note=body.note,
                         detail=detail)
    await stage_lead_event(session, ctx.tenant, LeadSentV2, row,
                           from_user_id=lead["owner_id"], to_user_id=body.to_user_id,
                           from_box=lead["status"], send_note=body.note)


async def move_to_box(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                      box: str, body: ReasonIn) -> LeadOut:
    lead = await leads.load(session, ctx, lead_id, write=True)
    reason = clean_reason(body.reason)
    await catalog.require_reason_usable(session, ctx, box, reason)
    await apply_box(session, ctx, lead, box, reason)
    return await leads.reload_out(session, ctx, lead_id)


async def apply_box(session: AsyncSession, ctx: RequestContext, lead: LeadView, box: str,
                    reason: str) -> None:
    """`lead` (loaded for writing) to Lost or Junk, `reason` checked."""
    lead_id = lead["id"]
    if lead["status"] == box:
        raise Conflict(f"the lead is already in {box}; restore it first to change the reason",
                       code="already_in_box")
    kind, contract = BOX_EVENT[box]
    row = await leads_repo.update(session, ctx.tenant, lead_id,
                                  dict(status=box, status_reason=reason))
    await history.append(session, ctx.tenant, lead_id, kind, ctx.user_id, note=reason,
                         detail={"from_box": lead["status"]})
    await stage_lead_event(session, ctx.tenant, contract, row, from_box=lead["status"])


async def restore(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID) -> LeadOut:
    lead = await leads.load(session, ctx, lead_id, write=True)
    if lead["status"] == "inbox":
        raise Conflict("the lead is already in the inbox")
    row = await leads_repo.update(session, ctx.tenant, lead_id,
                                  dict(status="inbox", status_reason=None))
    await history.append(session, ctx.tenant, lead_id, "restored", ctx.user_id,
                         detail={"from_box": lead["status"]})
    await stage_lead_event(session, ctx.tenant, LeadRestoredV2, row,
                           from_box=lead["status"])
    return await leads.reload_out(session, ctx, lead_id)


async def _last_held(session: AsyncSession, ctx: RequestContext, lead: Any,
                     pipeline_id: uuid.UUID) -> Stage | None:
    """The stage the lead last held in `pipeline_id`: its current one if it is there, else
    the one it left that pipeline from (a move back by way of another pipeline is still a
    move back). An allowed move back (an admin's) lowers it again, so the lead may then go
    forward from there."""
    if pipeline_id == lead["pipeline_id"]:
        stage_id = lead["stage_id"]
    else:
        stage_id = await history.last_stage_left(session, ctx.tenant, lead_id=lead["id"],
                                                 pipeline_id=pipeline_id)
    return await pipelines.get_stage(session, ctx, stage_id) if stage_id else None


async def change_stage(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                       body: StageIn) -> LeadOut:
    lead = await leads.load(session, ctx, lead_id, write=True)
    stage = await require_stage(session, ctx, body.stage_id)
    if stage.id == lead["stage_id"]:
        return leads.to_out(ctx, lead)
    await apply_stage(session, ctx, lead, stage)
    return await leads.reload_out(session, ctx, lead_id)


async def require_stage(session: AsyncSession, ctx: RequestContext,
                        stage_id: uuid.UUID) -> Stage:
    stage = await pipelines.get_stage(session, ctx, stage_id)
    if stage is None:
        raise NotFound.on("body.stage_id", f"no stage {stage_id} in this tenant",
                          code="unknown_stage")
    return stage


async def apply_stage(session: AsyncSession, ctx: RequestContext, lead: LeadView,
                      stage: Stage) -> None:
    """`lead` (loaded for writing) to `stage`, unless that is a move back the caller may
    not make (409)."""
    lead_id = lead["id"]
    may_go_back = bool(ctx.settings.get("allow_stage_back")) or ctx.role == "admin"
    if not may_go_back:
        held = await _last_held(session, ctx, lead, stage.pipeline_id)
        if held is not None and stage.position < held.position:
            raise Conflict(f"the lead was at stage \"{held.name}\" of this pipeline; moving it "
                           "back to an earlier stage is not allowed in this tenant (setting "
                           "allow_stage_back), also by way of another pipeline; ask an admin",
                           code="stage_back_not_allowed")
    row = await leads_repo.update(session, ctx.tenant, lead_id,
                                  dict(pipeline_id=stage.pipeline_id, stage_id=stage.id))
    moved = dict(from_pipeline_id=lead["pipeline_id"], from_stage_id=lead["stage_id"],
                 to_pipeline_id=stage.pipeline_id, to_stage_id=stage.id)
    await history.append(session, ctx.tenant, lead_id, "stage_changed", ctx.user_id,
                         detail={k: str(v) for k, v in moved.items()})
    await stage_lead_event(session, ctx.tenant, LeadStageChangedV2, row, **moved)

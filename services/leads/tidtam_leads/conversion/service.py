"""Converting a lead into an account and contact, over events.

1. POST /leads/{id}/convert: the lead becomes `converting` with a new `conversion_id`, and
   `lead.conversion_requested` is staged in the same transaction (202).
2. The accounts service makes (or finds) the account and contact, with ids derived from the
   conversion id, and answers `account.lead_converted` or `account.conversion_failed`.
3. Here, the answer is applied only if it is for the lead's current conversion: a stale or
   repeated answer changes nothing. Either service may stop anywhere in between; the outbox
   and the idempotent consumers finish the work when it is back.
"""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import RequestContext, TenantId
from crmkit.errors import Conflict
from tidtam_contracts.accounts import (
    AccountConversionFailedV1,
    AccountLeadConvertedV1,
    AccountMergedV1,
)
from tidtam_contracts.leads import (
    ContactDraft,
    LeadConversionFailedV2,
    LeadConversionRequestedV1,
    LeadConvertedV2,
    LeadUpdatedV2,
    RequestedBy,
)

from ..contracts import EVENTS
from ..deals import service as deals
from ..followups import repository as history
from ..leads import repository as leads_repo
from ..leads import service as leads
from ..leads.events import lead_event, stage_lead_event
from ..leads.schemas import LeadOut
from . import repository
from .schemas import ConvertIn, check_exactly_one

AGAIN = "converting a lead again into another account is not supported"


def _account_defaults(lead: Any, given: dict[str, Any]) -> dict[str, Any]:
    kind = given.get("kind") or ("company" if lead["company"] else "person")
    name = lead["company"] if kind == "company" and lead["company"] else lead["name"]
    return {"kind": kind, "name": name, "phones": [lead["phone"]], "emails": [lead["email"]],
            "owner_id": str(lead["owner_id"]), **given}


def _refuse_state(lead: Any) -> None:
    status = lead["conversion_status"]
    if status == "converting":
        raise Conflict(f"the lead is already being converted (conversion "
                       f"{lead['conversion_id']}); wait until it is converted or failed")
    if status == "converted" or lead["account_id"] is not None:
        raise Conflict(f"the lead is already linked to account {lead['account_id']}; {AGAIN}")
    if lead["status"] != "inbox":
        raise Conflict(f"the lead is in {lead['status']}; restore it before converting it")


async def convert(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                  body: ConvertIn) -> LeadOut:
    lead = await leads.load(session, ctx, lead_id, write=True)
    check_exactly_one(body)
    _refuse_state(lead)
    conversion_id = uuid.uuid4()
    row = await leads_repo.update(session, ctx.tenant, lead_id, dict(
        conversion_id=conversion_id, conversion_status="converting", conversion_error=None))
    target = str(body.account_id) if body.account_id else "new"
    await history.append(session, ctx.tenant, lead_id, "conversion_requested", ctx.user_id,
                         detail={"conversion_id": str(conversion_id), "account_id": target})
    owners = ctx.account_scope.owner_ids
    data = LeadConversionRequestedV1(
        conversion_id=conversion_id, lead_id=lead_id, account_id=body.account_id,
        account=None if body.account is None else _account_defaults(lead, body.account),
        contact=ContactDraft.model_validate({
            "name": lead["name"], "phones": [lead["phone"]], "emails": [lead["email"]],
            **(body.contact or {})}),
        requested_by=RequestedBy(user_id=ctx.user_id, role=ctx.role, team_id=ctx.team_id,
                                 account_owner_ids=None if owners is None else sorted(owners)),
    )
    await outbox.stage(session, EVENTS.event(data, tenant_id=ctx.tenant.value,
                                             subject=str(lead_id), sequence=row["version"]))
    return await leads.reload_out(session, ctx, lead_id)


async def apply_converted(session: AsyncSession, tenant: TenantId,
                          done: AccountLeadConvertedV1) -> bool:
    """`account.lead_converted`: link the lead, if the answer is for its current conversion
    (a redelivered, stale or foreign answer is ignored). Returns whether it applied."""
    lead = await repository.lock(session, tenant, done.lead_id)
    if not _is_current(lead, done.conversion_id):
        return False
    row = await leads_repo.update(session, tenant, done.lead_id, dict(
        account_id=done.account_id, contact_id=done.contact_id,
        conversion_status="converted", conversion_error=None))
    await history.append(session, tenant, done.lead_id, "converted", None, detail={
        "conversion_id": str(done.conversion_id), "account_id": str(done.account_id),
        "contact_id": str(done.contact_id)})
    await stage_lead_event(session, tenant, LeadConvertedV2, row,
                           conversion_id=done.conversion_id)
    await deals.open_from_lead(session, tenant, row, done.conversion_id)
    return True


async def apply_failed(session: AsyncSession, tenant: TenantId,
                       failed: AccountConversionFailedV1) -> bool:
    """`account.conversion_failed`: the lead shows why; it may be converted again."""
    lead = await repository.lock(session, tenant, failed.lead_id)
    if not _is_current(lead, failed.conversion_id):
        return False
    reason = failed.reason[:2000]
    row = await leads_repo.update(session, tenant, failed.lead_id, dict(
        conversion_status="failed", conversion_error=reason))
    await history.append(session, tenant, failed.lead_id, "conversion_failed", None,
                         note=reason, detail={"conversion_id": str(failed.conversion_id)})
    await stage_lead_event(session, tenant, LeadConversionFailedV2, row,
                           conversion_id=failed.conversion_id, conversion_error=reason)
    return True


def _is_current(lead: Any, conversion_id: uuid.UUID) -> bool:
    return (lead is not None and lead["conversion_id"] == conversion_id
            and lead["conversion_status"] == "converting")


async def apply_merged(session: AsyncSession, tenant: TenantId,
                       merged: AccountMergedV1) -> int:
    """`account.merged`: leads of the merged-away account now point at the survivor; each
    moved lead gets a history entry and a `lead.updated` (changed: account_id). One
    set-based statement, however many leads; the events are staged in one executemany."""
    detail = orjson.dumps({"from_account_id": str(merged.from_id),
                           "account_id": str(merged.id)}).decode()
    rows = await repository.relink_account(session, tenant, from_account=merged.from_id,
                                           to_account=merged.id, detail=detail)
    await outbox.stage_many(session, [
        lead_event(tenant, LeadUpdatedV2, row, changed=["account_id"]) for row in rows])
    return len(rows)

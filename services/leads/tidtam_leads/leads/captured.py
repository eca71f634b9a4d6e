"""`lead.captured` (capture service): a person came through a web form (or another channel).

When the tenant has an open lead (inbox) with the same phone, email or LINE user id, the
capture is a follow-up on it (an entry in its log, author none, the channel's name), never
a second lead; otherwise a new lead with the channel's source and the form's products, for
the first assignment queue that takes it (queues/assign.py, as every path that makes
leads), else for the form's owner (or, if that user is gone, the tenant's first active
admin), in the standard pipeline's first stage. Either way
the person's consent is recorded on the lead. One captured before the person's erase ran
here (PDPA) but arriving after it makes nothing (crmkit.privacy.erased_since). A
redelivery is skipped by the consumer's dedupe; the capture service already made a
repeated submission nothing."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery
from crmkit.context import TenantId, context_for, system_scope
from crmkit.errors import AppError
from crmkit.privacy import erased_since
from tidtam_contracts.capture import LeadCapturedV1
from tidtam_contracts.leads import LeadCreatedV2

from ..catalog import service as catalog
from ..followups import repository as history
from ..pipelines import service as pipelines
from ..products import repository as products
from ..queues.assign import assign_new
from ..users.models import User
from . import repository
from .events import lead_event
from .service import stage_assigned

log = logging.getLogger("tidtam_leads.captured")
FALLBACK_SOURCE = "other"
# The follow-up log's channels (what the person used); the capture channel is in `detail`.
LOG_CHANNEL = {"web_form": "note", "line": "line", "facebook": "note", "email": "email"}


async def _owner(session: AsyncSession, tenant: TenantId, wanted: uuid.UUID | None
                 ) -> uuid.UUID:
    active = sa.select(User.id).where(User.tenant_id == tenant.value, User.active.is_(True))
    if wanted is not None:
        found = (await session.execute(active.where(User.id == wanted))).scalar_one_or_none()
        if found is not None:
            return found
    admin = (await session.execute(active.where(User.role == "admin")
                                   .order_by(User.name, User.id).limit(1))).scalar_one_or_none()
    if admin is None:
        # Poison for now (the queue's delivery limit dead-letters it): the users projection
        # is not there yet, or the tenant has no active admin.
        raise LookupError(f"tenant {tenant.value} has no active admin to own a captured lead")
    return admin


def _note(data: LeadCapturedV1) -> str:
    lines = [f"{data.name} ({data.channel})"]
    lines += [v for v in (data.phone, data.email, data.company, data.note) if v]
    lines += [f"{k}: {v}" for k, v in data.custom.items()]
    return "\n".join(lines)


def _consent(data: LeadCapturedV1) -> dict[str, Any] | None:
    return data.consent.model_dump(mode="json") if data.consent else None


async def lead_captured(session: AsyncSession, event: Delivery[LeadCapturedV1]) -> None:
    data, tenant = event.data, event.tenant
    if await erased_since(session, tenant, datetime.fromisoformat(event.time),
                          emails=[data.email], phones=[data.phone], line_ids=[data.line_id]):
        # Captured before the person's erase ran here, arriving after it: it would make
        # their data again (a submission made after the erase is a new lead as any).
        log.info("captured lead dropped: the person was erased after it was captured")
        return
    consent = _consent(data)
    found = await repository.open_match(session, tenant, phone=data.phone, email=data.email,
                                        line_id=data.line_id)
    if found is not None:
        await history.append(session, tenant, found["id"], "followup", None,
                             channel=LOG_CHANNEL[data.channel], note=_note(data),
                             detail={"submission_id": str(data.submission_id),
                                     "captured": data.channel})
        if consent:  # given anew: it holds over an earlier withdrawal or grant
            await repository.set_captured(session, tenant, found["id"],
                                          {"consent": consent, "consent_change": sa.null()})
        return
    await catalog.ensure_defaults(session, tenant)
    owner = await _owner(session, tenant, data.owner_id)
    ctx = context_for(tenant, owner, "admin", None, None)
    source = data.source
    try:
        await catalog.require_source(session, ctx, source)
    except AppError:
        log.warning("captured lead: source %r unknown or retired, %r instead", source,
                    FALLBACK_SOURCE)
        source = FALLBACK_SOURCE
    stage = await pipelines.resolve_stage(session, ctx, pipeline_id=None, stage_id=None)
    # The form's products, as far as this service knows the catalogue (one it has not
    # heard of is left out rather than refusing the person's lead).
    known = await products.known(session, tenant, data.product_ids)
    product_ids = [p for p in data.product_ids if p in known]
    if len(product_ids) < len(data.product_ids):
        log.warning("captured lead: products %s unknown here, left out",
                    [str(p) for p in data.product_ids if p not in known])
    queued = (await assign_new(session, tenant, [{"source": source, "custom": {},
                                                  "product_ids": product_ids}]))[0]
    if queued is not None:
        owner = queued.owner_id
    note = "\n".join(f"{k}: {v}" for k, v in data.custom.items()) or None
    if data.note:
        note = f"{data.note}\n{note}" if note else data.note
    row, _dups = await repository.insert_created(session, tenant, system_scope(), dict(
        id=uuid.uuid4(), name=data.name, phone=data.phone, email=data.email,
        company=data.company, note=note, source=source, owner_id=owner,
        pipeline_id=stage.pipeline_id, stage_id=stage.id, potential=None, custom={},
        account_id=None, contact_id=None, product_ids=product_ids,
    ), author_id=None, detail={"owner_id": str(owner), "source": source,
                               "captured": data.channel,
                               "submission_id": str(data.submission_id)},
        event=lambda new: lead_event(tenant, LeadCreatedV2, new))
    if queued is not None:  # lead.assigned, and the queue named in the log
        await stage_assigned(session, ctx, [(row, None, queued)])
    captured = {k: v for k, v in (("consent", consent), ("line_id", data.line_id)) if v}
    if captured:
        await repository.set_captured(session, tenant, row["id"], captured)

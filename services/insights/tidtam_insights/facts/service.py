"""Events into the read model. Every lead, deal and activity event carries the record after
the change with its `version`: the fact is replaced by a newer version only (a late or
repeated event changes nothing), and a change moves the counters (counters.py) by the
difference between the old and the new fact.

A lead counts as qualified once it is qualified or converted (a converted lead passed the
funnel's middle step whether or not anyone pressed "qualify"); as converted once its
conversion is done (`conversion_status` converted)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on, on_each
from crmkit.context import TenantId
from tidtam_contracts import EventData
from tidtam_contracts import activities as activity_events
from tidtam_contracts import deals as deal_events
from tidtam_contracts import leads as lead_events
from tidtam_contracts.activities import CheckinRecordedV1
from tidtam_contracts.deals import DealEvent
from tidtam_contracts.leads import LeadEvent

from ..setup import repository as setup
from . import counters, repository

LEAD_EVENTS: list[type[EventData]] = [m for m in lead_events.CURRENT
                                      if issubclass(m, LeadEvent)]
DEAL_EVENTS: list[type[EventData]] = [m for m in deal_events.CURRENT
                                      if issubclass(m, DealEvent)]
ACTIVITY_EVENTS: list[type[EventData]] = [
    activity_events.ActivityCreatedV1, activity_events.ActivityUpdatedV1,
    activity_events.ActivityCompletedV1, activity_events.ActivityCancelledV1]


async def _day(session: AsyncSession, tenant: TenantId, at: datetime) -> Any:
    return at.astimezone(ZoneInfo(await setup.time_zone(session, tenant))).date()


async def lead_changed(session: AsyncSession, event: Delivery[Any]) -> None:
    lead = event.data
    old = await repository.lead_before(session, event.tenant, lead.id)
    if old is not None and old["version"] >= lead.version:
        return
    converted = lead.conversion_status == "converted"
    new = dict(id=lead.id, owner_id=lead.owner_id, source=lead.source,
               created_at=lead.created_at, qualified=lead.qualification == "qualified"
               or converted, converted=converted, version=lead.version,
               created_day=old["created_day"] if old else await _day(
                   session, event.tenant, lead.created_at))
    await repository.put_lead(session, event.tenant, new)
    await counters.move(session, event.tenant, counters.lead_parts(old),
                        counters.lead_parts(new))
    if old is None or old["source"] != lead.source:  # the deals made from it
        for deal in await repository.deals_of_lead(session, event.tenant, lead.id,
                                                   lead.source):
            await repository.set_deal_source(session, event.tenant, deal["id"], lead.source)
            await counters.move(session, event.tenant, counters.deal_parts(deal),
                                counters.deal_parts({**deal, "source": lead.source}))


async def deal_changed(session: AsyncSession, event: Delivery[Any]) -> None:
    d = event.data
    old = await repository.deal_before(session, event.tenant, d.id)
    if old is not None and old["version"] >= d.version:
        return
    closed_on = d.closed_on
    if closed_on is None and d.status != "open":  # the day it closed, in the tenant's zone
        closed_on = await _day(session, event.tenant, d.updated_at)
    new = dict(
        id=d.id, owner_id=d.owner_id, pipeline_id=d.pipeline_id, stage_id=d.stage_id,
        amount=d.amount, probability=d.probability, expected_close=d.expected_close,
        status=d.status, lost_reason=d.lost_reason, closed_on=closed_on,
        created_at=d.created_at, created_day=old["created_day"] if old else await _day(
            session, event.tenant, d.created_at), lead_id=d.lead_id, version=d.version,
        source=await repository.lead_source(session, event.tenant, d.lead_id))
    await repository.put_deal(session, event.tenant, new)
    await counters.move(session, event.tenant, counters.deal_parts(old),
                        counters.deal_parts(new))


async def _activity(session: AsyncSession, tenant: TenantId, new: dict[str, Any]) -> None:
    old = await repository.activity_before(session, tenant, new["id"])
    if old is not None and old["version"] >= new["version"]:
        return
    new["created_day"] = old["created_day"] if old else await _day(session, tenant,
                                                                  new["created_at"])
    await repository.put_activity(session, tenant, new)
    await counters.move(session, tenant, counters.activity_parts(old),
                        counters.activity_parts(new))


async def activity_changed(session: AsyncSession, event: Delivery[Any]) -> None:
    a = event.data
    await _activity(session, event.tenant, dict(
        id=a.id, owner_id=a.owner_id, kind=a.kind, status=a.status, created_at=a.created_at,
        version=a.version))


async def checked_in(session: AsyncSession, event: Delivery[CheckinRecordedV1]) -> None:
    c = event.data
    await _activity(session, event.tenant, dict(
        id=c.id, owner_id=c.user_id, kind="checkin", status="done", created_at=c.created_at,
        version=1))


HANDLERS: list[Handler[Any]] = [
    *on_each(LEAD_EVENTS, lead_changed), *on_each(DEAL_EVENTS, deal_changed),
    *on_each(ACTIVITY_EVENTS, activity_changed), on(CheckinRecordedV1, checked_in),
]

"""Events into the read model. Every lead, deal and activity event carries the record after
the change with its `version`: the fact is replaced by a newer version only (a late or
repeated event changes nothing), and a lead's change moves its daily counters by the
difference between its old and new fact (creation day, owner, source; qualified,
converted).

A lead counts as qualified once it is qualified or converted (a converted lead passed the
funnel's middle step whether or not anyone pressed "qualify"); as converted once its
conversion is done (`conversion_status` converted)."""

from __future__ import annotations

from collections import Counter
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
from . import repository

LEAD_EVENTS: list[type[EventData]] = [m for m in lead_events.CURRENT
                                      if issubclass(m, LeadEvent)]
DEAL_EVENTS: list[type[EventData]] = [m for m in deal_events.CURRENT
                                      if issubclass(m, DealEvent)]
ACTIVITY_EVENTS: list[type[EventData]] = [
    activity_events.ActivityCreatedV1, activity_events.ActivityUpdatedV1,
    activity_events.ActivityCompletedV1, activity_events.ActivityCancelledV1]
Key = tuple[Any, Any, str]


async def _day(session: AsyncSession, tenant: TenantId, at: datetime) -> Any:
    return at.astimezone(ZoneInfo(await setup.time_zone(session, tenant))).date()


def _counts(key: Key, qualified: bool, converted: bool, sign: int) -> Counter[tuple[Key, str]]:
    return Counter({(key, "created"): sign, (key, "qualified"): sign * qualified,
                    (key, "converted"): sign * converted})


async def lead_changed(session: AsyncSession, event: Delivery[Any]) -> None:
    lead = event.data
    old = await repository.lead_before(session, event.tenant, lead.id)
    if old is not None and old["version"] >= lead.version:
        return
    converted = lead.conversion_status == "converted"
    qualified = lead.qualification == "qualified" or converted
    day = old["created_day"] if old else await _day(session, event.tenant, lead.created_at)
    await repository.put_lead(session, event.tenant, dict(
        id=lead.id, owner_id=lead.owner_id, source=lead.source, created_at=lead.created_at,
        created_day=day, qualified=qualified, converted=converted, version=lead.version))
    delta = _counts((day, lead.owner_id, lead.source), qualified, converted, 1)
    if old is not None:
        delta.subtract(_counts((old["created_day"], old["owner_id"], old["source"]),
                               old["qualified"], old["converted"], 1))
    rows: dict[Key, dict[str, Any]] = {}
    for (key, field), n in delta.items():
        row = rows.setdefault(key, {"day": key[0], "owner_id": key[1], "source": key[2],
                                    "created": 0, "qualified": 0, "converted": 0})
        row[field] += n
    await repository.count(session, event.tenant, [
        r for r in rows.values() if r["created"] or r["qualified"] or r["converted"]])
    if old is None or old["source"] != lead.source:
        await repository.name_deals_source(session, event.tenant, lead.id, lead.source)


async def deal_changed(session: AsyncSession, event: Delivery[Any]) -> None:
    d = event.data
    closed_on = d.closed_on
    if closed_on is None and d.status != "open":  # the day it closed, in the tenant's zone
        closed_on = await _day(session, event.tenant, d.updated_at)
    await repository.put_deal(session, event.tenant, dict(
        id=d.id, owner_id=d.owner_id, pipeline_id=d.pipeline_id, stage_id=d.stage_id,
        amount=d.amount, probability=d.probability, expected_close=d.expected_close,
        status=d.status, lost_reason=d.lost_reason, closed_on=closed_on,
        created_at=d.created_at, created_day=await _day(session, event.tenant, d.created_at),
        lead_id=d.lead_id, version=d.version))


async def activity_changed(session: AsyncSession, event: Delivery[Any]) -> None:
    a = event.data
    await repository.put_activity(session, event.tenant, dict(
        id=a.id, owner_id=a.owner_id, kind=a.kind, status=a.status, created_at=a.created_at,
        created_day=await _day(session, event.tenant, a.created_at), version=a.version))


async def checked_in(session: AsyncSession, event: Delivery[CheckinRecordedV1]) -> None:
    c = event.data
    await repository.put_activity(session, event.tenant, dict(
        id=c.id, owner_id=c.user_id, kind="checkin", status="done", created_at=c.created_at,
        created_day=await _day(session, event.tenant, c.created_at), version=1))


HANDLERS: list[Handler[Any]] = [
    *on_each(LEAD_EVENTS, lead_changed), *on_each(DEAL_EVENTS, deal_changed),
    *on_each(ACTIVITY_EVENTS, activity_changed), on(CheckinRecordedV1, checked_in),
]

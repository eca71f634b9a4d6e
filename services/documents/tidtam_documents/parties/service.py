"""The leads, deals and accounts projections, fed by lead.*, deal.* and account.* events."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on_each
from tidtam_contracts import EventData
from tidtam_contracts import deals as deal_contracts
from tidtam_contracts import leads as lead_contracts
from tidtam_contracts.accounts import (
    AccountCreatedV1,
    AccountDeletedV1,
    AccountEventV1,
    AccountMergedV1,
    AccountUpdatedV1,
)
from tidtam_contracts.deals import DealEvent
from tidtam_contracts.leads import LeadEvent

from . import repository
from .models import AccountCopy, DealCopy, LeadCopy

LEAD_EVENTS: list[type[EventData]] = [m for m in lead_contracts.CURRENT
                                      if issubclass(m, LeadEvent)]
ACCOUNT_EVENTS: list[type[EventData]] = [AccountCreatedV1, AccountUpdatedV1, AccountMergedV1,
                                         AccountDeletedV1]


async def lead_changed(session: AsyncSession, event: Delivery[LeadEvent]) -> None:
    lead = event.data
    await repository.upsert(session, LeadCopy, event.tenant, {
        "id": lead.id, "owner_id": lead.owner_id, "sent_by": lead.sent_by, "name": lead.name,
        "company": lead.company, "email": lead.email, "account_id": lead.account_id,
        "sequence": event.sequence})


async def deal_changed(session: AsyncSession, event: Delivery[DealEvent]) -> None:
    d = event.data
    await repository.upsert(session, DealCopy, event.tenant, {
        "id": d.id, "owner_id": d.owner_id, "account_id": d.account_id, "lead_id": d.lead_id,
        "name": d.name, "status": d.status, "sequence": event.sequence})


async def account_changed(session: AsyncSession, event: Delivery[AccountEventV1]) -> None:
    a = event.data
    await repository.upsert(session, AccountCopy, event.tenant, {
        "id": a.id, "owner_id": a.owner_id, "name": a.name, "name_en": a.name_en,
        "tax_id": a.tax_id, "branch_label": a.branch_label,
        "address": a.address.model_dump(mode="json") if a.address else None,
        "credit_days": a.credit_days,
        "bill_discount": a.bill_discount.model_dump(mode="json") if a.bill_discount else None,
        "deleted": isinstance(a, AccountDeletedV1), "sequence": event.sequence})


HANDLERS: list[Handler[Any]] = [*on_each(LEAD_EVENTS, lead_changed),
                                *on_each(ACCOUNT_EVENTS, account_changed),
                                *on_each(deal_contracts.CURRENT, deal_changed)]

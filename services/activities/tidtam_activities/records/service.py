"""The projections of leads, accounts and contacts this service keeps from `lead.*`,
`account.*` and `contact.*` (never reading the other services' tables): who owns each
record (an activity linked to it follows its visibility), an account's location
(check-ins), a contact's account (an activity's contact must be of its account) and a
lead's next planned contact (the calendar). An event older than the one applied (its
`sequence`) is ignored."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on, on_each
from crmkit.context import TenantId
from tidtam_contracts import leads
from tidtam_contracts.accounts import (
    AccountCreatedV1,
    AccountDeletedV1,
    AccountEventV1,
    AccountMergedV1,
    AccountUpdatedV1,
    ContactCreatedV1,
    ContactDeletedV1,
    ContactEventV1,
    ContactRestatedV1,
    ContactUpdatedV1,
)

from ..activities.models import Activity
from .models import AccountRecord, AnniversaryRecord, ContactRecord, LeadRecord

LEAD_EVENTS = [m for m in leads.CURRENT if issubclass(m, leads.LeadEvent)]


async def lead_changed(session: AsyncSession, event: Delivery[leads.LeadEvent]) -> None:
    lead = event.data
    values: dict[str, Any] = dict(tenant_id=event.tenant.value, id=lead.id,
                                  owner_id=lead.owner_id, name=lead.name,
                                  sent_by=lead.sent_by,
                                  sequence=event.sequence)
    if isinstance(lead, leads.LeadFollowupLoggedV2):
        # Until the next follow-up: a follow-up without a next contact clears it.
        values["next_contact_at"] = lead.followup.next_contact_at
    stmt = insert(LeadRecord).values(**values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[LeadRecord.tenant_id, LeadRecord.id],
        set_={k: stmt.excluded[k] for k in values if k not in ("tenant_id", "id")},
        where=LeadRecord.sequence <= stmt.excluded.sequence))


async def account_changed(session: AsyncSession, event: Delivery[AccountEventV1]) -> None:
    await _apply_account(session, event.tenant, event.data, event.sequence)


async def _apply_account(session: AsyncSession, tenant: TenantId, account: AccountEventV1,
                         sequence: int) -> None:
    location = account.location
    values: dict[str, Any] = dict(
        tenant_id=tenant.value, id=account.id, owner_id=account.owner_id, name=account.name,
        lat=location.lat if location else None, lon=location.lon if location else None,
        deleted=isinstance(account, AccountDeletedV1), sequence=sequence)
    if not await _newer(session, AccountRecord, values):
        return
    await _replace_dates(session, tenant, account.id, [] if values["deleted"] else [
        dict(account_id=account.id, contact_id=a.contact_id, kind=a.kind, date=a.date,
             name=account.name, note=a.note) for a in account.anniversaries])
    if values["deleted"]:
        await session.execute(sa.delete(AnniversaryRecord).where(
            AnniversaryRecord.tenant_id == tenant.value,
            AnniversaryRecord.account_id == account.id))


async def _newer(session: AsyncSession, model: Any, values: dict[str, Any]) -> bool:
    """Upsert the record unless an event of a later `sequence` is already applied; False
    when this one is the older (nothing changed)."""
    stmt = insert(model).values(**values)
    applied = (await session.execute(stmt.on_conflict_do_update(
        index_elements=[model.tenant_id, model.id],
        set_={k: stmt.excluded[k] for k in values if k not in ("tenant_id", "id")},
        where=model.sequence <= stmt.excluded.sequence).returning(model.id)
    )).scalar_one_or_none()
    return applied is not None


async def _replace_dates(session: AsyncSession, tenant: TenantId, source_id: uuid.UUID,
                         dates: list[dict[str, Any]]) -> None:
    await session.execute(sa.delete(AnniversaryRecord).where(
        AnniversaryRecord.tenant_id == tenant.value, AnniversaryRecord.source_id == source_id))
    if dates:
        await session.execute(sa.insert(AnniversaryRecord).values([
            dict(tenant_id=tenant.value, source_id=source_id, position=i, **d)
            for i, d in enumerate(dates)]))


async def contact_changed(session: AsyncSession, event: Delivery[ContactEventV1]) -> None:
    """A contact's account, and its birthday: a yearly date on its account's calendar."""
    contact = event.data
    values: dict[str, Any] = dict(tenant_id=event.tenant.value, id=contact.id,
                                  account_id=contact.account_id,
                                  deleted=isinstance(contact, ContactDeletedV1),
                                  sequence=event.sequence)
    if not await _newer(session, ContactRecord, values):
        return
    keep = contact.birthday is not None and not isinstance(contact, ContactDeletedV1)
    await _replace_dates(session, event.tenant, contact.id, [dict(
        account_id=contact.account_id, contact_id=contact.id, kind="birthday",
        date=contact.birthday, name=contact.name, note=None)] if keep else [])


async def account_merged(session: AsyncSession, event: Delivery[AccountMergedV1]) -> None:
    """The survivor is applied; the activities of the merged account follow it there."""
    await _apply_account(session, event.tenant, event.data, event.sequence)
    await session.execute(sa.update(Activity).where(
        Activity.tenant_id == event.tenant.value, Activity.account_id == event.data.from_id
    ).values(account_id=event.data.id))
    await session.execute(sa.update(AnniversaryRecord).where(
        AnniversaryRecord.tenant_id == event.tenant.value,
        AnniversaryRecord.account_id == event.data.from_id).values(account_id=event.data.id))
    # The moved contacts' own contact.updated say so too; this holds whichever comes first.
    await session.execute(sa.update(ContactRecord).where(
        ContactRecord.tenant_id == event.tenant.value,
        ContactRecord.account_id == event.data.from_id).values(account_id=event.data.id))
    await session.execute(sa.update(AccountRecord).where(
        AccountRecord.tenant_id == event.tenant.value, AccountRecord.id == event.data.from_id
    ).values(deleted=True))


HANDLERS: list[Handler[Any]] = [
    *on_each(LEAD_EVENTS, lead_changed),
    *on_each([AccountCreatedV1, AccountUpdatedV1, AccountDeletedV1], account_changed),
    on(AccountMergedV1, account_merged),
    *on_each([ContactCreatedV1, ContactUpdatedV1, ContactDeletedV1, ContactRestatedV1],
             contact_changed),
]

"""Converting a lead: make (or find) the account and the contact the lead asked for, acting
as the person who asked, and answer with `account.lead_converted` or
`account.conversion_failed` in the same transaction.

Ids derive from the conversion id (uuid5), so a redelivery, or a replay after a crash,
finds the rows it made before instead of making a second account or contact. A failed
attempt leaves nothing behind (a savepoint); leads may then retry with a new conversion id.
"""

from __future__ import annotations

import uuid

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import RequestContext, TenantId, context_for, system_scope
from crmkit.errors import AppError
from tidtam_contracts.accounts import AccountConversionFailedV1, AccountLeadConvertedV1
from tidtam_contracts.leads import LeadConversionRequestedV1 as ConversionRequested

from ..accounts import repository as accounts_repo
from ..accounts import service as accounts
from ..accounts.schemas import AccountCreate
from ..contacts import repository as contacts_repo
from ..contacts import service as contacts
from ..contacts.schemas import ContactCreate
from ..contracts import EVENTS


class Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def ids_of(conversion_id: uuid.UUID) -> tuple[uuid.UUID, uuid.UUID]:
    return uuid.uuid5(conversion_id, "account"), uuid.uuid5(conversion_id, "contact")


def _explain(what: str, exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        parts = [f"{what}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                 for e in exc.errors(include_url=False)[:5]]
        return "; ".join(parts) or f"{what}: invalid"
    fields = "".join(f" ({f.field.removeprefix('body.')})"
                     for f in getattr(exc, "fields", [])[:1])
    return f"{what}{fields}: {getattr(exc, 'message', str(exc))}"


async def _account(session: AsyncSession, ctx: RequestContext,
                   req: ConversionRequested) -> uuid.UUID:
    if req.account_id is not None:
        try:
            await accounts.load(session, ctx, req.account_id, write=True)
        except AppError as exc:
            raise Refused(f"account {req.account_id}: {exc.message} (or not visible to the "
                          "person converting)") from exc
        return req.account_id
    account_id, _ = ids_of(req.conversion_id)
    if await accounts_repo.get(session, ctx.tenant, system_scope(), account_id) is None:
        try:
            body = AccountCreate.model_validate(req.account or {})
            await accounts.create(session, ctx, body, account_id=account_id)
        except (ValidationError, AppError) as exc:
            raise Refused(_explain("account", exc)) from exc
    return account_id


async def _contact(session: AsyncSession, ctx: RequestContext, req: ConversionRequested,
                   account_id: uuid.UUID) -> uuid.UUID:
    _, contact_id = ids_of(req.conversion_id)
    if await contacts_repo.get(session, ctx.tenant, account_id=account_id,
                               contact_id=contact_id) is None:
        try:
            body = ContactCreate.model_validate(req.contact.model_dump())
            await contacts.create(session, ctx, account_id, body, contact_id=contact_id)
        except (ValidationError, AppError) as exc:
            raise Refused(_explain("contact", exc)) from exc
    return contact_id


async def convert(session: AsyncSession, tenant: TenantId, req: ConversionRequested,
                  correlation: str | None = None) -> bool:
    """Handle `lead.conversion_requested`; returns whether it converted (else it failed)."""
    who = req.requested_by
    ctx = context_for(tenant, who.user_id, who.role, who.team_id, who.account_owner_ids,
                      correlation_id=correlation)
    try:
        async with session.begin_nested():  # a refusal undoes whatever this attempt made
            account_id = await _account(session, ctx, req)
            contact_id = await _contact(session, ctx, req, account_id)
    except Refused as refused:
        await _answer(session, tenant, req, AccountConversionFailedV1(
            conversion_id=req.conversion_id, lead_id=req.lead_id, reason=refused.reason))
        return False
    await _answer(session, tenant, req, AccountLeadConvertedV1(
        conversion_id=req.conversion_id, lead_id=req.lead_id, account_id=account_id,
        contact_id=contact_id))
    return True


async def _answer(session: AsyncSession, tenant: TenantId, req: ConversionRequested,
                  answer: AccountLeadConvertedV1 | AccountConversionFailedV1) -> None:
    await outbox.stage(session, EVENTS.event(answer, tenant_id=tenant.value,
                                             subject=str(req.lead_id)))

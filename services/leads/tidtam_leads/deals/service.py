"""Deals: open one on an account, change it, move it through the pipeline, win, lose,
reopen (admins). The account and contact named are checked against the accounts
projection (accounts/): one the caller may not see is 404. Every change keeps its history
(who, when, field → [before, after]) and stages its `deal.*` event in the request's
transaction. Visibility as leads (own / team / all, by the deal's owner): a deal the caller
may not see is 404."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import RequestContext, TenantId, system_scope
from crmkit.errors import Conflict, Forbidden, NotFound
from crmkit.paging import decode_cursor, next_cursor
from tidtam_contracts.deals import (
    DealCreatedV1,
    DealEvent,
    DealLostV1,
    DealReopenedV1,
    DealStageChangedV1,
    DealUpdatedV1,
    DealWonV1,
)
from tidtam_contracts.documents import Quote

from ..accounts import service as known_accounts
from ..actions.schemas import ReasonIn, clean_reason
from ..contracts import EVENTS
from ..pipelines import repository as pipelines_repository
from ..pipelines import service as pipelines
from ..pipelines.models import Stage
from ..users import service as users
from . import lines, repository
from .models import Deal
from .schemas import DealCreate, DealEntryOut, DealOut, DealPage, DealPatch, DealStageIn, DealWonIn

TRACKED = ("name", "owner_id", "contact_id", "amount", "expected_close", "probability", "lines",
           "amount_source", "probability_typed")
DEFAULT_ZONE = "Asia/Bangkok"


def _json(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value) if isinstance(value, uuid.UUID | Decimal) else value


def _fields(deal: Deal) -> dict[str, Any]:
    out = {c.name: getattr(deal, c.name) for c in Deal.__table__.c if c.name != "tenant_id"}
    out["weighted_amount"] = lines.weighted(deal.amount, deal.probability)
    return out


def to_out(ctx: RequestContext, deal: Deal) -> DealOut:
    return DealOut.model_validate({**_fields(deal),
                                   "read_only": not ctx.lead_scope.may_write(deal.owner_id)})


async def _record(session: AsyncSession, ctx: RequestContext, deal: Deal, kind: str,
                  contract: type[DealEvent], changes: dict[str, list[Any]],
                  note: str | None = None) -> None:
    await _write(session, ctx.tenant, ctx.user_id, deal, kind, contract, changes, note)


async def _write(session: AsyncSession, tenant: TenantId, author: uuid.UUID | None,
                 deal: Deal, kind: str, contract: type[DealEvent],
                 changes: dict[str, list[Any]], note: str | None = None) -> None:
    """The history entry and the event of one change of `deal` (as it is after it)."""
    plain = {k: [_json(v) for v in pair] for k, pair in changes.items()}
    await repository.append(session, tenant, deal.id, kind, author, plain, note)
    await _stage(session, tenant, contract, deal, by_user_id=author, changes=plain)


def _created_changes(deal: Deal) -> dict[str, list[Any]]:
    return {k: [None, v] for k, v in _fields(deal).items()
            if k in (*TRACKED, "stage_id", "pipeline_id", "status") and v not in (None, [])
            and (k != "probability_typed" or v)}


def _amount(given: Decimal | None, kept: list[dict[str, Any]]) -> dict[str, Any]:
    """The amount and its source: typed (`given`), else the sum of the lines, else none."""
    if given is not None:
        return dict(amount=given, amount_source="typed")
    summed = lines.total(kept)
    return dict(amount=summed, amount_source="lines" if summed is not None else None)


async def _default_probability(session: AsyncSession, tenant: TenantId,
                               stage_id: uuid.UUID) -> int | None:
    stage = await pipelines_repository.get_stage(session, tenant, stage_id)
    return stage.probability if stage is not None else None


async def open_from_lead(session: AsyncSession, tenant: TenantId, lead: Mapping[str, Any],
                         conversion_id: uuid.UUID) -> None:
    """A converted lead's deal, with its account and contact, in the consumer's transaction
    (the accounts service's answer): its owner, pipeline, stage and potential value. Its id
    derives from the conversion, so an answer applied twice cannot make two."""
    deal = await repository.insert_once(session, tenant, dict(
        id=uuid.uuid5(conversion_id, "deal"), name=lead["company"] or lead["name"],
        account_id=lead["account_id"], contact_id=lead["contact_id"],
        owner_id=lead["owner_id"], pipeline_id=lead["pipeline_id"],
        stage_id=lead["stage_id"], status="open", lead_id=lead["id"],
        probability=await _default_probability(session, tenant, lead["stage_id"]),
        **_amount(lead["potential"], [])))
    if deal is not None:
        await _write(session, tenant, None, deal, "created", DealCreatedV1,
                     _created_changes(deal))


async def amount_from_quote(session: AsyncSession, tenant: TenantId, quote: Quote,
                            by_user_id: uuid.UUID) -> None:
    """A quote accepted for an open deal (documents' `quote.accepted` with `deal_id`): the
    deal's amount becomes the quote's before VAT (`amount_source` `quote`), kept in the
    history naming the quote, by whoever accepted it. A deal this service does not have, or
    one already won or lost, is left as it is."""
    if quote.deal_id is None:
        return
    deal = await repository.get(session, tenant, system_scope(), quote.deal_id, lock=True)
    if deal is None or deal.status != "open":
        return
    values: dict[str, Any] = dict(amount=Decimal(quote.before_vat), amount_source="quote")
    changes = {k: [getattr(deal, k), v] for k, v in values.items() if getattr(deal, k) != v}
    if not changes:
        return
    deal = await repository.update(session, tenant, deal.id, values)
    await _write(session, tenant, by_user_id, deal, "updated", DealUpdatedV1, changes,
                 note=f"quote {quote.number} accepted")


async def _stage(session: AsyncSession, tenant: TenantId, contract: type[DealEvent],
                 deal: Deal, **extra: Any) -> None:
    data = contract.model_validate({**_fields(deal), **extra})
    await outbox.stage(session, EVENTS.event(data, tenant_id=tenant.value, subject=str(deal.id),
                                             sequence=deal.version))


async def load(session: AsyncSession, ctx: RequestContext, deal_id: uuid.UUID, *,
               write: bool = False) -> Deal:
    deal = await repository.get(session, ctx.tenant, ctx.lead_scope, deal_id, lock=write)
    if deal is None:
        raise NotFound("no such deal")
    if write and not ctx.lead_scope.may_write(deal.owner_id):
        raise Forbidden("only the deal's owner (or someone who manages them) may change it")
    return deal


async def create(session: AsyncSession, ctx: RequestContext, body: DealCreate) -> DealOut:
    owner = body.owner_id or ctx.user_id
    if owner != ctx.user_id:
        await users.require_active(session, ctx, owner, "body.owner_id")
    if not ctx.lead_scope.may_write(owner):
        raise Forbidden("you may open deals for yourself (or for those you manage) only")
    await known_accounts.require_visible(session, ctx, account_id=body.account_id,
                                         contact_id=body.contact_id)
    stage = await pipelines.resolve_stage(session, ctx, pipeline_id=body.pipeline_id,
                                           stage_id=body.stage_id)
    values = body.model_dump(exclude={"owner_id", "pipeline_id", "stage_id", "lines",
                                      "amount", "probability"})
    kept = await lines.resolve(session, ctx.tenant, body.lines, "body.lines")
    probability = body.probability
    if probability is None:
        probability = await _default_probability(session, ctx.tenant, stage.id)
    deal = await repository.insert(session, ctx.tenant, dict(
        id=uuid.uuid4(), owner_id=owner, pipeline_id=stage.pipeline_id, stage_id=stage.id,
        status="open", lines=kept, probability=probability,
        probability_typed=body.probability is not None, **_amount(body.amount, kept),
        **values))
    await _record(session, ctx, deal, "created", DealCreatedV1, _created_changes(deal))
    return to_out(ctx, deal)


async def get(session: AsyncSession, ctx: RequestContext, deal_id: uuid.UUID) -> DealOut:
    return to_out(ctx, await load(session, ctx, deal_id))


async def list_page(session: AsyncSession, ctx: RequestContext, *, limit: int,
                    cursor: str | None, filters: dict[str, Any]) -> DealPage:
    after = decode_cursor(cursor) if cursor else None
    rows = await repository.page(session, ctx.tenant, ctx.lead_scope, limit=limit + 1,
                                 after=after, filters=filters)
    page, next_at = next_cursor([_fields(r) for r in rows], limit)
    items = [DealOut.model_validate({**r, "read_only": not ctx.lead_scope.may_write(
        r["owner_id"])}) for r in page]
    return DealPage(items=items, next_cursor=next_at)


async def patch(session: AsyncSession, ctx: RequestContext, deal_id: uuid.UUID,
                body: DealPatch) -> DealOut:
    deal = await load(session, ctx, deal_id, write=True)
    given = body.model_fields_set
    values = {f: getattr(body, f) for f in given - {"lines", "amount", "probability"}}
    if body.owner_id is not None and body.owner_id != deal.owner_id:
        await users.require_active(session, ctx, body.owner_id, "body.owner_id")
    if body.contact_id is not None and body.contact_id != deal.contact_id:
        # The deal's account was checked when it was opened; its owner may see the deal
        # without seeing the account, so only the contact is checked here.
        await known_accounts.require_contact(session, ctx, account_id=deal.account_id,
                                             contact_id=body.contact_id)
    kept = deal.lines
    if body.lines is not None:
        kept = values["lines"] = await lines.resolve(session, ctx.tenant, body.lines,
                                                     "body.lines")
    if "amount" in given or (body.lines is not None
                             and deal.amount_source in (None, "lines")):
        values.update(_amount(body.amount, kept))
    if "probability" in given:
        values["probability_typed"] = body.probability is not None
        values["probability"] = body.probability if body.probability is not None else \
            await _default_probability(session, ctx.tenant, deal.stage_id)
    changes = {k: [getattr(deal, k), v] for k, v in values.items() if getattr(deal, k) != v}
    if not changes:
        return to_out(ctx, deal)
    deal = await repository.update(session, ctx.tenant, deal_id,
                                   {k: pair[1] for k, pair in changes.items()})
    await _record(session, ctx, deal, "updated", DealUpdatedV1, changes)
    return to_out(ctx, deal)


async def _last_held(session: AsyncSession, ctx: RequestContext, deal: Deal,
                     pipeline_id: uuid.UUID) -> Stage | None:
    """As for leads: the stage the deal holds in `pipeline_id`, or the one it last left it
    from (a move back by way of another pipeline is still a move back)."""
    if pipeline_id == deal.pipeline_id:
        stage_id: uuid.UUID | None = deal.stage_id
    else:
        stage_id = await repository.last_stage_left(session, ctx.tenant, deal_id=deal.id,
                                                    pipeline_id=pipeline_id)
    return await pipelines.get_stage(session, ctx, stage_id) if stage_id else None


async def change_stage(session: AsyncSession, ctx: RequestContext, deal_id: uuid.UUID,
                       body: DealStageIn) -> DealOut:
    deal = await load(session, ctx, deal_id, write=True)
    stage = await pipelines.get_stage(session, ctx, body.stage_id)
    if stage is None:
        raise NotFound.on("body.stage_id", f"no stage {body.stage_id} in this tenant",
                          code="unknown_stage")
    if stage.id == deal.stage_id:
        return to_out(ctx, deal)
    if not (bool(ctx.settings.get("allow_stage_back")) or ctx.role == "admin"):
        held = await _last_held(session, ctx, deal, stage.pipeline_id)
        if held is not None and stage.position < held.position:
            raise Conflict(f"the deal was at stage \"{held.name}\" of this pipeline; moving "
                           "it back to an earlier stage is not allowed in this tenant (setting "
                           "allow_stage_back), also by way of another pipeline; ask an admin",
                           code="stage_back_not_allowed")
    values: dict[str, Any] = dict(pipeline_id=stage.pipeline_id, stage_id=stage.id)
    if not deal.probability_typed:  # the new stage's default
        values["probability"] = stage.probability
    changes = {k: [getattr(deal, k), v] for k, v in values.items()
               if k != "probability" or getattr(deal, k) != v}
    deal = await repository.update(session, ctx.tenant, deal_id, values)
    await _record(session, ctx, deal, "stage_changed", DealStageChangedV1, changes)
    return to_out(ctx, deal)


def _today(ctx: RequestContext) -> date:
    zone = ctx.settings.get("time_zone") or DEFAULT_ZONE
    try:
        return datetime.now(ZoneInfo(str(zone))).date()
    except (KeyError, ValueError):  # a zone this host does not know: the default's day
        return datetime.now(ZoneInfo(DEFAULT_ZONE)).date()


def _require_open(deal: Deal) -> None:
    if deal.status != "open":
        raise Conflict(f"the deal is already {deal.status}; an admin may reopen it",
                       code=f"already_{deal.status}")


async def won(session: AsyncSession, ctx: RequestContext, deal_id: uuid.UUID,
              body: DealWonIn) -> DealOut:
    deal = await load(session, ctx, deal_id, write=True)
    _require_open(deal)
    values: dict[str, Any] = dict(status="won", closed_on=body.closed_on or _today(ctx))
    if body.amount is not None:
        values.update(amount=body.amount, amount_source="typed")
    changes = {k: [getattr(deal, k), v] for k, v in values.items() if getattr(deal, k) != v}
    deal = await repository.update(session, ctx.tenant, deal_id, values)
    await _record(session, ctx, deal, "won", DealWonV1, changes)
    return to_out(ctx, deal)


async def lost(session: AsyncSession, ctx: RequestContext, deal_id: uuid.UUID,
               body: ReasonIn) -> DealOut:
    deal = await load(session, ctx, deal_id, write=True)
    reason = clean_reason(body.reason)
    _require_open(deal)
    values = dict(status="lost", lost_reason=reason, closed_on=_today(ctx))
    changes = {k: [getattr(deal, k), v] for k, v in values.items()}
    deal = await repository.update(session, ctx.tenant, deal_id, values)
    await _record(session, ctx, deal, "lost", DealLostV1, changes, note=reason)
    return to_out(ctx, deal)


async def reopen(session: AsyncSession, ctx: RequestContext, deal_id: uuid.UUID) -> DealOut:
    deal = await load(session, ctx, deal_id, write=True)
    if not ctx.is_admin:
        raise Forbidden("only an admin may reopen a won or lost deal")
    if deal.status == "open":
        raise Conflict("the deal is open", code="already_open")
    values: dict[str, Any] = dict(status="open", lost_reason=None, closed_on=None)
    changes = {k: [getattr(deal, k), v] for k, v in values.items() if getattr(deal, k) != v}
    deal = await repository.update(session, ctx.tenant, deal_id, values)
    await _record(session, ctx, deal, "reopened", DealReopenedV1, changes)
    return to_out(ctx, deal)


async def history(session: AsyncSession, ctx: RequestContext,
                  deal_id: uuid.UUID) -> list[DealEntryOut]:
    await load(session, ctx, deal_id)
    return [DealEntryOut.model_validate(e, from_attributes=True)
            for e in await repository.history(session, ctx.tenant, deal_id)]

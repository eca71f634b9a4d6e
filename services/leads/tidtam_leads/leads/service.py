"""Creating, reading, listing and editing leads. Actions live in ../actions."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from fastapi import Request, Response
from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from crmkit import custom, outbox
from crmkit.context import RequestContext, system_scope
from crmkit.custom import cache as custom_cache
from crmkit.errors import Forbidden, NotFound
from crmkit.idempotency import answered
from crmkit.paging import decode_cursor, next_cursor
from crmkit.rawtx import raw_idempotent
from crmkit.responses import json_answer
from crmkit.text import search_patterns
from tidtam_contracts.leads import LeadAssignedV1, LeadCreatedV2, LeadUpdatedV2

from ..catalog import cache as setup_cache
from ..catalog import service as catalog
from ..catalog.cache import StartStage
from ..consent.schemas import marketing_allowed
from ..conversion import from_account
from ..conversion.client import AccountsReader, get_accounts
from ..followups import repository as history
from ..labels import service as labels
from ..pipelines import service as pipelines
from ..products import service as products
from ..queues.assign import Assignment, assign_new
from ..users import service as users
from . import repository
from .events import lead_event, stage_lead_event
from .repository import LeadRow, LeadView
from .schemas import (
    BoxCounts,
    LeadCreate,
    LeadOut,
    LeadPatch,
)

# Leads' custom fields and segments (crmkit.custom), mounted by main.py.
CUSTOM = custom.CustomEntity(entity="lead", table="leads", list_path="/api/v1/leads")
READ_ONLY = ("you see this lead because you sent it on; only its owner (or someone who "
             "manages them) may change it")


def _out_data(ctx: RequestContext, row: LeadRow,
              label_ids: list[uuid.UUID] | None = None) -> dict[str, Any]:
    data = dict(row)
    data["box"] = data.pop("status")
    data["reason"] = data.pop("status_reason")
    data["label_ids"] = label_ids if label_ids is not None else (data.get("label_ids") or [])
    data["read_only"] = not ctx.lead_scope.may_write(row["owner_id"])
    data["marketing"] = marketing_allowed(row["consent"], row["consent_change"])
    return data


def to_out(ctx: RequestContext, row: LeadRow, label_ids: list[uuid.UUID] | None = None) -> LeadOut:
    return LeadOut.model_validate(_out_data(ctx, row, label_ids))


_OUT_FIELDS = tuple(LeadOut.model_fields)


def out_body(ctx: RequestContext, row: LeadRow,
             label_ids: list[uuid.UUID] | None = None) -> dict[str, Any]:
    """LeadOut as plain data, its fields in its order (crmkit.responses: the hot routes
    answer without validating it again)."""
    data = _out_data(ctx, row, label_ids)
    return {f: data[f] for f in _OUT_FIELDS}


async def load(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID, *,
               write: bool = False) -> LeadView:
    """The lead if the caller may see it (404 otherwise); with `write`, locked for the
    change and 403 when the caller only sees it as its sender."""
    row = await repository.get(session, ctx.tenant, ctx.lead_scope, lead_id=lead_id,
                               viewer=ctx.user_id, lock=write)
    if row is None:
        raise NotFound("no such lead")
    if write and not ctx.lead_scope.may_write(row["owner_id"]):
        raise Forbidden(READ_ONLY)
    return row


async def reload_out(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID) -> LeadOut:
    row = await repository.get(session, ctx.tenant, ctx.lead_scope, lead_id=lead_id,
                               viewer=ctx.user_id)
    if row is None:
        # Moved out of the caller's sight by this very change (sent or transferred away).
        row = await repository.get(session, ctx.tenant, system_scope(), lead_id=lead_id,
                                   viewer=ctx.user_id)
    if row is None:
        raise NotFound("no such lead")
    return to_out(ctx, row)


async def create(session: AsyncSession, ctx: RequestContext, body: LeadCreate,
                 accounts: AccountsReader) -> Response:
    """With `account_id`, what the body leaves out is read from the account (and contact)
    first, before the transaction holds a connection."""
    from_account.check_required(body)
    d = await from_account.details(body, accounts)
    await catalog.ensure_defaults(session, ctx.tenant)
    await catalog.require_source(session, ctx, body.source)
    values = custom.merge(await custom.definitions(session, ctx, CUSTOM), None, body.custom,
                          creating=True)
    owner = body.owner_id or ctx.user_id
    if owner != ctx.user_id:
        await users.require_active(session, ctx, owner, "body.owner_id")
    stage = await pipelines.resolve_stage(session, ctx, pipeline_id=body.pipeline_id,
                                           stage_id=body.stage_id)
    await labels.require_visible(session, ctx, body.label_ids, "body.label_ids")
    await products.require_known(session, ctx.tenant, body.product_ids, "body.product_ids")
    queued = None
    if body.owner_id is None:  # no owner chosen: the assignment queues choose
        queued = (await assign_new(session, ctx.tenant, [dict(
            source=body.source, custom=values, product_ids=body.product_ids,
            name=d.name, phone=d.phone, email=d.email, company=d.company,
            pipeline_id=stage.pipeline_id, stage_id=stage.id, label_ids=body.label_ids,
            owner_id=owner)]))[0]
        owner = queued.owner_id if queued else owner
    detail = {"owner_id": str(owner), "source": body.source}
    if queued:
        detail["queue_id"] = str(queued.queue_id)
    if body.account_id:
        detail["account_id"] = str(body.account_id)
    row, dups = await repository.insert_created(session, ctx.tenant, ctx.lead_scope, dict(
        id=uuid.uuid4(), name=d.name, phone=d.phone, email=d.email,
        company=d.company, note=body.note, source=body.source, owner_id=owner,
        pipeline_id=stage.pipeline_id, stage_id=stage.id, potential=body.potential,
        custom=values, account_id=body.account_id, contact_id=d.contact_id,
        product_ids=body.product_ids,
    ), author_id=ctx.user_id, detail=detail,
        event=lambda new: lead_event(ctx.tenant, LeadCreatedV2, new, by_user_id=ctx.user_id))
    await repository.set_label(session, ctx.tenant, row["id"], body.label_ids)
    if owner != ctx.user_id or queued:
        await stage_assigned(session, ctx, [(row, None, queued)])
    return _created(ctx, row, dups, d, body)


def _created(ctx: RequestContext, row: LeadRow, dups: list[repository.DuplicateRow],
             d: from_account.Details, body: LeadCreate) -> Response:
    data = out_body(ctx, row, list(dict.fromkeys(body.label_ids)))
    data["possible_duplicates"] = [
        {"id": dup["id"], "name": dup["name"],
         "match": "phone" if dup["phone"] == d.phone else "email"} for dup in dups]
    return json_answer(data, status_code=201)  # LeadCreated


async def create_answer(request: Request, ctx: RequestContext, body: LeadCreate,
                        key: str | None) -> Response:
    """POST /leads: the common create (the caller's own lead, no account, labels, products
    or chosen stage, everything it checks already in the app's set-up caches, no active
    assignment queue) in one transaction on a bare asyncpg connection (crmkit.rawtx):
    BEGIN with the tenant, the key's claim when there is one, the insert with its history
    entry, outbox row and duplicates, the key's answer, COMMIT. Anything else goes through
    `create` on a session, unchanged; both keep the same promises and answers."""
    state = request.app.state
    ready = await _cached_setup(state.sessionmaker, ctx, body)
    if ready is not None:
        CREATES.labels("bare").inc()
        return await _create_raw(request, state.engine, ctx, body, key, *ready)
    CREATES.labels("session").inc()
    accounts = await get_accounts(request)
    return await answered(state.sessionmaker, ctx.tenant, request, key,
                          caller=str(ctx.user_id),
                          handler=lambda session: create(session, ctx, body, accounts))


# Which path each create took (/metrics): the bare connection is the common create's.
CREATES = Counter("tidtam_lead_creates_total", "Lead creates by the path they took "
                  "(bare: crmkit.rawtx; session: SQLAlchemy's session)", ["path"])


class _NotCached(Exception):
    pass


async def _not_cached() -> dict[str, custom.Definition]:
    raise _NotCached


async def _cached_setup(maker: async_sessionmaker[AsyncSession], ctx: RequestContext,
                        body: LeadCreate
                        ) -> tuple[StartStage, dict[str, custom.Definition]] | None:
    """The new lead's start stage and the custom-field rules, when `create` would read
    nothing from the database before its insert and write nothing but the lead (its
    history, its event): else None."""
    if (body.account_id is not None or body.contact_id is not None or body.label_ids
            or body.product_ids or body.stage_id is not None
            or (body.owner_id is not None and body.owner_id != ctx.user_id)):
        return None
    info = maker.kw.get("info") or {}
    known, tenant = setup_cache.of_info(info), ctx.tenant.value
    stage = known.first_stage.get((tenant, body.pipeline_id))
    if (tenant not in known.ready or (tenant, body.source) not in known.sources
            or stage is None or known.queues.get(tenant) != []):
        return None
    rules = custom_cache.of_info(info)
    if rules is None:
        return None
    try:
        return stage, await rules.get(tenant, CUSTOM.entity, _not_cached)
    except _NotCached:
        return None


async def _create_raw(request: Request, engine: AsyncEngine, ctx: RequestContext,
                      body: LeadCreate, key: str | None, stage: StartStage,
                      rules: dict[str, custom.Definition]) -> Response:
    async with raw_idempotent(request, engine, ctx.tenant, key,
                              caller=str(ctx.user_id)) as (conn, answer):
        # After the claim, as `create` runs after it: a repeat replays its first answer.
        d = from_account.own_details(body)
        values = custom.merge(rules, None, body.custom, creating=True)
        row, dups = await repository.insert_created_on(
            conn, ctx.tenant, ctx.lead_scope, dict(
                id=uuid.uuid4(), name=d.name, phone=d.phone, email=d.email,
                company=d.company, note=body.note, source=body.source, owner_id=ctx.user_id,
                pipeline_id=stage.pipeline_id, stage_id=stage.id, potential=body.potential,
                custom=values, account_id=None, contact_id=None, product_ids=[]),
            author_id=ctx.user_id, detail={"owner_id": str(ctx.user_id), "source": body.source},
            event=lambda new: lead_event(ctx.tenant, LeadCreatedV2, new,
                                         by_user_id=ctx.user_id))
        answer.response = _created(ctx, row, dups, d, body)
    return answer.response


async def stage_assigned(session: AsyncSession, ctx: RequestContext,
                         assigned: Sequence[tuple[LeadRow, uuid.UUID | None, Assignment | None]]
                         ) -> None:
    """Each `(row, from_user_id, queued)`: the lead got an owner the caller (or a queue, for
    the caller's new lead) chose. Its `lead.assigned` event (the version of the change that
    did it) and, for a queue's choice, a history entry naming the queue; one statement each
    for all of them (imports)."""
    entries = [(row["id"], {"owner_id": str(row["owner_id"]), "queue_id": str(q.queue_id),
                            "queue_name": q.queue_name})
               for row, _, q in assigned if q is not None]
    await history.append_many(session, ctx.tenant, "assigned", ctx.user_id, entries)
    await outbox.stage_many(session, (lead_event(
        ctx.tenant, LeadAssignedV1, row, from_user_id=from_user, by_user_id=ctx.user_id,
        queue_id=q.queue_id if q else None, queue_name=q.queue_name if q else None)
        for row, from_user, q in assigned))


async def get(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID) -> LeadOut:
    return to_out(ctx, await load(session, ctx, lead_id))


async def patch(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                body: LeadPatch) -> LeadOut:
    given = body.model_fields_set
    current = await load(session, ctx, lead_id, write=True)
    values: dict[str, Any] = {f: getattr(body, f) for f in given}
    # Omittable fields: sent (in `given`) exactly when not None.
    if body.custom is not None:  # the keys sent change; the others stay
        values["custom"] = custom.merge(await custom.definitions(session, ctx, CUSTOM),
                                        current["custom"], body.custom, creating=False)
    if body.source is not None and body.source != current["source"]:
        await catalog.require_source(session, ctx, body.source)
    if body.owner_id is not None and body.owner_id != current["owner_id"]:
        await users.require_active(session, ctx, body.owner_id, "body.owner_id")
    if body.product_ids is not None:
        await products.require_known(session, ctx.tenant, body.product_ids,
                                     "body.product_ids")
    was: Mapping[str, object] = current
    changed = sorted(k for k, v in values.items() if was[k] != v)
    if not changed:
        return to_out(ctx, current)
    row = await repository.update(session, ctx.tenant, lead_id,
                                  {k: values[k] for k in changed})
    await history.append(session, ctx.tenant, lead_id, "updated", ctx.user_id,
                         detail={"changed": changed})
    await stage_lead_event(session, ctx.tenant, LeadUpdatedV2, row, changed=changed,
                           by_user_id=ctx.user_id)
    if "owner_id" in changed:
        await stage_assigned(session, ctx, [(row, current["owner_id"], None)])
    return await reload_out(session, ctx, lead_id)


async def list_box(session: AsyncSession, ctx: RequestContext, *, request: Request,
                   segment: uuid.UUID | None, limit: int, cursor: str | None,
                   **params: Any) -> Response:
    """`params`: the list's filters (box, q, …); a segment's stored ones and `cf.*` from
    the query string apply too (crmkit.custom.list_filters). A box's first page without
    filters (the hot case; not `sent`, whose leads may be read-only) comes from the driver
    already in the answer's shape."""
    after = decode_cursor(cursor) if cursor else None
    found = await custom.list_filters(session, ctx, CUSTOM, request.app, request.query_params,
                                      segment, params)
    if found.empty:
        return json_answer({"items": [], "next_cursor": None})
    if after is None and found.params["box"] != "sent" and not (found.custom or found.also or any(
            v is not None for k, v in found.params.items() if k != "box")):
        items = await repository.first_page_answer(
            session, ctx.tenant, ctx.lead_scope, ctx.user_id, box=found.params["box"],
            limit=limit + 1)
        for item in items:
            item["marketing"] = marketing_allowed(item["consent"], item["consent_change"])
        page, cursor = next_cursor(items, limit)
        return json_answer({"items": page, "next_cursor": cursor})
    rows, cursor = await _page_of(session, ctx, found, after=after, limit=limit)
    return json_answer({"items": [out_body(ctx, r) for r in rows], "next_cursor": cursor})


async def matching(session: AsyncSession, ctx: RequestContext, *, request: Request,
                   segment: uuid.UUID | None, limit: int, cursor: str | None,
                   **params: Any) -> tuple[list[LeadView], str | None]:
    """One page of the leads the list's filters select (as `list_box`), and the next cursor."""
    after = decode_cursor(cursor) if cursor else None
    found = await custom.list_filters(session, ctx, CUSTOM, request.app, request.query_params,
                                      segment, params)
    if found.empty:
        return [], None
    return await _page_of(session, ctx, found, after=after, limit=limit)


async def _page_of(session: AsyncSession, ctx: RequestContext, found: custom.ListFilters, *,
                   after: tuple[datetime, uuid.UUID] | None, limit: int
                   ) -> tuple[list[LeadView], str | None]:
    filters = dict(found.params)
    q_text, q_digits = search_patterns(filters.pop("q"))
    also_q = search_patterns(found.also["q"]) if "q" in found.also else None
    rows = await repository.page(session, ctx.tenant, ctx.lead_scope, ctx.user_id,
                                 limit=limit + 1, after=after, q_text=q_text,
                                 q_digits=q_digits, custom=found.custom, also_q=also_q,
                                 **filters)
    return next_cursor(rows, limit)


async def stream_matching(session: AsyncSession, ctx: RequestContext, *, request: Request,
                          segment: uuid.UUID | None,
                          columns: Sequence[sa.ColumnElement[Any]] = repository.COLUMNS,
                          fetch: int = 10_000, **params: Any) -> AsyncIterator[list[Any]]:
    """Every lead the list's filters select (as `matching`, all pages), in large batches of
    driver records (`columns`) from one server-side cursor: for exports."""
    found = await custom.list_filters(session, ctx, CUSTOM, request.app, request.query_params,
                                      segment, params)
    if found.empty:
        return
    filters = found.params
    q_text, q_digits = search_patterns(filters.pop("q"))
    also_q = search_patterns(found.also["q"]) if "q" in found.also else None
    async for batch in repository.stream(session, ctx.tenant, ctx.lead_scope, ctx.user_id,
                                         q_text=q_text, q_digits=q_digits,
                                         custom=found.custom, also_q=also_q, columns=columns,
                                         fetch=fetch, **filters):
        yield batch


async def counts(session: AsyncSession, ctx: RequestContext) -> BoxCounts:
    return BoxCounts.model_validate(await repository.box_counts(
        session, ctx.tenant, ctx.lead_scope, ctx.user_id, list(BoxCounts.model_fields)))


async def put_label(session: AsyncSession, ctx: RequestContext, *, lead_id: uuid.UUID,
                    label_id: uuid.UUID, on: bool) -> LeadOut:
    """System labels change the lead for everyone (write access); a personal label is the
    caller's own note, so seeing the lead is enough."""
    row = await load(session, ctx, lead_id)
    found = await labels.require_visible(session, ctx, [label_id], "path.label_id",
                                         assigning=on)
    if found[0].scope == "system":
        row = await load(session, ctx, lead_id, write=True)
    if on:
        await repository.set_label(session, ctx.tenant, row["id"], [label_id])
    else:
        await repository.unset_label(session, ctx.tenant, lead_id=row["id"],
                                     label_id=label_id)
    return await reload_out(session, ctx, lead_id)

"""Bulk actions on leads: one request, one action, up to 500 leads, a result per lead.

The action's own input (the recipient, label, stage or reason) is checked once, before any
lead: a wrong one is the whole request's 404/409/422. Then each lead goes through exactly
what the single action does (visibility, write access, the stage-back rule, history, its
event), in its own SAVEPOINT: a lead that may not be changed is rolled back alone and
reported, the others are done. Everything commits together at the end, with the
`Idempotency-Key` if one was sent: a retry of a request whose answer was lost replays it
and changes nothing twice. Leads are taken in id order, so two bulk requests on the same
leads lock them in the same order.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import AppError, NotFound, Unprocessable

from ..actions import service as actions
from ..actions.schemas import SendIn, clean_reason
from ..catalog import service as catalog
from ..errors import refused
from ..labels import service as labels
from ..leads import repository as leads_repo
from ..leads import service as leads
from ..users import service as users
from .schemas import MAX_LEADS, NEEDS, OPTIONAL, BulkIn, BulkOut, BulkResult

Apply = Callable[[uuid.UUID], Awaitable[None]]
FILTERS = ("box", "q", "label_id", "pipeline_id", "stage_id", "owner_id", "segment")


def _check_fields(body: BulkIn) -> None:
    needs, optional = NEEDS[body.action], OPTIONAL.get(body.action, ())
    for name in ("to_user_id", "note", "label_id", "stage_id", "reason"):
        given = getattr(body, name) is not None
        if name in needs and not given:
            raise Unprocessable.on(f"body.{name}", f"is required for action {body.action}")
        if given and name not in needs and name not in optional:
            raise Unprocessable.on(f"body.{name}", f"is not used by action {body.action}; "
                                                   "leave it out")


async def _leads(session: AsyncSession, ctx: RequestContext, request: Request, body: BulkIn,
                 filters: dict[str, object]) -> list[uuid.UUID]:
    """The leads asked for, in the order asked (each once)."""
    filtering = [k for k in request.query_params if k in FILTERS or k.startswith("cf.")]
    if body.all_matching == (body.lead_ids is not None):
        raise Unprocessable.on("body.lead_ids", "send either lead_ids or all_matching: true "
                                                "(with the list's query parameters)")
    if body.lead_ids is not None:
        if filtering:
            raise Unprocessable.on(f"query.{filtering[0]}", "filters apply only with "
                                                           "all_matching: true")
        return list(dict.fromkeys(body.lead_ids))
    segment = filters.pop("segment")
    rows, _ = await leads.matching(session, ctx, request=request, limit=MAX_LEADS + 1,
                                   cursor=None, segment=segment, **filters)  # type: ignore[arg-type]
    if len(rows) > MAX_LEADS:
        raise refused(f"more than {MAX_LEADS} leads match; narrow the filter, or act on at "
                      f"most {MAX_LEADS} at a time", "too_many_leads", "body.all_matching",
                      kind=Unprocessable)
    return [row["id"] for row in rows]


async def _action(session: AsyncSession, ctx: RequestContext, body: BulkIn) -> Apply:
    """The action's input checked once; what it does to one lead."""
    if body.action == "send":
        assert body.to_user_id is not None
        await users.require_active(session, ctx, body.to_user_id, "body.to_user_id")
        send = SendIn(to_user_id=body.to_user_id, note=body.note)
        return lambda lead_id: actions.apply_send(session, ctx, lead_id, send)
    if body.action in ("add_label", "remove_label"):
        assert body.label_id is not None
        on = body.action == "add_label"
        label = (await labels.require_visible(session, ctx, [body.label_id], "body.label_id",
                                              assigning=on))[0]
        system, label_id = label.scope == "system", label.id

        async def put_label(lead_id: uuid.UUID) -> None:
            # As the single action: a system label needs write access, a personal one (the
            # caller's own note) only sight of the lead.
            row = await leads.load(session, ctx, lead_id, write=system)
            if on:
                await leads_repo.set_label(session, ctx.tenant, row["id"], [label_id])
            else:
                await leads_repo.unset_label(session, ctx.tenant, lead_id=row["id"],
                                             label_id=label_id)
        return put_label
    if body.action == "move_stage":
        assert body.stage_id is not None
        stage_id = (await actions.require_stage(session, ctx, body.stage_id)).id

        async def move(lead_id: uuid.UUID) -> None:
            lead = await leads.load(session, ctx, lead_id, write=True)
            stage = await actions.require_stage(session, ctx, stage_id)
            if stage.id != lead["stage_id"]:
                await actions.apply_stage(session, ctx, lead, stage)
        return move
    box = body.action
    reason = clean_reason(body.reason)
    await catalog.require_reason_usable(session, ctx, box, reason)

    async def to_box(lead_id: uuid.UUID) -> None:
        await actions.apply_box(session, ctx, await leads.load(session, ctx, lead_id,
                                                               write=True), box, reason)
    return to_box


async def run(session: AsyncSession, ctx: RequestContext, request: Request, body: BulkIn,
              filters: dict[str, object]) -> BulkOut:
    _check_fields(body)
    lead_ids = await _leads(session, ctx, request, body, filters)
    apply = await _action(session, ctx, body)
    results: dict[uuid.UUID, BulkResult] = {}
    for lead_id in sorted(lead_ids):
        try:
            async with session.begin_nested():
                await apply(lead_id)
        except NotFound as exc:
            results[lead_id] = BulkResult(lead_id=lead_id, status="not_found",
                                          code=exc.code, message=exc.message)
        except AppError as exc:
            results[lead_id] = BulkResult(lead_id=lead_id, status="refused", code=exc.code,
                                          message=exc.message)
        else:
            results[lead_id] = BulkResult(lead_id=lead_id, status="done")
    ordered = [results[i] for i in lead_ids]
    count = {s: sum(r.status == s for r in ordered) for s in ("done", "not_found", "refused")}
    return BulkOut(action=body.action, results=ordered, **count)

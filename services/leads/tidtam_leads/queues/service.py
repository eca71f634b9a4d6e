"""Assignment queues (admins only): create, read, change, reorder, delete. Which owner a
new lead gets from them is assign.py."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import custom
from crmkit.context import RequestContext
from crmkit.errors import Conflict, Forbidden, NotFound, Unprocessable

from ..catalog import service as catalog
from ..errors import refused
from ..leads.service import CUSTOM
from ..products import service as products
from ..users import service as users
from . import repository
from .models import LeadQueue
from .schemas import MAX_QUEUES, QueueIn, QueueMatch, QueueOrder, QueueOut, QueuePatch


def _admin(ctx: RequestContext) -> None:
    if not ctx.is_admin:
        raise Forbidden("only an admin may manage assignment queues")


def to_out(queue: LeadQueue) -> QueueOut:
    members = queue.members
    return QueueOut(
        id=queue.id, name=queue.name, position=queue.position,
        match=QueueMatch.model_validate(queue.match), members=members,
        strategy=queue.strategy,  # type: ignore[arg-type]  # the table's CHECK
        active=queue.active,
        next_member_id=members[queue.next_index % len(members)] if members else None,
        version=queue.version, created_at=queue.created_at, updated_at=queue.updated_at)


async def _match(session: AsyncSession, ctx: RequestContext, match: QueueMatch
                 ) -> dict[str, Any]:
    """The match as stored: checked against the tenant's sources and custom fields."""
    out: dict[str, Any] = {}
    if match.source is not None:
        await catalog.require_source(session, ctx, match.source, field="body.match.source")
        out["source"] = match.source
    if match.custom:
        defs = await custom.definitions(session, ctx, CUSTOM)
        out["custom"] = custom.merge(defs, None, match.custom, creating=False,
                                     field="body.match.custom")
    if match.product_ids:
        await products.require_known(session, ctx.tenant, match.product_ids,
                                     "body.match.product_ids")
        out["product_ids"] = [str(p) for p in dict.fromkeys(match.product_ids)]
    if match.segment_id is not None:
        await custom.visible_segment(session, ctx, CUSTOM, match.segment_id,
                                     field="body.match.segment_id")
        out["segment_id"] = str(match.segment_id)
    return out


async def _members(session: AsyncSession, ctx: RequestContext,
                   members: list[uuid.UUID]) -> list[uuid.UUID]:
    seen: set[uuid.UUID] = set()
    for i, member in enumerate(members):
        if member in seen:
            raise Unprocessable.on(f"body.members.{i}", "is listed twice; list each member "
                                                        "once", code="duplicate")
        seen.add(member)
        await users.require_active(session, ctx, member, f"body.members.{i}")
    return members


async def create(session: AsyncSession, ctx: RequestContext, body: QueueIn) -> QueueOut:
    _admin(ctx)
    if await repository.count(session, ctx.tenant) >= MAX_QUEUES:
        raise Conflict(f"a tenant has at most {MAX_QUEUES} queues", code="too_many_queues")
    if await repository.name_taken(session, ctx.tenant, body.name):
        raise refused(f"a queue named {body.name!r} already exists", "already_exists",
                      "body.name")
    queue = await repository.insert(session, ctx.tenant, dict(
        id=uuid.uuid4(), name=body.name, match=await _match(session, ctx, body.match),
        members=await _members(session, ctx, body.members), strategy=body.strategy,
        active=body.active))
    await catalog.setup_changed(session, ctx.tenant)
    return to_out(queue)


async def list_all(session: AsyncSession, ctx: RequestContext) -> list[QueueOut]:
    _admin(ctx)
    return [to_out(q) for q in await repository.in_order(session, ctx.tenant)]


async def _load(session: AsyncSession, ctx: RequestContext, queue_id: uuid.UUID, *,
                lock: bool = False) -> LeadQueue:
    _admin(ctx)
    queue = await repository.get(session, ctx.tenant, queue_id, lock=lock)
    if queue is None:
        raise NotFound("no such queue")
    return queue


async def get(session: AsyncSession, ctx: RequestContext, queue_id: uuid.UUID) -> QueueOut:
    return to_out(await _load(session, ctx, queue_id))


async def patch(session: AsyncSession, ctx: RequestContext, queue_id: uuid.UUID,
                body: QueuePatch) -> QueueOut:
    queue = await _load(session, ctx, queue_id, lock=True)
    values: dict[str, Any] = {}
    if body.name is not None and body.name != queue.name:
        if await repository.name_taken(session, ctx.tenant, body.name, exclude=queue_id):
            raise refused(f"a queue named {body.name!r} already exists", "already_exists",
                          "body.name")
        values["name"] = body.name
    if body.match is not None:
        values["match"] = await _match(session, ctx, body.match)
    if body.members is not None and body.members != queue.members:
        values["members"] = await _members(session, ctx, body.members)
        # The turn stays with the member whose turn it was, if they are still listed.
        current = queue.members[queue.next_index % len(queue.members)]
        values["next_index"] = (body.members.index(current) if current in body.members
                                else 0)
    for name in ("strategy", "active"):
        if getattr(body, name) is not None and getattr(body, name) != getattr(queue, name):
            values[name] = getattr(body, name)
    if not values:
        return to_out(queue)
    queue = await repository.update(session, ctx.tenant, queue_id, values)
    await catalog.setup_changed(session, ctx.tenant)
    return to_out(queue)


async def delete(session: AsyncSession, ctx: RequestContext, queue_id: uuid.UUID) -> None:
    _admin(ctx)
    if not await repository.delete(session, ctx.tenant, queue_id):
        raise NotFound("no such queue")
    await catalog.setup_changed(session, ctx.tenant)


async def reorder(session: AsyncSession, ctx: RequestContext,
                  body: QueueOrder) -> list[QueueOut]:
    _admin(ctx)
    ids = await repository.lock_all(session, ctx.tenant)
    if sorted(body.queue_ids) != sorted(ids):  # the tenant's queues now: a conflict
        raise refused("list every queue of the tenant (GET /api/v1/queues) exactly once",
                      "not_every_queue", "body.queue_ids")
    await repository.set_positions(session, ctx.tenant, body.queue_ids)
    await catalog.setup_changed(session, ctx.tenant)
    return [to_out(q) for q in await repository.in_order(session, ctx.tenant)]

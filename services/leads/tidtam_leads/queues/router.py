from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import service
from .schemas import QueueIn, QueueOrder, QueueOut, QueuePatch

router = APIRouter(prefix="/api/v1/queues", tags=["assignment queues"],
                   route_class=IdempotentRoute)


@router.get("", response_model=list[QueueOut], responses=error_responses(401, 403))
async def list_queues(ctx: Ctx, db: Db) -> list[QueueOut]:
    """The tenant's assignment queues in the order new leads try them (admins only)."""
    return await service.list_all(db, ctx)


@router.post("", status_code=201, response_model=QueueOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def create_queue(body: QueueIn, ctx: Ctx, db: IdempotentDb) -> QueueOut:
    """A queue, appended after the others (admins only).

    A new lead made without an owner (in the web UI, through the API, by an import or a
    capture channel) goes to the first active queue whose `match` fits it: to its next
    active member (`round_robin`) or to the active member with the fewest open leads
    (`least_open`); a member deactivated later is skipped. Without a fitting queue, or with
    no active member, the lead stays with its maker. Each such assignment is a
    `lead.assigned` event and tells the assignee.

    A member that is not an active user, or a `match.source` or `match.custom` key the
    tenant does not have, is 404 naming the field; a name taken is 409 `already_exists`."""
    return await service.create(db, ctx, body)


@router.put("/order", response_model=list[QueueOut],
            responses=error_responses(401, 403, 409, 422))
async def reorder_queues(body: QueueOrder, ctx: Ctx, db: Db) -> list[QueueOut]:
    """Set the order new leads try the queues in: every queue id once (admins only)."""
    return await service.reorder(db, ctx, body)


@router.get("/{queue_id:id}", response_model=QueueOut,
            responses=error_responses(401, 403, 404, 422))
async def get_queue(queue_id: uuid.UUID, ctx: Ctx, db: Db) -> QueueOut:
    return await service.get(db, ctx, queue_id)


@router.patch("/{queue_id:id}", response_model=QueueOut,
              responses=error_responses(401, 403, 404, 409, 422))
async def patch_queue(queue_id: uuid.UUID, body: QueuePatch, ctx: Ctx, db: Db) -> QueueOut:
    """Change a queue (admins only). New members: the turn stays with the member whose turn
    it was if they are still listed, else it starts at the first."""
    return await service.patch(db, ctx, queue_id, body)


@router.delete("/{queue_id:id}", status_code=204, response_class=Response,
               responses=error_responses(401, 403, 404, 422))
async def delete_queue(queue_id: uuid.UUID, ctx: Ctx, db: Db) -> Response:
    """Delete a queue (admins only); leads it assigned keep their owners."""
    await service.delete(db, ctx, queue_id)
    return Response(status_code=204)

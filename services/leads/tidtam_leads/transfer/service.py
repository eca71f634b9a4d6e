from __future__ import annotations

import uuid

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import RequestContext, TenantId
from crmkit.errors import Forbidden, Unprocessable
from tidtam_contracts.gateway import UserDeactivatedV1
from tidtam_contracts.leads import LeadTransferredV2

from ..leads.events import lead_event
from ..users import service as users
from . import repository
from .schemas import TransferIn, TransferOut


async def transfer(session: AsyncSession, ctx: RequestContext, body: TransferIn) -> TransferOut:
    """Move every lead of one user (e.g. one who left) to another, set-based."""
    if not ctx.is_admin:
        raise Forbidden("only an admin may transfer a user's leads")
    await users.require_active(session, ctx, body.to_user_id, "body.to_user_id")
    if body.from_user_id == body.to_user_id:
        raise Unprocessable.on("body.to_user_id", "must differ from from_user_id", code="same_user")
    moved = await _move(session, ctx.tenant, from_user=body.from_user_id,
                        to_user=body.to_user_id, author=ctx.user_id)
    return TransferOut(moved=moved)


async def on_deactivated(session: AsyncSession, tenant: TenantId,
                         data: UserDeactivatedV1) -> int:
    """The transfer an admin asked for with the deactivation (user.deactivated's
    `leads_to_user_id`), in the consumer's transaction: committed with the event's
    (consumer, id) record, so a redelivery moves nothing twice; leads the user came to own
    after that (sent to them before the projection said inactive) move with a later
    deactivation event, or through POST /api/v1/leads/transfer."""
    if data.leads_to_user_id is None or data.leads_to_user_id == data.id:
        return 0
    return await _move(session, tenant, from_user=data.id, to_user=data.leads_to_user_id,
                       author=data.by_user_id or data.id)


async def _move(session: AsyncSession, tenant: TenantId, *, from_user: uuid.UUID,
                to_user: uuid.UUID, author: uuid.UUID) -> int:
    detail = {"from_user_id": str(from_user), "to_user_id": str(to_user)}
    rows = await repository.move_all(session, tenant, from_user=from_user, to_user=to_user,
                                     author=author, detail=orjson.dumps(detail).decode())
    events = [lead_event(tenant, LeadTransferredV2, row, from_user_id=from_user,
                         to_user_id=to_user) for row in rows]
    await outbox.stage_many(session, events)
    return len(rows)

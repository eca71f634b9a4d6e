from __future__ import annotations

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import outbox
from crmkit.context import RequestContext
from crmkit.errors import Forbidden, Unprocessable
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
    detail = {"from_user_id": str(body.from_user_id), "to_user_id": str(body.to_user_id)}
    rows = await repository.move_all(session, ctx.tenant, from_user=body.from_user_id,
                                     to_user=body.to_user_id, author=ctx.user_id,
                                     detail=orjson.dumps(detail).decode())
    events = [lead_event(ctx.tenant, LeadTransferredV2, row, from_user_id=body.from_user_id,
                         to_user_id=body.to_user_id) for row in rows]
    await outbox.stage_many(session, events)
    return TransferOut(moved=len(rows))

"""Sales targets: an admin sets one user's target for one month (the same PUT again
changes nothing; another amount replaces it). The targets report shows them beside what
each user won."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Forbidden

from ..users.service import USERS
from . import repository
from .schemas import TargetIn, TargetOut

CENT = Decimal("0.01")


async def put(session: AsyncSession, ctx: RequestContext, body: TargetIn) -> TargetOut:
    if not ctx.is_admin:
        raise Forbidden("only an admin may set sales targets")
    await USERS.require_active(session, ctx, body.user_id, "body.user_id")
    await repository.put(session, ctx.tenant, body.user_id, body.month, body.amount)
    return TargetOut(user_id=body.user_id, month=body.month, amount=body.amount.quantize(CENT))

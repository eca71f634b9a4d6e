from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, Forbidden, NotFound

from . import repository
from .models import Label
from .schemas import LabelIn, LabelOut


def _out(label: Label) -> LabelOut:
    return LabelOut(id=label.id, name=label.name, color=label.color, scope=label.scope,
                    created_by=label.created_by)


async def create(session: AsyncSession, ctx: RequestContext, body: LabelIn) -> LabelOut:
    if body.scope == "system" and not ctx.is_admin:
        raise Forbidden("only an admin may create system labels; create a personal one")
    lid = uuid.uuid4()
    if not await repository.create(session, ctx.tenant, lid, body.name, body.color,
                                   body.scope, ctx.user_id):
        raise Conflict(f"a {body.scope} label named {body.name!r} already exists")
    return LabelOut(id=lid, name=body.name, color=body.color, scope=body.scope,
                    created_by=ctx.user_id)


async def list_visible(session: AsyncSession, ctx: RequestContext) -> list[LabelOut]:
    return [_out(la) for la in await repository.visible(session, ctx.tenant, ctx.user_id)]


async def require_visible(session: AsyncSession, ctx: RequestContext,
                          ids: list[uuid.UUID], field: str) -> list[Label]:
    """Labels the caller may use; another user's personal label counts as unknown."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = await repository.get_visible(session, ctx.tenant, ctx.user_id, ids)
    missing = set(ids) - {la.id for la in found}
    if missing:
        raise NotFound.on(field, f"unknown labels: {', '.join(map(str, sorted(missing)))}",
                          code="unknown_label")
    return found

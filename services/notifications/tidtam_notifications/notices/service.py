"""The caller's notices and preferences."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import NotFound
from crmkit.paging import decode_cursor, next_cursor

from . import preferences, repository
from .kinds import KINDS
from .schemas import Marked, MarkIds, MarkRead, NoticeOut, NoticePage


async def page(session: AsyncSession, ctx: RequestContext, *, limit: int, cursor: str | None,
               unread: bool) -> NoticePage:
    after = decode_cursor(cursor) if cursor else None
    rows = await repository.page(session, ctx.tenant, ctx.user_id, limit=limit + 1,
                                 after=after, unread=unread)
    rows, cursor = next_cursor(rows, limit)
    return NoticePage(items=[NoticeOut.model_validate(r) for r in rows], next_cursor=cursor)


async def mark_read(session: AsyncSession, ctx: RequestContext, body: MarkRead) -> Marked:
    """Another user's notice is not found, like one that does not exist (nothing changes)."""
    if isinstance(body, MarkIds):
        ids = list(dict.fromkeys(body.ids))
        missing = set(ids) - await repository.existing(session, ctx.tenant, ctx.user_id, ids)
        if missing:
            raise NotFound.on("body.ids", f"no notice of yours with id "
                                          f"{', '.join(sorted(map(str, missing))[:5])}")
        return Marked(marked=await repository.mark_read(session, ctx.tenant, ctx.user_id, ids))
    return Marked(marked=await repository.mark_read(session, ctx.tenant, ctx.user_id, None))


async def get_preferences(session: AsyncSession, ctx: RequestContext
                          ) -> dict[str, dict[str, bool]]:
    chosen = await preferences.all_choices(session, ctx.tenant, ctx.user_id)
    return {k: {"email": c.email, "in_app": c.in_app} for k, c in chosen.items()}


async def put_preferences(session: AsyncSession, ctx: RequestContext,
                          kinds: dict[str, dict[str, bool]]) -> dict[str, dict[str, bool]]:
    """`kinds`: the kinds to change (the schema admits only registered ones)."""
    await preferences.save(session, ctx.tenant, ctx.user_id, {
        k: preferences.Choice(c["email"], c["in_app"]) for k, c in kinds.items()
        if k in KINDS})
    return await get_preferences(session, ctx)

"""The caller's notices and preferences."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import NotFound, Unprocessable
from crmkit.paging import decode_cursor, next_cursor

from . import preferences, repository
from .kinds import KINDS
from .schemas import ChannelChoice, Marked, MarkRead, NoticeOut, NoticePage, Preferences


async def page(session: AsyncSession, ctx: RequestContext, *, limit: int, cursor: str | None,
               unread: bool) -> NoticePage:
    after = decode_cursor(cursor) if cursor else None
    rows = await repository.page(session, ctx.tenant, ctx.user_id, limit=limit + 1,
                                 after=after, unread=unread)
    rows, cursor = next_cursor(rows, limit)
    return NoticePage(items=[NoticeOut.model_validate(r) for r in rows], next_cursor=cursor)


async def mark_read(session: AsyncSession, ctx: RequestContext, body: MarkRead) -> Marked:
    """Another user's notice is not found, like one that does not exist (nothing changes)."""
    if body.ids is not None:
        ids = list(dict.fromkeys(body.ids))
        missing = set(ids) - await repository.existing(session, ctx.tenant, ctx.user_id, ids)
        if missing:
            raise NotFound.on("body.ids", f"no notice of yours with id "
                                          f"{', '.join(sorted(map(str, missing))[:5])}")
        return Marked(marked=await repository.mark_read(session, ctx.tenant, ctx.user_id, ids))
    return Marked(marked=await repository.mark_read(session, ctx.tenant, ctx.user_id, None))


async def get_preferences(session: AsyncSession, ctx: RequestContext) -> Preferences:
    chosen = await preferences.all_choices(session, ctx.tenant, ctx.user_id)
    return Preferences(kinds={k: ChannelChoice(email=c.email, in_app=c.in_app)
                              for k, c in chosen.items()})


async def put_preferences(session: AsyncSession, ctx: RequestContext,
                          body: Preferences) -> Preferences:
    unknown = sorted(set(body.kinds) - set(KINDS))
    if unknown:
        raise Unprocessable.on(f"body.kinds.{unknown[0]}", f"is not a kind of message; the "
                                                           f"kinds are {', '.join(KINDS)}")
    await preferences.save(session, ctx.tenant, ctx.user_id, {
        k: preferences.Choice(c.email, c.in_app) for k, c in body.kinds.items()})
    return await get_preferences(session, ctx)

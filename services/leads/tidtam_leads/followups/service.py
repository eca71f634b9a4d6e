from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import NotFound
from tidtam_contracts.leads import Followup, LeadFollowupLoggedV2

from ..leads import repository as leads_repo
from ..leads import service as leads
from ..leads.events import stage_lead_event
from . import repository
from .schemas import AuthorOut, EntryOut, FollowupIn


def _out(row: Any) -> EntryOut:
    data = {k: row[k] for k in EntryOut.model_fields if k != "author"}
    if "from_status" in data["detail"]:
        # The log is append-only: entries written before the box had one name keep
        # `from_status` in the database and are shown with today's name.
        detail = dict(data["detail"])
        detail["from_box"] = detail.pop("from_status")
        data["detail"] = detail
    return EntryOut(**data, author=AuthorOut(id=row["author_id"],
                                             name=row.get("author_name")))


async def log(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
              body: FollowupIn) -> EntryOut:
    """Logging a follow-up is a change to the lead (write access, new version), so its
    event carries the next sequence number."""
    await leads.load(session, ctx, lead_id, write=True)
    entry = await repository.append(session, ctx.tenant, lead_id, "followup", ctx.user_id,
                                    channel=body.channel, note=body.note,
                                    next_contact_at=body.next_contact_at)
    row = await leads_repo.update(session, ctx.tenant, lead_id, {})
    followup = Followup(id=entry["id"], channel=body.channel, note=body.note,
                            next_contact_at=body.next_contact_at, author_id=ctx.user_id,
                            created_at=entry["created_at"])
    await stage_lead_event(session, ctx.tenant, LeadFollowupLoggedV2, row, followup=followup)
    return _out(await repository.entry(session, ctx.tenant, lead_id, entry["id"]))


async def list_entries(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                       kinds: Sequence[str] | None) -> list[EntryOut]:
    await leads.load(session, ctx, lead_id)
    return [_out(r) for r in await repository.entries(session, ctx.tenant, lead_id, kinds)]


async def get_entry(session: AsyncSession, ctx: RequestContext, lead_id: uuid.UUID,
                    entry_id: int) -> EntryOut:
    await leads.load(session, ctx, lead_id)
    row = await repository.entry(session, ctx.tenant, lead_id, entry_id)
    if row is None:
        raise NotFound(f"no entry {entry_id} in this lead's log")
    return _out(row)

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict, Forbidden, NotFound
from tidtam_contracts.lead_setup import LabelCreatedV1, LabelUpdatedV1

from ..catalog import events
from ..catalog.service import retired_at
from ..errors import refused
from . import repository
from .models import Label
from .schemas import LabelIn, LabelOut, LabelPatch


def _out(label: Label) -> LabelOut:
    return LabelOut(id=label.id, name=label.name, color=label.color, scope=label.scope,
                    created_by=label.created_by, retired=label.retired_at is not None)


def _data(label: Label) -> dict[str, Any]:
    return {**_out(label).model_dump(), "version": label.version}


async def create(session: AsyncSession, ctx: RequestContext, body: LabelIn) -> LabelOut:
    if body.scope == "system" and not ctx.is_admin:
        raise Forbidden("only an admin may create system labels; create a personal one")
    lid = uuid.uuid4()
    if not await repository.create(session, ctx.tenant, lid, body.name, body.color,
                                   body.scope, ctx.user_id):
        raise Conflict(f"a {body.scope} label named {body.name!r} already exists",
                       code="already_exists")
    out = LabelOut(id=lid, name=body.name, color=body.color, scope=body.scope,
                   created_by=ctx.user_id, retired=False)
    await events.stage(session, ctx.tenant, LabelCreatedV1(**out.model_dump(), version=1),
                       subject=str(lid), version=1)
    return out


async def patch(session: AsyncSession, ctx: RequestContext, lid: uuid.UUID,
                body: LabelPatch) -> LabelOut:
    """Rename, recolour, retire or bring back. Another user's personal label is 404."""
    label = await repository.get(session, ctx.tenant, ctx.user_id, lid, lock=True)
    if label is None:
        raise NotFound("no such label")
    if label.scope == "system" and not ctx.is_admin:
        raise Forbidden("only an admin may change system labels")
    values: dict[str, Any] = {}
    if body.name is not None and body.name != label.name:
        if await repository.name_taken(session, ctx.tenant, label, body.name):
            raise refused(f"another {label.scope} label is named {body.name!r}",
                          "already_exists", "body.name")
        values["name"] = body.name
    if "color" in body.model_fields_set and body.color != label.color:
        values["color"] = body.color
    stamp = retired_at(body.retired, label.retired_at)
    if stamp != label.retired_at:
        values["retired_at"] = stamp
    if not values:
        return _out(label)
    label = await repository.update(session, ctx.tenant, lid, values)
    changed = sorted("retired" if k == "retired_at" else k for k in values)
    await events.stage(session, ctx.tenant, LabelUpdatedV1(**_data(label), changed=changed),
                       subject=str(lid), version=label.version)
    return _out(label)


async def list_visible(session: AsyncSession, ctx: RequestContext, *,
                       include_retired: bool = False) -> list[LabelOut]:
    return [_out(la) for la in await repository.visible(
        session, ctx.tenant, ctx.user_id, include_retired=include_retired)]


async def require_visible(session: AsyncSession, ctx: RequestContext,
                          ids: list[uuid.UUID], field: str, *,
                          assigning: bool = True) -> list[Label]:
    """Labels the caller may use; another user's personal label counts as unknown. When
    `assigning` (putting them on a lead), a retired one is 409 `label_retired`."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = await repository.get_visible(session, ctx.tenant, ctx.user_id, ids)
    missing = set(ids) - {la.id for la in found}
    if missing:
        raise NotFound.on(field, f"unknown labels: {', '.join(map(str, sorted(missing)))}",
                          code="unknown_label")
    retired = [la.name for la in found if la.retired_at is not None]
    if assigning and retired:
        raise refused(f"retired labels are not put on leads: {', '.join(retired)} (they stay "
                      "on the leads that have them)", "label_retired", field)
    return found

"""A saved segment (GET /api/v1/segments?entity=lead) as a queue's condition: a new lead
fits when the segment's stored filters would list it. The lead is not stored yet when its
queue is chosen, so the filters are judged on its values here, as the list would judge the
stored lead: `box` (a new lead is in `inbox`), `q` (part of name, phone in either form,
email or company), `label_id`, `pipeline_id`, `stage_id`, `owner_id` (the owner it would
have without a queue: its maker), `qualified` (a new lead is not judged yet) and `cf.*`
(equality, multi_select membership, unchecked, `.min`/`.max`)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.custom import filters as cf
from crmkit.custom import repository as custom_repository
from crmkit.custom.values import Definition

from ..db import segments_table

Filters = dict[str, Any]
ENTITY = "lead"  # leads.service.CUSTOM's (that module imports the queues)


async def stored_filters(session: AsyncSession, tenant: TenantId,
                         segment_id: uuid.UUID) -> Filters | None:
    """The lead segment's filters (whoever made it), or None once it is deleted."""
    t = segments_table
    return (await session.execute(sa.select(t.c.filters).where(
        t.c.tenant_id == tenant.value, t.c.entity == ENTITY,
        t.c.id == segment_id))).scalar_one_or_none()


async def definitions(session: AsyncSession, tenant: TenantId) -> dict[str, Definition]:
    return {key: Definition(key, type_, tuple(o["value"] for o in options), required)
            for key, type_, options, required in
            await custom_repository.value_rules(session, tenant, ENTITY)}


def _values(raw: Any) -> list[str]:
    return [str(v) for v in (raw if isinstance(raw, list) else [raw])]


def _search_text(lead: Mapping[str, Any]) -> str:
    phone = str(lead.get("phone") or "")
    local = "0" + phone[3:] if phone.startswith("+66") else phone
    return " ".join(str(lead.get(k) or "") for k in ("name", "email", "company")).lower() \
        + f" {phone} {local}".lower()


def _custom_fits(f: cf.CustomFilter, custom: Mapping[str, Any]) -> bool:
    have = custom.get(f.key)
    if f.op == "eq":
        return bool(have == f.value)
    if f.op == "has":
        return isinstance(have, list) and f.value in have
    if f.op == "unchecked":
        return have is not True
    if have is None or isinstance(have, bool) or type(have) is not type(f.value) and not (
            isinstance(have, int | float) and isinstance(f.value, int | float)):
        return False
    return bool(have >= f.value if f.op == "min" else have <= f.value)


def fits(filters: Filters, defs: dict[str, Definition], lead: Mapping[str, Any]) -> bool:
    """`lead` (a new lead's values) is one the segment's `filters` would list."""
    for name, raw in filters.items():
        wanted = _values(raw)
        if cf.is_custom(name):
            try:
                parsed = cf.parse(defs, [(name, w) for w in wanted])
            except Exception:  # a field deleted since the segment was saved: fits nothing
                return False
            if not all(_custom_fits(f, lead.get("custom") or {}) for f in parsed):
                return False
        elif name == "box":
            if any(w != "inbox" for w in wanted):
                return False
        elif name == "q":
            if any(w.lower() not in _search_text(lead) for w in wanted):
                return False
        elif name == "qualified":
            if any(w.lower() in ("true", "1") for w in wanted):
                return False
        elif name == "label_id":
            if not set(wanted) <= {str(x) for x in lead.get("label_ids") or ()}:
                return False
        elif name in ("pipeline_id", "stage_id", "owner_id"):
            if any(w != str(lead.get(name)) for w in wanted):
                return False
    return True

"""Which owner a new lead gets from the assignment queues.

Every path that makes leads (POST /leads from the UI or the API, an import, a capture
channel) calls `assign_new` with the new leads' values before storing them, in its own
transaction. The queues' conditions come from the app's set-up cache, so a lead no queue
takes costs no query. The first active queue (in `position` order) whose match fits takes the lead.
Its row is locked (FOR UPDATE) until that transaction ends, and the rotation's pointer
(`next_index`) is stored in it: concurrent creations queue up on the lock, each sees the
pointer and the open-lead counts the previous one committed, so the members share the
leads fairly across requests, processes and restarts."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.custom import Definition

from ..catalog import cache
from ..catalog.cache import QueueRule
from . import repository, segment
from .models import LeadQueue


@dataclass(frozen=True)
class Assignment:
    owner_id: uuid.UUID
    queue_id: uuid.UUID
    queue_name: str


def matches(match: Mapping[str, Any], lead: Mapping[str, Any]) -> bool:
    """`lead` (its `source`, `custom` values and `product_ids`) fits every condition of
    `match` but its segment's (segment.py, which needs the database)."""
    source = match.get("source")
    if source is not None and lead["source"] != source:
        return False
    wanted_products = match.get("product_ids")
    if wanted_products and not set(wanted_products) & {
            str(p) for p in lead.get("product_ids") or ()}:
        return False
    have_all = lead.get("custom") or {}
    for key, want in (match.get("custom") or {}).items():
        have = have_all.get(key)
        if isinstance(have, list):
            wanted = want if isinstance(want, list) else [want]
            if not set(wanted) <= set(have):
                return False
        elif have != want:
            return False
    return True


def choose(members: Sequence[uuid.UUID], active: set[uuid.UUID], next_index: int,
           strategy: str, open_counts: Mapping[uuid.UUID, int], n: int
           ) -> tuple[list[uuid.UUID | None], int]:
    """Owners for `n` new leads, and the pointer after them. The turn starts at
    `next_index`; inactive members are skipped; `least_open` takes the active member with
    the fewest open leads (each pick counts), ties in turn. None: nobody is active."""
    size = len(members)
    counts = dict(open_counts)
    index = next_index % size if size else 0
    out: list[uuid.UUID | None] = []
    for _ in range(n):
        turn = [(k, members[(index + k) % size]) for k in range(size)
                if members[(index + k) % size] in active]
        if not turn:
            out.append(None)
            continue
        if strategy == "least_open":
            k, owner = min(turn, key=lambda t: (counts.get(t[1], 0), t[0]))
        else:
            k, owner = turn[0]
        out.append(owner)
        counts[owner] = counts.get(owner, 0) + 1
        index = (index + k + 1) % size
    return out, index


async def assign_new(session: AsyncSession, tenant: TenantId,
                     leads: Sequence[Mapping[str, Any]]) -> list[Assignment | None]:
    """Per new lead (`source`, `custom`), its queue assignment, or None (no queue fits, or
    none of its members is active: it stays with its maker). Locks the queues it uses,
    in position order (no two transactions wait on each other crosswise)."""
    out: list[Assignment | None] = [None] * len(leads)
    if not leads:
        return out
    queues = await _rules(session, tenant)
    taken: dict[uuid.UUID, list[int]] = {}
    fits = _SegmentFit(session, tenant)
    for i, lead in enumerate(leads):
        queue = None
        for q in queues:
            if matches(q.match, lead) and await fits(q.match, lead):
                queue = q
                break
        if queue is not None:
            taken.setdefault(queue.id, []).append(i)
    for queue in queues:
        indexes = taken.get(queue.id)
        if not indexes:
            continue
        locked = await repository.get(session, tenant, queue.id, lock=True)
        # Deleted, paused or changed meanwhile (the cache lags a commit by milliseconds).
        if locked is None or not locked.active or locked.match != queue.match:
            continue
        owners = await _owners(session, tenant, locked, len(indexes))
        for i, owner in zip(indexes, owners, strict=True):
            if owner is not None:
                out[i] = Assignment(owner, locked.id, locked.name)
    return out


class _SegmentFit:
    """Judges the queues' segment conditions, reading each segment (and the custom fields'
    rules) once per batch of new leads, and only when a queue with one is reached."""

    def __init__(self, session: AsyncSession, tenant: TenantId) -> None:
        self.session, self.tenant = session, tenant
        self.filters: dict[str, segment.Filters | None] = {}
        self.defs: dict[str, Definition] | None = None

    async def __call__(self, match: Mapping[str, Any], lead: Mapping[str, Any]) -> bool:
        segment_id = match.get("segment_id")
        if segment_id is None:
            return True
        if segment_id not in self.filters:
            self.filters[segment_id] = await segment.stored_filters(
                self.session, self.tenant, uuid.UUID(segment_id))
        filters = self.filters[segment_id]
        if filters is None:
            return False
        if self.defs is None:
            self.defs = await segment.definitions(self.session, self.tenant)
        return segment.fits(filters, self.defs, lead)


async def _rules(session: AsyncSession, tenant: TenantId) -> list[QueueRule]:
    """The tenant's active queues in order: from the app's set-up cache (a queue's change
    drops it in every process), so that a lead no queue takes costs no query."""
    known = cache.of(session)
    rules = known.queues.get(tenant.value)
    if rules is None:
        generation = known.generation
        rules = [QueueRule(q.id, q.match)
                 for q in await repository.in_order(session, tenant, active_only=True)]
        if known.may_store(generation):
            known.queues[tenant.value] = rules
    return rules


async def _owners(session: AsyncSession, tenant: TenantId, queue: LeadQueue,
                  n: int) -> list[uuid.UUID | None]:
    active = await repository.active_users(session, tenant, queue.members)
    counts = (await repository.open_counts(session, tenant, sorted(active))
              if queue.strategy == "least_open" else {})
    owners, after = choose(queue.members, active, queue.next_index, queue.strategy, counts, n)
    if after != queue.next_index:
        await repository.set_next(session, tenant, queue.id, after)
    return owners

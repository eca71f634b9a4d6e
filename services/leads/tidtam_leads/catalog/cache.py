"""What one app has seen committed of its tenants' set-up, so that creating a lead does not
read it on every request: which tenants have their defaults, which lead sources exist (and
are not retired), each pipeline's first stage, and the active assignment queues.

Set-up changes (renaming, reordering or deleting stages and pipelines, retiring sources,
any change of an assignment queue)
send NOTIFY `tidtam_leads_setup` with the tenant id, and every leads process drops that
tenant's entries (crmkit.notified: the mechanism); the process that made the change also
drops them at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.notified import TenantCache

_KEY = "tidtam_leads.setup_cache"


class StartStage(NamedTuple):
    id: uuid.UUID
    pipeline_id: uuid.UUID


class QueueRule(NamedTuple):
    """An active assignment queue as a new lead's creation tries it (queues/assign.py)."""

    id: uuid.UUID
    match: dict[str, Any]


class SetupCache(TenantCache):
    """`ready`: tenants whose defaults exist. `sources`: (tenant, key) of usable sources.
    `first_stage`: (tenant, pipeline id or None for the standard one) → its first stage.
    `queues`: tenant → its active assignment queues in order (none: an empty list)."""

    channel = "tidtam_leads_setup"
    fallback = "set-up is read from the database on every request meanwhile"

    def __init__(self, *, listening: bool = False) -> None:
        super().__init__(listening=listening)
        self.ready: set[uuid.UUID] = set()
        self.sources: set[tuple[uuid.UUID, str]] = set()
        self.first_stage: dict[tuple[uuid.UUID, uuid.UUID | None], StartStage] = {}
        self.queues: dict[uuid.UUID, list[QueueRule]] = {}

    def forget(self, tenant: uuid.UUID) -> None:
        self.ready.discard(tenant)
        self.queues.pop(tenant, None)
        self.sources = {s for s in self.sources if s[0] != tenant}
        self.first_stage = {k: v for k, v in self.first_stage.items() if k[0] != tenant}

    def forget_all(self) -> None:
        self.ready.clear()
        self.queues.clear()
        self.sources.clear()
        self.first_stage.clear()


CHANNEL = SetupCache.channel


def session_info(cache: SetupCache) -> dict[str, SetupCache]:
    """`info` for the app's sessionmaker: every session it makes carries the app's cache.
    A session made without it caches nothing (it always asks the database)."""
    return {_KEY: cache}


def of(session: AsyncSession) -> SetupCache:
    return of_info(session.info)


def of_info(info: Mapping[str, Any]) -> SetupCache:
    """The cache kept in a session's or a sessionmaker's `info` (a hot route that opens no
    session reads it from the sessionmaker's)."""
    found = info.get(_KEY)
    return found if isinstance(found, SetupCache) else SetupCache()

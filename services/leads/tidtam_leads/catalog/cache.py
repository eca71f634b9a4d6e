"""What one app has seen committed of its tenants' set-up, so that creating a lead does not
read it on every request: which tenants have their defaults, which lead sources exist (and
are not retired), and each pipeline's first stage.

Set-up changes (renaming, reordering or deleting stages and pipelines, retiring sources)
send NOTIFY `tidtam_leads_setup` with the tenant id, and every leads process drops that
tenant's entries (crmkit.notified: the mechanism); the process that made the change also
drops them at once.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.notified import TenantCache

_KEY = "tidtam_leads.setup_cache"


class StartStage(NamedTuple):
    id: uuid.UUID
    pipeline_id: uuid.UUID


class SetupCache(TenantCache):
    """`ready`: tenants whose defaults exist. `sources`: (tenant, key) of usable sources.
    `first_stage`: (tenant, pipeline id or None for the standard one) → its first stage."""

    channel = "tidtam_leads_setup"
    fallback = "set-up is read from the database on every request meanwhile"

    def __init__(self, *, listening: bool = False) -> None:
        super().__init__(listening=listening)
        self.ready: set[uuid.UUID] = set()
        self.sources: set[tuple[uuid.UUID, str]] = set()
        self.first_stage: dict[tuple[uuid.UUID, uuid.UUID | None], StartStage] = {}

    def forget(self, tenant: uuid.UUID) -> None:
        self.ready.discard(tenant)
        self.sources = {s for s in self.sources if s[0] != tenant}
        self.first_stage = {k: v for k, v in self.first_stage.items() if k[0] != tenant}

    def forget_all(self) -> None:
        self.ready.clear()
        self.sources.clear()
        self.first_stage.clear()


CHANNEL = SetupCache.channel


def session_info(cache: SetupCache) -> dict[str, SetupCache]:
    """`info` for the app's sessionmaker: every session it makes carries the app's cache.
    A session made without it caches nothing (it always asks the database)."""
    return {_KEY: cache}


def of(session: AsyncSession) -> SetupCache:
    found = session.info.get(_KEY)
    return found if isinstance(found, SetupCache) else SetupCache()

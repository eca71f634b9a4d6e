"""Custom-field rules kept in process, so that creating a record does not read its entity's
field definitions from PostgreSQL each time.

Correct only while this process hears every change: whatever changes a tenant's definitions
(repository.insert_field, update_field, delete_field) sends NOTIFY `tidtam_custom_fields`
with the tenant id in the same transaction, delivered when it commits, and every process
that caches LISTENs (crmkit.listening). A notification drops the tenant's rules. While the
LISTEN connection is down nothing is cached (crmkit.notified: the mechanism), and a
transaction that changed definitions itself neither reads nor fills the cache (its rows are
not committed yet).

Wiring: `cache = RulesCache()`; its `session_info()` in the app's sessionmaker `info` and
`cache.resource` among the app's resources (crmkit.runtime.build_service).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..notified import TenantCache
from .values import Definition

_INFO = "crmkit.custom.rules_cache"
WROTE = "crmkit.custom.wrote_fields"  # Session.info: this transaction changed definitions

Rules = dict[str, Definition]


class RulesCache(TenantCache):
    channel = "tidtam_custom_fields"
    fallback = "every create reads its custom-field rules from the database meanwhile"

    def __init__(self) -> None:
        super().__init__()
        self._rules: dict[tuple[uuid.UUID, str], Rules] = {}

    def session_info(self) -> dict[str, Any]:
        """`info` for the app's sessionmaker: its sessions use this cache."""
        return {_INFO: self}

    async def get(self, tenant: uuid.UUID, entity: str,
                  load: Callable[[], Awaitable[Rules]]) -> Rules:
        key = (tenant, entity)
        found = self._rules.get(key)
        if found is not None:
            return found
        generation = self.generation
        rules = await load()
        if self.may_store(generation):
            self._rules[key] = rules
        return rules

    def forget(self, tenant: uuid.UUID) -> None:
        for key in [k for k in self._rules if k[0] == tenant]:
            del self._rules[key]

    def forget_all(self) -> None:
        self._rules.clear()


CHANNEL = RulesCache.channel


def of(session: AsyncSession) -> RulesCache | None:
    """The session's cache, unless it has none or changed definitions itself."""
    return of_info(session.info)


def of_info(info: Mapping[str, Any]) -> RulesCache | None:
    """The cache kept in a session's or a sessionmaker's `info` (a hot route that opens no
    session reads it from the sessionmaker's), unless that session changed definitions."""
    if info.get(WROTE):
        return None
    cache = info.get(_INFO)
    return cache if isinstance(cache, RulesCache) else None

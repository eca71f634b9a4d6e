"""Callers kept in process, so a request does not read its user from PostgreSQL each time.

A crmkit.notified.TenantCache: a trigger on the rows a caller is built from (users, teams,
tenant settings, API keys, tenants; migration 0005) sends NOTIFY `tidtam_callers` with the
tenant id in the same transaction as the change, and every gateway process LISTENs. A
notification drops the whole tenant's entries (a team change alters other users' member
lists; a settings change, everyone's scope). While the LISTEN connection is down nothing is
cached and every request reads the database; on reconnect the cache starts empty. A read
overtaken by a notification is not stored (`generation`). Unlike the services' caches its
keys are not tenants (a token, an API key), so it also keeps which keys each tenant has, and
a size bound.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable

from crmkit.notified import TenantCache

from .caller import Caller


class CallerCache(TenantCache):
    channel = "tidtam_callers"
    fallback = "every request reads its caller from the database meanwhile"

    def __init__(self, *, max_entries: int = 100_000) -> None:
        super().__init__()
        self.max_entries = max_entries
        self._entries: dict[Hashable, Caller] = {}
        self._by_tenant: dict[uuid.UUID, set[Hashable]] = {}

    async def get(self, key: Hashable, load: Callable[[], Awaitable[Caller]]) -> Caller:
        """The cached caller for `key`, else `load()`'s (stored if nothing changed meanwhile).
        `load` raises for a caller that may not come in: refusals are never cached."""
        found = self._entries.get(key)
        if found is not None:
            return found
        generation = self.generation
        caller = await load()
        if self.may_store(generation):
            if len(self._entries) >= self.max_entries:
                self.clear()
            self._entries[key] = caller
            self._by_tenant.setdefault(caller.tenant.value, set()).add(key)
        return caller

    def forget(self, tenant: uuid.UUID) -> None:
        for key in self._by_tenant.pop(tenant, ()):
            self._entries.pop(key, None)

    def forget_all(self) -> None:
        self._entries.clear()
        self._by_tenant.clear()

    def __len__(self) -> int:
        return len(self._entries)

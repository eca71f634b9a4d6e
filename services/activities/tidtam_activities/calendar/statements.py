"""Statements compiled once and run on the driver: for the calendar, whose statement's
expression tree took most of the service's CPU per call to build and to find in
SQLAlchemy's cache (py-spy), more than PostgreSQL took to answer it.

A statement is built with its call's values as bound parameters, compiled for asyncpg
(`$n` parameters, IN lists expanded) and kept under a key that stands for everything
else in it (the caller's visibility); a later call with that key binds its own values
for the parameters it names and runs the same text, which asyncpg prepares once per
connection. Only the hot path uses this; it runs in the session's transaction (tenant
set, RLS) like any other statement."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.db import driver

_DIALECT = asyncpg_dialect()


@dataclass(frozen=True)
class Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters, $1 first
    values: dict[str, Any]  # as compiled: the key's values, and the first call's

    @staticmethod
    def of(stmt: sa.Select[Any]) -> Compiled:
        done = stmt.compile(dialect=_DIALECT, compile_kwargs={"render_postcompile": True})
        return Compiled(str(done), tuple(done.positiontup or ()), dict(done.params))

    def args(self, call: dict[str, Any]) -> list[Any]:
        return [call[name] if name in call else self.values[name] for name in self.names]


class Statements:
    """Compiled statements by key, the `size` used last."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, Compiled] = OrderedDict()

    def compiled(self, key: Hashable | None, build: Callable[[], sa.Select[Any]]) -> Compiled:
        if key is None:
            return Compiled.of(build())
        found = self._kept.get(key)
        if found is None:
            found = self._kept[key] = Compiled.of(build())
            if len(self._kept) > self._size:
                self._kept.popitem(last=False)
        else:
            self._kept.move_to_end(key)
        return found

    async def fetchrow(self, session: AsyncSession, key: Hashable | None,
                       build: Callable[[], sa.Select[Any]],
                       call: dict[str, Any]) -> asyncpg.Record:
        """The one row of the statement `key` stands for (`build` makes it the first
        time), with `call`'s values for the parameters it names."""
        compiled = self.compiled(key, build)
        conn = await driver(session)
        row: asyncpg.Record | None = await conn.fetchrow(compiled.sql, *compiled.args(call))
        assert row is not None  # an aggregate: always one row
        return row

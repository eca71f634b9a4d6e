"""The service's declarative base: every domain's models.py maps its tables onto it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase

from crmkit.custom import custom_tables
from crmkit.db import new_metadata, rows_as
from crmkit.schema import idempotency_table, kit_tables
from crmkit.sheets import sheet_tables

R = TypeVar("R")


class Base(DeclarativeBase):
    metadata = new_metadata()

outbox_table, processed_table = kit_tables(Base.metadata)
idempotency_keys_table = idempotency_table(Base.metadata)
custom_fields_table, segments_table = custom_tables(Base.metadata)
import_jobs_table, export_jobs_table = sheet_tables(Base.metadata)

# Each domain with tables adds its models module here (for env.py and tooling).
MODEL_MODULES: tuple[str, ...] = ("users.models", "quota.models", "accounts.models",
                                   "contacts.models", "timeline.models")


def all_metadata() -> MetaData:
    """The full metadata, with every domain's models imported."""
    import importlib

    for name in MODEL_MODULES:
        importlib.import_module(f"tidtam_accounts.{name}")
    return Base.metadata


async def id_batches(session: AsyncSession, query: sa.Select[Any], id_column: Any,
                     kind: type[R], *, size: int) -> AsyncIterator[list[R]]:
    """The rows of `query`, `size` at a time, by `id_column` (keyset: no batch is held
    while the next is read); a backfill's restatement reads a tenant's records so."""
    after: Any = None
    while True:
        q = query if after is None else query.where(id_column > after)
        rows = rows_as(kind, (await session.execute(
            q.order_by(id_column).limit(size))).mappings())
        if rows:
            yield rows
        if len(rows) < size:
            return
        after = rows[-1]["id"]  # type: ignore[index]

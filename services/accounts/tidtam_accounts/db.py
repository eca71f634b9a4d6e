"""The service's declarative base: every domain's models.py maps its tables onto it."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from crmkit.custom import custom_tables
from crmkit.db import new_metadata
from crmkit.schema import idempotency_table, kit_tables
from crmkit.sheets import sheet_tables


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

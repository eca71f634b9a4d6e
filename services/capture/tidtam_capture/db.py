"""The service's declarative base: every domain's models.py maps its tables onto it."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from crmkit.db import new_metadata
from crmkit.schema import idempotency_table, kit_tables


class Base(DeclarativeBase):
    metadata = new_metadata()

outbox_table, processed_table = kit_tables(Base.metadata)
idempotency_keys_table = idempotency_table(Base.metadata)

MODEL_MODULES: tuple[str, ...] = ("users.models", "forms.models", "line.models",
                                  "facebook.models", "mail.models", "products.models")


def all_metadata() -> MetaData:
    """The full metadata, with every domain's models imported."""
    import importlib

    for name in MODEL_MODULES:
        importlib.import_module(f"tidtam_capture.{name}")
    return Base.metadata

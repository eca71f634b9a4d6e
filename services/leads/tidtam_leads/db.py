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


def all_metadata() -> MetaData:
    """The full metadata, with every domain's models imported (for env.py and tooling)."""
    from .accounts import models as _a  # noqa: F401
    from .catalog import models as _c  # noqa: F401
    from .followups import models as _f  # noqa: F401
    from .labels import models as _la  # noqa: F401
    from .leads import models as _le  # noqa: F401
    from .pipelines import models as _p  # noqa: F401
    from .users import models as _u  # noqa: F401

    return Base.metadata

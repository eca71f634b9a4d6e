"""Custom fields ("custom forms") and segments (saved list filters), for any entity.

One implementation that each owning service mounts for its own entity (leads: `lead`,
accounts: `account`):

- `custom_tables(Base.metadata)` in the service's db.py; `custom_column_ddl(table)` and the
  tables' DDL in its migration (see tables.py);
- `custom_routers(CustomEntity(...))` mounted in its app: `/api/v1/custom-fields` and
  `/api/v1/segments`, both with the required `entity` query parameter;
- on create/PATCH of a record: `definitions(...)` then `merge(...)` → the `custom` JSONB
  (the rules from the app's `cache.RulesCache` when it has one: see cache.py);
- in the list: `list_filters(...)` (segment + `cf.*`), `to_sql(column, filters)` in the
  repository.
"""

from __future__ import annotations

from .filters import CustomFilter, to_sql
from .listing import ListFilters, list_filters
from .router import custom_routers
from .schemas import CustomValuesIn, CustomValuesOut, CustomValuesPatch
from .service import CustomEntity, definitions, visible_segment
from .tables import custom_column_ddl, custom_tables, drop_custom_column_ddl
from .values import Definition, merge

__all__ = [
    "CustomEntity", "CustomFilter", "CustomValuesIn", "CustomValuesOut", "CustomValuesPatch",
    "Definition", "ListFilters", "custom_column_ddl", "custom_routers", "custom_tables",
    "definitions", "drop_custom_column_ddl", "list_filters", "merge", "to_sql",
    "visible_segment",
]

"""Excel/CSV import and export, for any entity (crmkit.custom's pattern):

- `sheet_tables(Base.metadata)` in the service's db.py; `tables.install(bind)` in its
  migration;
- a `SheetEntity` (entity.py) of its own: columns, `import_rows` through its create's
  checks, `export_rows` through its list's filters and visibility;
- `sheet_routers(entity)` mounted in its app: `/api/v1/imports` and `/api/v1/exports`,
  with the required `entity` query parameter (the gateway routes by it).
"""

from __future__ import annotations

from .entity import ImportOptions, ImportRow, Outcome, RowError, SheetEntity, row_errors
from .mapping import Column
from .router import sheet_routers
from .tables import sheet_tables

__all__ = ["Column", "ImportOptions", "ImportRow", "Outcome", "RowError", "SheetEntity",
           "row_errors", "sheet_routers", "sheet_tables"]

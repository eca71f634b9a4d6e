"""What an owning service gives the kit to import and export its entity: its columns, how
a batch of rows is validated and stored (through the same checks as its API's create), and
how the rows a caller may see are read for an export."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from fastapi import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from ..context import RequestContext
from ..custom import CustomEntity
from ..custom.schemas import CustomFieldOut
from ..errors import AppError, FieldError
from ..web import pydantic_field_error
from .mapping import Column
from .schemas import ExportFilters, Policy

Status = Literal["created", "updated", "skipped", "failed"]

# Thai for the codes row errors carry (README: Field error codes); others fall back to a
# Thai lead-in and the English message.
THAI: dict[str, str] = {
    "missing": "ต้องกรอก",
    "invalid_phone": "เบอร์โทรไม่ถูกต้อง (เช่น 081-234-5678)",
    "invalid_email": "อีเมลไม่ถูกต้อง",
    "invalid_tax_id": "เลขประจำตัวผู้เสียภาษีไม่ถูกต้อง (13 หลัก)",
    "too_long": "ยาวเกินไป",
    "string_too_long": "ยาวเกินไป",
    "unknown_user": "ไม่พบผู้ใช้นี้ในบริษัท",
    "unknown_source": "ไม่พบแหล่งที่มานี้",
    "quota_exceeded": "เกินโควตาของแพ็กเกจ ไม่ได้นำเข้า",
    "not_allowed": "ไม่มีสิทธิ์แก้ไขรายการนี้",
    "invalid": "ค่าไม่ถูกต้อง",
    "unknown_product": "ไม่พบสินค้านี้ในแคตตาล็อก (ใส่รหัสหรือชื่อสินค้า)",
    "ambiguous_product": "มีสินค้าชื่อนี้มากกว่าหนึ่งรายการ ใส่รหัสสินค้าแทน",
    "too_many_products": "สินค้าได้ไม่เกิน 20 รายการต่อลีด",
}


@dataclass(frozen=True)
class RowError:
    field: str
    code: str
    message: str  # English

    @property
    def message_th(self) -> str:
        return THAI.get(self.code, "ค่าไม่ถูกต้อง") + f" ({self.field})"


@dataclass
class ImportRow:
    number: int  # as Excel shows it (1-based, the header counted)
    values: dict[str, str]  # field key -> cell text; blank cells left out
    owner_email: str | None = None
    cells: list[str] = field(default_factory=list)  # the row as read, for the error report


@dataclass
class Outcome:
    status: Status
    errors: list[RowError] = field(default_factory=list)
    record_id: uuid.UUID | None = None

    @classmethod
    def failed(cls, *errors: RowError) -> Outcome:
        return cls("failed", list(errors))


@dataclass(frozen=True)
class ImportOptions:
    policy: Policy
    owner_id: uuid.UUID | None  # a fixed owner; else the row's owner_email, else the caller
    defaults: Mapping[str, str]  # field key -> value for rows that leave it blank


def row_errors(exc: ValidationError | AppError, columns: Mapping[str, str]) -> list[RowError]:
    """A create's validation errors as a row's: each named by the field's column header
    (`columns`: field key -> header) where the file has one."""
    fields: list[FieldError]
    if isinstance(exc, ValidationError):
        fields = [pydantic_field_error(".".join(str(p) for p in e["loc"]), e)
                  for e in exc.errors()]
    else:
        fields = exc.fields or [FieldError(field="row", message=exc.message, code=exc.code)]
    out = []
    for f in fields:
        key = f.field.removeprefix("body.")
        out.append(RowError(field=columns.get(key, key), code=f.code,
                            message=f.message))
    return out


class SheetEntity(Protocol):
    """Implemented by the owning service (leads, accounts)."""

    entity: str
    custom: CustomEntity

    def columns(self, fields: Sequence[CustomFieldOut]) -> list[Column]:
        """Every field an import may fill and an export may write, custom ones last."""
        ...

    async def require_owner(self, session: AsyncSession, ctx: RequestContext,
                            user_id: uuid.UUID) -> None:
        """404 naming `body.owner.user_id` unless an active user of the tenant."""
        ...

    async def import_rows(self, session: AsyncSession, ctx: RequestContext,
                          rows: Sequence[ImportRow], options: ImportOptions, *,
                          dry_run: bool) -> list[Outcome]:
        """One outcome per row, in order. With `dry_run`, validate only (the preview)."""
        ...

    def check_export_filters(self, filters: ExportFilters) -> None:
        """422 naming `body.filters.…` for a filter its list does not have."""
        ...

    def export_rows(self, session: AsyncSession, ctx: RequestContext, request: Request,
                    filters: ExportFilters, keys: Sequence[str]
                    ) -> AsyncIterator[list[list[Any]]]:
        """The rows the caller may see that `filters` select, as the list would (`request`
        is the list's request, its query string the filters), one value per key, in
        batches (pages, or fetches of a server-side cursor): memory stays flat."""
        ...

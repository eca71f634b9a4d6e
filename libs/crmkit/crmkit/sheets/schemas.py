from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Policy = Literal["skip", "update", "create"]
JobStatus = Literal["uploaded", "running", "done", "cancelled", "failed"]


class FieldChoice(BaseModel):
    key: str = Field(description="The field as the API names it (`custom.<key>` for a "
                                 "custom field)")
    label_th: str
    label_en: str
    importable: bool = Field(True, description="An import may fill it (false: export only)")


class RowErrorOut(BaseModel):
    field: str = Field(description="The column (header) or field the problem is in")
    code: str
    message: str = Field(description="What to fix (English)")
    message_th: str = Field(description="What to fix (Thai)")


class RowCheck(BaseModel):
    row: int = Field(description="The row's number in the sheet, as Excel shows it")
    status: Literal["ok", "duplicate", "failed"]
    errors: list[RowErrorOut]


class ImportOut(BaseModel):
    id: uuid.UUID
    entity: str
    filename: str
    kind: Literal["xlsx", "xls", "ods", "csv"]
    sheets: list[str]
    sheet: str | None = Field(description="The sheet read (the first until start says)")
    status: JobStatus
    header_row: int = Field(description="The header's row number (1-based)")
    columns: list[str] = Field(description="The header's columns (blank or repeated ones as "
                                           "`column N`)")
    mapping: dict[str, str | None] = Field(description="Suggested (before start) or chosen "
                                                       "column → field key; null: not imported")
    fields: list[FieldChoice] = Field(description="Fields a column may map to")
    preview: list[RowCheck] = Field(description="The first 20 rows checked as they would be "
                                                "imported")
    samples: list[list[str]] = Field(default_factory=list, description=(
        "The first data rows as read (up to 5), one text per column: sample values for "
        "checking the mapping"))
    total: int = Field(description="Data rows in the sheet (known once started)")
    done: int
    created: int
    updated: int
    skipped: int
    failed: int
    eta_seconds: float | None = Field(description="Estimated seconds left while running")
    error: str | None = Field(description="Why the job failed")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class OwnerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID | None = Field(None, description="Every row's owner (an active user)")
    column: str | None = Field(None, description="A column of user emails; rows without "
                                                 "one are the caller's")

    @model_validator(mode="after")
    def _one(self) -> OwnerIn:
        if (self.user_id is None) == (self.column is None):
            raise ValueError("give exactly one of user_id and column")
        return self


class StartIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sheet: str | None = Field(None, max_length=100, description="Default: the first")
    header_row: int | None = Field(None, ge=1, le=50, description="Default: as detected")
    mapping: dict[str, str | None] = Field(max_length=200, description=(
        "Column (as in `columns`) → field key, null to leave it out"))
    owner: OwnerIn | None = Field(None, description="Default: the caller owns every row")
    duplicates: Policy = Field("skip", description=(
        "A row matching an existing record (the entity's duplicate rules): `skip` it, "
        "`update` the record with the row's values, or `create` another"))
    defaults: dict[str, str] = Field(default_factory=dict, max_length=20, description=(
        "Field key → value for rows whose cell is blank (e.g. `{\"source\": \"other\"}`)"))


ExportFormat = Literal["xlsx", "csv"]


_CF = re.compile(r"^cf\.[a-z][a-z0-9_]{0,39}(\.(min|max))?$")


class ExportFilters(BaseModel):
    """The filters of the entity's list (GET /api/v1/leads or /api/v1/accounts): those it
    does not have are refused by its service (422 naming `body.filters.<name>`); custom
    fields as `cf.<key>` (`cf.<key>.min`/`.max` for numbers and dates)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={
        "patternProperties": {_CF.pattern: {"type": "string", "maxLength": 200,
                                            "pattern": "^[^\\x00]*$"}},
        "additionalProperties": False})

    box: Literal["inbox", "sent", "lost", "junk"] | None = Field(None, description="Leads")
    q: str | None = Field(None, max_length=100, pattern=r"^[^\x00]*$")
    label_id: uuid.UUID | None = Field(None, description="Leads")
    pipeline_id: uuid.UUID | None = Field(None, description="Leads")
    stage_id: uuid.UUID | None = Field(None, description="Leads")
    label: str | None = Field(None, max_length=50, pattern=r"^[^\x00]*$",
                              description="Accounts")
    province: str | None = Field(None, max_length=100, pattern=r"^[^\x00]*$",
                                 description="Accounts")
    owner_id: uuid.UUID | None = None
    segment: uuid.UUID | None = None

    @model_validator(mode="after")
    def _custom_only(self) -> ExportFilters:
        for key, value in (self.model_extra or {}).items():
            if not _CF.match(key) or not isinstance(value, str) or "\x00" in value \
                    or len(value) > 200:
                raise ValueError(f"{key!r}: not a filter of the list (cf.<key> takes text)")
        return self

    def params(self) -> dict[str, str]:
        """As the list's query string: only what is set."""
        return {k: str(v) for k, v in self.model_dump(exclude_none=True).items()}


class ExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: ExportFormat = "xlsx"
    columns: list[str] = Field(min_length=1, max_length=100, description=(
        "Field keys in order (GET /api/v1/imports/fields?entity=… lists them)"))
    filters: ExportFilters = Field(default_factory=lambda: ExportFilters(), description=(
        "The list's filters, as its query parameters"))
    language: Literal["th", "en"] = Field("th", description="The headers' language")


class ExportOut(BaseModel):
    id: uuid.UUID
    entity: str
    format: ExportFormat
    status: Literal["running", "done", "failed"]
    rows: int
    error: str | None
    download_url: str | None = Field(description="While done and not expired; works only "
                                                 "for the export's maker")
    expires_at: datetime | None
    created_at: datetime



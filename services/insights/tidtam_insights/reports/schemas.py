"""The reports' one answer shape (ReportOut) and the filters every report takes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

REPORTS = ("funnel", "pipeline", "forecast", "won", "lost", "sources", "activities",
           "targets")
ReportName = Literal["funnel", "pipeline", "forecast", "won", "lost", "sources", "activities",
                     "targets"]
Kind = Literal["text", "count", "money", "percent", "month", "days", "user", "team", "stage",
               "source", "reason"]
GroupBy = Literal["user", "team", "month"]
MAX_DAYS = 3700  # ten years and a few days: the widest window a report covers


class ColumnOut(BaseModel):
    key: str
    kind: Kind


class ReportOut(BaseModel):
    """Money as text with two decimals (`"1234.50"`), percent 0–100 with one decimal, month
    `YYYY-MM` (the tenant's time zone), days with one decimal; a user, team or stage column
    holds its id, and `<key>_name` its name."""

    report: ReportName
    from_: date = Field(alias="from")
    to: date
    time_zone: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]


class ReportList(BaseModel):
    reports: list[ReportName]


@dataclass(frozen=True)
class Window:
    """What a report covers: its days (in the tenant's zone), whose records (`owners`, None
    for everyone the tenant has; already narrowed to what the caller may see), and the
    other filters."""

    first: date
    last: date
    zone: str
    owners: frozenset[uuid.UUID] | None
    pipeline_id: uuid.UUID | None
    source: str | None
    group_by: GroupBy

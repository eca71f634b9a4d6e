"""The read model: one current row per lead, deal and activity (check-ins among them) with
the fields reports group and filter on, and the leads' counters by creation day (and by
month) in the tenant's time zone, owner and source, so that a report over a year of a
million leads adds up a few thousand counter rows instead of the leads (migration 0001)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, SmallInteger, Text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.db import TenantMixin

from ..db import Base


class LeadFact(TenantMixin, Base):
    __tablename__ = "lead_facts"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    source: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_day: Mapped[date] = mapped_column(Date)
    qualified: Mapped[bool] = mapped_column(Boolean)
    converted: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)


class _LeadCounts:
    """A counter row of leads: by owner and source, how many were created, qualified and
    converted."""

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    source: Mapped[str] = mapped_column(Text, primary_key=True)
    created: Mapped[int] = mapped_column(Integer)
    qualified: Mapped[int] = mapped_column(Integer)
    converted: Mapped[int] = mapped_column(Integer)


class LeadDaily(_LeadCounts, Base):
    __tablename__ = "lead_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)


class LeadMonthly(_LeadCounts, Base):
    """lead_daily by month (`month`: its first day; migration 0002)."""

    __tablename__ = "lead_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)


class DealFact(TenantMixin, Base):
    __tablename__ = "deal_facts"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    pipeline_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    stage_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    probability: Mapped[int | None] = mapped_column(SmallInteger)
    expected_close: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(Text)
    lost_reason: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_day: Mapped[date] = mapped_column(Date)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    source: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)


class ActivityFact(TenantMixin, Base):
    """Activities and check-ins (`kind` checkin), by the day they were made."""

    __tablename__ = "activity_facts"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_day: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)


def _counter(name: str, *keys: sa.Column[Any], days: bool = False) -> sa.Table:
    numbers: list[sa.Column[Any]] = [
        sa.Column("deals", Integer), sa.Column("amount", Numeric(18, 2)),
        sa.Column("weighted", Numeric(20, 4))]
    if days:
        numbers.append(sa.Column("days", Integer))
    tenant: sa.Column[Any] = sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True)
    return sa.Table(name, Base.metadata, tenant, *keys, *numbers)


def _k(name: str, kind: Any = None) -> sa.Column[Any]:
    return sa.Column(name, kind if kind is not None else UUID(as_uuid=True), primary_key=True)


# The deals' counters (migration 0002): open deals by stage and by expected-close month,
# closed ones by the day and the month they closed.
deal_open_stage = _counter("deal_open_stage", _k("pipeline_id"), _k("stage_id"),
                           _k("owner_id"), _k("source", Text))
deal_open_month = _counter("deal_open_month", _k("month", Date), _k("pipeline_id"),
                           _k("owner_id"), _k("source", Text))
deal_closed_daily = _counter("deal_closed_daily", _k("day", Date), _k("pipeline_id"),
                             _k("owner_id"), _k("source", Text), _k("status", Text),
                             _k("reason", Text), days=True)
deal_closed_monthly = _counter("deal_closed_monthly", _k("month", Date), _k("pipeline_id"),
                               _k("owner_id"), _k("source", Text), _k("status", Text),
                               _k("reason", Text), days=True)

# Activities not cancelled, by the day and the month they were made, owner and kind.
activity_daily = sa.Table("activity_daily", Base.metadata,
                          _k("tenant_id"), _k("day", Date), _k("owner_id"), _k("kind", Text),
                          sa.Column("n", Integer))
activity_monthly = sa.Table("activity_monthly", Base.metadata,
                            _k("tenant_id"), _k("month", Date), _k("owner_id"),
                            _k("kind", Text), sa.Column("n", Integer))

"""What this service knows of other services' leads and accounts, from their events: who
owns each (the visibility of activities linked to it) and, for accounts, where it is."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, SmallInteger, Text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class LeadRecord(Base):
    __tablename__ = "lead_records"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    name: Mapped[str] = mapped_column(Text)
    sent_by: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(UUID(as_uuid=True)))
    # The last follow-up's next contact (a planned call on the owner's calendar).
    next_contact_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sequence: Mapped[int] = mapped_column(BigInteger)


class AccountRecord(Base):
    __tablename__ = "account_records"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    owner_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    name: Mapped[str] = mapped_column(Text)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    deleted: Mapped[bool] = mapped_column(Boolean)
    sequence: Mapped[int] = mapped_column(BigInteger)


class ContactRecord(Base):
    """A contact and the account it belongs to (an activity's contact must be of its
    account)."""

    __tablename__ = "contact_records"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    deleted: Mapped[bool] = mapped_column(Boolean)
    sequence: Mapped[int] = mapped_column(BigInteger)


class AnniversaryRecord(Base):
    """A yearly date of an account (its `anniversaries`) or a contact (its birthday)."""

    __tablename__ = "anniversaries"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    source_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    contact_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    kind: Mapped[str] = mapped_column(Text)
    date: Mapped[date] = mapped_column(Date)
    name: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    month: Mapped[int] = mapped_column(SmallInteger,
                                       sa.Computed("extract(month FROM date)::smallint",
                                                   persisted=True))

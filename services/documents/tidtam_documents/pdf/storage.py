"""Where issued documents' PDFs are kept: an interface, and its default, the documents
database (table `pdf_files`, under RLS). An S3-compatible store implements the same two
methods (keyed by tenant and key, write-once)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import BYTEA, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.context import TenantId
from crmkit.db import TenantMixin

from ..db import Base


class PdfFile(TenantMixin, Base):
    __tablename__ = "pdf_files"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    key: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    content: Mapped[bytes] = mapped_column(BYTEA)
    sha256: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                 server_default=sa.func.now())


class PdfStore(Protocol):
    async def get(self, session: AsyncSession, tenant: TenantId, key: str) -> bytes | None:
        ...

    async def put(self, session: AsyncSession, tenant: TenantId, key: str,
                  content: bytes) -> bytes:
        """Keeps `content` unless the key has one already; returns the one kept."""
        ...


class DatabaseStore:
    async def get(self, session: AsyncSession, tenant: TenantId, key: str) -> bytes | None:
        found: bytes | None = await session.scalar(sa.select(PdfFile.content).where(
            PdfFile.tenant_id == tenant.value, PdfFile.key == key))
        return found

    async def put(self, session: AsyncSession, tenant: TenantId, key: str,
                  content: bytes) -> bytes:
        await session.execute(insert(PdfFile).values(
            tenant_id=tenant.value, key=key, content=content,
            sha256=hashlib.sha256(content).hexdigest()).on_conflict_do_nothing())
        kept = await self.get(session, tenant, key)
        assert kept is not None
        return kept


STORE: PdfStore = DatabaseStore()

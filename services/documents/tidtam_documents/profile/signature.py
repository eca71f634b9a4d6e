"""Each user's document profile: position, phone and email printed under their name on
quotations, and their signature image (re-encoded, pdf/images.py)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.dialects.postgresql import BYTEA, UUID, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from crmkit.context import TenantId
from crmkit.db import TenantMixin
from crmkit.deps import Ctx, Db
from crmkit.errors import NotFound, error_responses
from crmkit.fields import Email
from crmkit.text import Text

from ..db import Base
from ..pdf.images import IMAGE_BODY, reencode


class DocumentProfile(TenantMixin, Base):
    __tablename__ = "document_profiles"

    tenant_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    position: Mapped[str | None] = mapped_column(sa.Text)
    phone: Mapped[str | None] = mapped_column(sa.Text)
    email: Mapped[str | None] = mapped_column(sa.Text)
    signature: Mapped[bytes | None] = mapped_column(BYTEA)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True),
                                                 server_default=sa.func.now())


class DocumentProfileIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: Annotated[str, Text(100)] | None = Field(None, description="e.g. ผู้จัดการฝ่ายขาย")
    phone: Annotated[str, Text(50)] | None = None
    email: Email | None = None


class DocumentProfileOut(BaseModel):
    position: str | None
    phone: str | None
    email: str | None
    has_signature: bool


router = APIRouter(prefix="/api/v1/document-profile", tags=["documents"])


async def find(session: AsyncSession, tenant: TenantId,
               user_id: uuid.UUID) -> DocumentProfile | None:
    found: DocumentProfile | None = (await session.execute(sa.select(DocumentProfile).where(
        DocumentProfile.tenant_id == tenant.value, DocumentProfile.user_id == user_id))
    ).scalar_one_or_none()
    return found


def png_uri(png: bytes | None) -> str | None:
    """One of our own re-encoded PNGs as a data: URI for a template."""
    return None if png is None else "data:image/png;base64," + base64.b64encode(png).decode()


def signature_uri(profile: DocumentProfile | None) -> str | None:
    return png_uri(profile.signature if profile is not None else None)


def _out(p: DocumentProfile | None) -> DocumentProfileOut:
    if p is None:
        return DocumentProfileOut(position=None, phone=None, email=None, has_signature=False)
    return DocumentProfileOut(position=p.position, phone=p.phone, email=p.email,
                              has_signature=p.signature is not None)


async def _upsert(session: AsyncSession, tenant: TenantId, user_id: uuid.UUID,
                  **values: object) -> DocumentProfile:
    stmt = insert(DocumentProfile).values(tenant_id=tenant.value, user_id=user_id, **values)
    await session.execute(stmt.on_conflict_do_update(
        index_elements=[DocumentProfile.tenant_id, DocumentProfile.user_id],
        set_={**values, "updated_at": sa.func.now()}))
    found = await find(session, tenant, user_id)
    assert found is not None
    return found


@router.get("", response_model=DocumentProfileOut, responses=error_responses(401))
async def get_mine(ctx: Ctx, db: Db) -> DocumentProfileOut:
    """The caller's own document profile (empty until set)."""
    return _out(await find(db, ctx.tenant, ctx.user_id))


@router.put("", response_model=DocumentProfileOut, responses=error_responses(401, 422))
async def put_mine(body: DocumentProfileIn, ctx: Ctx, db: Db) -> DocumentProfileOut:
    return _out(await _upsert(db, ctx.tenant, ctx.user_id, **body.model_dump()))


@router.put("/signature", response_model=DocumentProfileOut,
            responses=error_responses(401, 413, 422),
            openapi_extra=IMAGE_BODY)
async def put_signature(request: Request, ctx: Ctx, db: Db) -> DocumentProfileOut:
    """The caller's signature: a PNG or JPEG of at most 1 MiB (413) and 4 million pixels,
    re-encoded as PNG; anything else, a decompression bomb included, is 422."""
    png = reencode(await request.body())
    return _out(await _upsert(db, ctx.tenant, ctx.user_id, signature=png))


@router.get("/signature", response_class=Response,
            responses={200: {"content": {"image/png": {}}, "description": "The signature"},
                       **error_responses(401, 404)})
async def get_signature(ctx: Ctx, db: Db) -> Response:
    found = await find(db, ctx.tenant, ctx.user_id)
    if found is None or found.signature is None:
        raise NotFound("no signature uploaded yet")
    return Response(found.signature, media_type="image/png")

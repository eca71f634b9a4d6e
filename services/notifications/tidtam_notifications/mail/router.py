"""The tenant's message log (admins): every email, its status and last error."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from crmkit.deps import Ctx, Db
from crmkit.errors import Forbidden, error_responses
from crmkit.paging import CURSOR_PATTERN, before, decode_cursor, next_cursor

from .models import Email

router = APIRouter(tags=["notifications"])
Status = Literal["pending", "sending", "sent", "failed", "unconfirmed"]


class EmailOut(BaseModel):
    id: uuid.UUID
    recipient_id: uuid.UUID | None = Field(
        description="The user told, or null for someone who is not a user (a quotation "
                    "emailed to its customer: `to_address` only)")
    to_address: str
    kind: str
    language: str
    subject: str | None = Field(description="As sent (null until the first attempt)")
    count: int
    status: Status = Field(description=(
        "pending (waiting, or retrying after `last_error`), sending, sent, failed (gave up "
        "after the last attempt), unconfirmed (the worker stopped mid-send; never sent "
        "again, in case it went out)"))
    attempts: int
    last_error: str | None
    event_id: uuid.UUID
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None


class EmailPage(BaseModel):
    items: list[EmailOut]
    next_cursor: str | None


@router.get("/api/v1/notifications/log", response_model=EmailPage,
            responses=error_responses(401, 403, 422))
async def message_log(ctx: Ctx, db: Db, limit: int = Query(50, ge=1, le=200),
                      cursor: str | None = Query(None, pattern=CURSOR_PATTERN),
                      status: Status | None = Query(None)) -> EmailPage:
    """The tenant's emails, newest first, with their status and error (admins only)."""
    if not ctx.is_admin:
        raise Forbidden("the message log is for admins")
    where = [Email.tenant_id == ctx.tenant.value,
             *before(Email.created_at, Email.id, decode_cursor(cursor) if cursor else None)]
    if status is not None:
        where.append(Email.status == status)
    q = (sa.select(Email.id, Email.recipient_id, Email.to_address, Email.kind, Email.language,
                   Email.subject, Email.count, Email.status, Email.attempts, Email.last_error,
                   Email.event_id, Email.created_at, Email.next_attempt_at, Email.sent_at)
         .where(*where).order_by(Email.created_at.desc(), Email.id.desc()).limit(limit + 1))
    rows, more = next_cursor([dict(r) for r in (await db.execute(q)).mappings()], limit)
    return EmailPage(items=[EmailOut.model_validate(r) for r in rows], next_cursor=more)

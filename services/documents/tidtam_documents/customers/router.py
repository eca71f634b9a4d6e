"""A customer's related documents, under the account's and the lead's own paths (the
gateway sends these two paths here). Today: quotations; invoices join them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from crmkit.deps import Ctx, Db
from crmkit.errors import NotFound, error_responses
from crmkit.paging import CURSOR_PATTERN

from ..parties import repository as parties
from ..quotes import service as quotes
from ..quotes.schemas import QuotePage

router = APIRouter(tags=["documents"])


@router.get("/api/v1/accounts/{account_id:id}/documents", response_model=QuotePage,
            responses=error_responses(401, 404, 422))
async def account_documents(account_id: uuid.UUID, ctx: Ctx, db: Db,
                            limit: int = Query(50, ge=1, le=200),
                            cursor: str | None = Query(None, pattern=CURSOR_PATTERN)
                            ) -> QuotePage:
    """The account's documents and those of its leads that the caller may see, newest
    first; an account the caller may not see is 404."""
    if await parties.account(db, ctx.tenant, account_id, ctx.account_scope) is None:
        raise NotFound("no such account")
    return await quotes.list_page(db, ctx, lead_id=None, account_id=account_id, status=None,
                                  limit=limit, cursor=cursor)


@router.get("/api/v1/leads/{lead_id:id}/documents", response_model=QuotePage,
            responses=error_responses(401, 404, 422))
async def lead_documents(lead_id: uuid.UUID, ctx: Ctx, db: Db,
                         limit: int = Query(50, ge=1, le=200),
                         cursor: str | None = Query(None, pattern=CURSOR_PATTERN)) -> QuotePage:
    """The lead's documents, newest first; a lead the caller may not see is 404."""
    if await parties.lead(db, ctx.tenant, lead_id, ctx.lead_scope) is None:
        raise NotFound("no such lead")
    return await quotes.list_page(db, ctx, lead_id=lead_id, account_id=None, status=None,
                                  limit=limit, cursor=cursor)

"""A customer's related documents, under the account's and the lead's own paths (the
gateway sends these two paths here): quotations, invoices, tax invoices and credit notes."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.deps import Ctx, Db
from crmkit.errors import NotFound, error_responses
from crmkit.paging import CURSOR_PATTERN, decode_cursor, encode_cursor

from ..parties import repository as parties
from . import repository
from .schemas import DocumentOut, DocumentPage

router = APIRouter(tags=["documents"])

PATHS = {"quote": "quotes", "invoice": "invoices", "tax_invoice": "tax-invoices",
         "credit_note": "credit-notes"}


async def _page(db: AsyncSession, ctx: RequestContext, *, lead_id: uuid.UUID | None,
                account_id: uuid.UUID | None, limit: int, cursor: str | None) -> DocumentPage:
    rows = await repository.page(db, ctx, lead_id=lead_id, account_id=account_id,
                                 after=decode_cursor(cursor) if cursor else None,
                                 limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    items = []
    for kind, doc_id, number, status, issue_date, total, quote_id, created_at in rows:
        url = f"/api/v1/{PATHS[kind]}/{doc_id}"
        items.append(DocumentOut(kind=kind, id=doc_id, number=number, status=status,  # type: ignore[arg-type]
                                 issue_date=issue_date, total=f"{total:.2f}",
                                 quote_id=quote_id, url=url, pdf_url=f"{url}/pdf",
                                 created_at=created_at))
    return DocumentPage(items=items, next_cursor=encode_cursor(rows[-1][7], rows[-1][1])
                        if more else None)


@router.get("/api/v1/accounts/{account_id:id}/documents", response_model=DocumentPage,
            responses=error_responses(401, 404, 422))
async def account_documents(account_id: uuid.UUID, ctx: Ctx, db: Db,
                            limit: int = Query(50, ge=1, le=200),
                            cursor: str | None = Query(None, pattern=CURSOR_PATTERN)
                            ) -> DocumentPage:
    """The account's documents and those of its leads that the caller may see, newest
    first; an account the caller may not see is 404."""
    if await parties.account(db, ctx.tenant, account_id, ctx.account_scope) is None:
        raise NotFound("no such account")
    return await _page(db, ctx, lead_id=None, account_id=account_id, limit=limit,
                       cursor=cursor)


@router.get("/api/v1/leads/{lead_id:id}/documents", response_model=DocumentPage,
            responses=error_responses(401, 404, 422))
async def lead_documents(lead_id: uuid.UUID, ctx: Ctx, db: Db,
                         limit: int = Query(50, ge=1, le=200),
                         cursor: str | None = Query(None, pattern=CURSOR_PATTERN)) -> DocumentPage:
    """The lead's documents, newest first; a lead the caller may not see is 404."""
    if await parties.lead(db, ctx.tenant, lead_id, ctx.lead_scope) is None:
        raise NotFound("no such lead")
    return await _page(db, ctx, lead_id=lead_id, account_id=None, limit=limit, cursor=cursor)

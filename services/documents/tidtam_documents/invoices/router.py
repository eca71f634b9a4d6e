from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN

from ..pdf.answer import pdf_answer, pdf_responses
from ..pdf.workers import Rendering
from . import service
from .schemas import InvoiceOut, InvoicePage

router = APIRouter(tags=["invoices"], route_class=IdempotentRoute)


@router.post("/api/v1/quotes/{quote_id:id}/invoice", status_code=201,
             response_model=InvoiceOut,
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def issue_invoice(quote_id: uuid.UUID, ctx: Ctx, db: IdempotentDb,
                        renderer: Rendering) -> InvoiceOut:
    """An invoice (ใบแจ้งหนี้) for a sent or accepted quote (409 `quote_status`; a superseded
    revision 409 `quote_superseded`; one per quote, 409 `already_issued`), numbered
    IV<BE year>-0001, due the account's `credit_days` after today; its PDF is kept."""
    return await service.issue(db, ctx, renderer, quote_id)


@router.get("/api/v1/invoices", response_model=InvoicePage, responses=error_responses(401, 422))
async def list_invoices(
    ctx: Ctx, db: Db,
    quote_id: uuid.UUID | None = None,
    lead_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = Query(None, description=(
        "The account's invoices and those of its leads")),
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                               description="`next_cursor` of the previous page"),
) -> InvoicePage:
    """Invoices the caller may see (those of quotes they see), newest first."""
    return await service.list_page(db, ctx, quote_id=quote_id, lead_id=lead_id,
                                   account_id=account_id, limit=limit, cursor=cursor)


@router.get("/api/v1/invoices/{invoice_id:id}", response_model=InvoiceOut,
            responses=error_responses(401, 404, 422))
async def get_invoice(invoice_id: uuid.UUID, ctx: Ctx, db: Db) -> InvoiceOut:
    return await service.get(db, ctx, invoice_id)


@router.get("/api/v1/invoices/{invoice_id:id}/pdf", response_class=Response,
            responses=pdf_responses("The invoice as PDF (A4), kept since issued"))
async def invoice_pdf(invoice_id: uuid.UUID, ctx: Ctx, db: Db, renderer: Rendering) -> Response:
    content, name = await service.pdf(db, ctx, renderer, invoice_id)
    return pdf_answer(content, name)

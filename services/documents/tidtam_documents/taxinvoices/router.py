from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..pdf.answer import pdf_answer, pdf_responses
from ..pdf.workers import Rendering
from . import service
from .schemas import TaxInvoiceOut

router = APIRouter(tags=["tax invoices"], route_class=IdempotentRoute)


@router.post("/api/v1/quotes/{quote_id:id}/tax-invoice", status_code=201,
             response_model=TaxInvoiceOut,
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def issue_tax_invoice(quote_id: uuid.UUID, ctx: Ctx, db: IdempotentDb,
                            renderer: Rendering) -> TaxInvoiceOut:
    """A full tax invoice / receipt for an accepted quote (409 `quote_status` otherwise),
    numbered TX<BE year>-0001; it needs the company profile (409 `company_profile_missing`)
    and a buyer account with an address (409 `buyer_incomplete`); one per quote (409
    `already_issued`). It never changes afterwards; its PDFs (original and copy) are
    rendered and kept now."""
    return await service.issue(db, ctx, renderer, quote_id)


@router.post("/api/v1/invoices/{invoice_id:id}/tax-invoice", status_code=201,
             response_model=TaxInvoiceOut,
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def tax_invoice_from_invoice(invoice_id: uuid.UUID, ctx: Ctx, db: IdempotentDb,
                                   renderer: Rendering) -> TaxInvoiceOut:
    """A tax invoice / receipt for an invoice: its customer, lines and totals as the invoice
    printed them; the same rules as from a quote (one per invoice and quote, 409
    `already_issued`)."""
    return await service.from_invoice(db, ctx, renderer, invoice_id)


@router.get("/api/v1/tax-invoices/{invoice_id:id}", response_model=TaxInvoiceOut,
            responses=error_responses(401, 404, 422))
async def get_tax_invoice(invoice_id: uuid.UUID, ctx: Ctx, db: Db) -> TaxInvoiceOut:
    return service.out(await service.visible(db, ctx, invoice_id))


@router.get("/api/v1/tax-invoices/{invoice_id:id}/pdf", response_class=Response,
            responses=pdf_responses("The tax invoice as PDF (A4)"))
async def tax_invoice_pdf(invoice_id: uuid.UUID, ctx: Ctx, db: Db, renderer: Rendering,
                          copy: bool = Query(False, description=(
                              "The copy (สำเนา, เอกสารออกเป็นชุด) instead of the original "
                              "(ต้นฉบับ)"))) -> Response:
    content, name = await service.pdf(db, ctx, renderer, invoice_id, copy=copy)
    return pdf_answer(content, name)

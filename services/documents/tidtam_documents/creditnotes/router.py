from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..pdf.answer import pdf_answer, pdf_responses
from ..pdf.workers import Rendering
from . import service
from .schemas import CreditNoteIn, CreditNoteList, CreditNoteOut

router = APIRouter(tags=["credit notes"], route_class=IdempotentRoute)


@router.post("/api/v1/tax-invoices/{invoice_id:id}/credit-notes", status_code=201,
             response_model=CreditNoteOut,
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def issue_credit_note(invoice_id: uuid.UUID, body: CreditNoteIn, ctx: Ctx,
                            db: IdempotentDb, renderer: Rendering) -> CreditNoteOut:
    """A credit note (ใบลดหนี้) against an issued tax invoice: `lines` are what is credited
    (before VAT); the credit notes of one tax invoice together may not exceed its value
    before VAT (422 `credit_too_large`). Numbered CN<BE year>-0001; its PDFs (original and
    copy) are kept now; it never changes afterwards."""
    return await service.issue(db, ctx, renderer, invoice_id, body)


@router.get("/api/v1/tax-invoices/{invoice_id:id}/credit-notes", response_model=CreditNoteList,
            responses=error_responses(401, 404, 422))
async def list_credit_notes(invoice_id: uuid.UUID, ctx: Ctx, db: Db) -> CreditNoteList:
    return await service.of_tax_invoice(db, ctx, invoice_id)


@router.get("/api/v1/credit-notes/{note_id:id}", response_model=CreditNoteOut,
            responses=error_responses(401, 404, 422))
async def get_credit_note(note_id: uuid.UUID, ctx: Ctx, db: Db) -> CreditNoteOut:
    return service.out(await service.visible(db, ctx, note_id))


@router.get("/api/v1/credit-notes/{note_id:id}/pdf", response_class=Response,
            responses=pdf_responses("The credit note as PDF (A4)"))
async def credit_note_pdf(note_id: uuid.UUID, ctx: Ctx, db: Db, renderer: Rendering,
                          copy: bool = Query(False, description="The copy (สำเนา)")
                          ) -> Response:
    content, name = await service.pdf(db, ctx, renderer, note_id, copy=copy)
    return pdf_answer(content, name)

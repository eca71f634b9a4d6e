from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN

from ..pdf.answer import pdf_answer, pdf_responses
from ..pdf.workers import Rendering
from . import pdf, service
from .schemas import (
    QuoteIn,
    QuoteOut,
    QuotePage,
    QuotePatch,
    QuotePreviewIn,
    QuotePreviewOut,
    QuoteStatus,
)
from .send import SendIn, send

router = APIRouter(prefix="/api/v1/quotes", tags=["quotes"], route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=QuoteOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def create_quote(body: QuoteIn, ctx: Ctx, db: IdempotentDb) -> QuoteOut:
    """A draft quote for a lead or an account the caller may see (else 404 on
    `body.lead_id` / `body.account_id`), optionally for a deal (`deal_id`: one the caller
    sees, else 404; of another customer than the one quoted: 409 `deal_of_other_party`).
    Lines of catalogue products take the catalogue's
    name, unit, price and VAT type unless given; another price is 409 `price_not_editable`
    on the line unless the caller is an admin or the tenant allows price edits. Without a
    bill discount, the account's `bill_discount` applies."""
    return await service.create(db, ctx, body)


@router.post("/preview", response_model=QuotePreviewOut,
             responses=error_responses(401, 404, 409, 422))
async def preview_quote(body: QuotePreviewIn, ctx: Ctx, db: Db) -> QuotePreviewOut:
    """The totals, VAT, WHT and amount in words that these lines would make, by the same
    rules as creating a quote (catalogue prices, 409 `price_not_editable` naming the line,
    the account's bill discount by default). Writes nothing, so it takes no
    Idempotency-Key: the web UI's editor calls it as the user types."""
    return await service.preview(db, ctx, body)


@router.get("", response_model=QuotePage, responses=error_responses(401, 422))
async def list_quotes(
    ctx: Ctx, db: Db,
    lead_id: uuid.UUID | None = None,
    account_id: uuid.UUID | None = Query(None, description=(
        "The account's quotes and those of its leads")),
    deal_id: uuid.UUID | None = Query(None, description="The deal's quotes"),
    status: QuoteStatus | None = None,
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                               description="`next_cursor` of the previous page"),
) -> QuotePage:
    """Quotes the caller may see (those of leads and accounts they see), newest first."""
    return await service.list_page(db, ctx, lead_id=lead_id, account_id=account_id,
                                   status=status, limit=limit, cursor=cursor,
                                   deal_id=deal_id)


@router.get("/{quote_id:id}", response_model=QuoteOut, responses=error_responses(401, 404, 422))
async def get_quote(quote_id: uuid.UUID, ctx: Ctx, db: Db) -> QuoteOut:
    return await service.get(db, ctx, quote_id)


@router.get("/{quote_id:id}/pdf", response_class=Response,
            responses=pdf_responses("The quotation as PDF (A4)"))
async def quote_pdf(quote_id: uuid.UUID, ctx: Ctx, db: Db, renderer: Rendering) -> Response:
    """An issued quote's PDF, kept since it was issued; a draft's, rendered on each request
    as a preview and marked as a draft. 503 `render_timeout` when rendering outlives its limit."""
    content, name = await pdf.quote_pdf(db, ctx, renderer, quote_id)
    return pdf_answer(content, name)


@router.patch("/{quote_id:id}", response_model=QuoteOut,
              responses=error_responses(401, 403, 404, 409, 422))
async def patch_quote(quote_id: uuid.UUID, body: QuotePatch, ctx: Ctx, db: Db) -> QuoteOut:
    """Replace a draft's lines, discounts, WHT, validity and notes. Not a draft: 409
    `quote_status` (revise it instead)."""
    return await service.patch(db, ctx, quote_id, body)


@router.post("/{quote_id:id}/issue", response_model=QuoteOut,
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def issue_quote(quote_id: uuid.UUID, ctx: Ctx, db: IdempotentDb,
                      renderer: Rendering) -> QuoteOut:
    """Give a draft its number (QT<BE year>-0001, gapless per tenant and year; a revision
    keeps its first number with -R<n>), today's date, and status `sent`; its PDF is
    rendered and kept in the same transaction (503 `render_timeout`: nothing is issued)."""
    issued = await service.issue(db, ctx, quote_id)
    await pdf.quote_pdf(db, ctx, renderer, quote_id)
    return issued


@router.post("/{quote_id:id}/revise", status_code=201, response_model=QuoteOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def revise_quote(quote_id: uuid.UUID, ctx: Ctx, db: IdempotentDb) -> QuoteOut:
    """A new draft revision of an issued quote, to edit and issue; the old one is kept."""
    return await service.revise(db, ctx, quote_id)


@router.post("/{quote_id:id}/accept", response_model=QuoteOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def accept_quote(quote_id: uuid.UUID, ctx: Ctx, db: IdempotentDb) -> QuoteOut:
    """The customer accepted a sent quote: `quote.accepted`, and the leads service sets the
    lead's potential value from its amount before VAT."""
    return await service.decide(db, ctx, quote_id, accepted=True)


@router.post("/{quote_id:id}/reject", response_model=QuoteOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def reject_quote(quote_id: uuid.UUID, ctx: Ctx, db: IdempotentDb) -> QuoteOut:
    return await service.decide(db, ctx, quote_id, accepted=False)


@router.post("/{quote_id:id}/send", response_model=QuoteOut,
             responses=error_responses(401, 403, 404, 409, 422, 503))
async def send_quote(quote_id: uuid.UUID, body: SendIn, ctx: Ctx, db: IdempotentDb,
                     renderer: Rendering) -> QuoteOut:
    """Email the quote's PDF to the customer (the notifications service sends it, with
    your message in Thai or English). A draft is issued first; a sent quote may be sent
    again; otherwise 409 `quote_status` (`quote_superseded` for a replaced revision)."""
    return await send(db, ctx, renderer, quote_id, body)

"""Sending a quote to the customer: a draft is issued first; the event `quote.sent` carries
the recipients, the message and the kept PDF itself (base64, at most
MAX_ATTACHMENT_BYTES), and the notifications service emails it. The PDF rides in the event
so that notifications needs neither this service's tables nor a call back here; a quote
whose PDF is larger is refused (409) rather than published."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.errors import Conflict
from crmkit.fields import Email
from crmkit.text import Text
from tidtam_contracts.documents import MAX_ATTACHMENT_BYTES, Attachment, QuoteSentV1

from .. import events
from ..pdf.workers import Renderer
from . import pdf, repository, service
from .schemas import QuoteOut


class SendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: Email = Field(description="The customer's address")
    cc: list[Email] = Field(default_factory=list, max_length=10)
    message: Annotated[str, Text(5000)] | None = Field(None, description=(
        "Your words above the standard text; none: the standard text alone"))
    language: Literal["th", "en"] = Field("th", description="The email's language")


async def send(session: AsyncSession, ctx: RequestContext, renderer: Renderer,
               qid: uuid.UUID, body: SendIn) -> QuoteOut:
    quote, _, _ = await service.visible(session, ctx, qid, write=True)
    current = service.status_of(quote)
    if current == "draft":
        await service.issue(session, ctx, qid)
    elif current != "sent":
        raise Conflict(f"the quote is {current}; a draft or sent quote is sent",
                       code="quote_status")
    elif quote.superseded_by is not None:
        raise Conflict("a newer revision replaced this quote; send that one",
                       code="quote_superseded")
    content, name = await pdf.quote_pdf(session, ctx, renderer, qid)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise Conflict(f"the PDF is {len(content):,} bytes; at most {MAX_ATTACHMENT_BYTES:,} "
                       "are emailed (a smaller logo or signature helps)",
                       code="attachment_too_large")
    quote = await repository.update(session, ctx.tenant, qid, {"status": "sent"})
    seller = await pdf.seller_of(session, ctx)
    me = await pdf.salesperson(session, ctx, ctx.user_id)
    await events.stage(session, ctx.tenant, QuoteSentV1(
        **service.event_data(quote, ctx.user_id), to=body.to, cc=list(body.cc),
        message=body.message, language=body.language, seller_name=seller.name,
        sender_name=me.name, sender_email=me.email,
        attachment=Attachment(filename=name, content_type="application/pdf",
                              content_base64=base64.b64encode(content).decode(),
                              sha256=hashlib.sha256(content).hexdigest())),
        subject=str(quote.id), version=quote.version)
    return service.out(quote)

"""The documents service: `uvicorn tidtam_documents.main:app` (port 8005).

One process runs the API, the outbox relay and the event consumer (crmkit.runtime), and
starts the PDF render workers (pdf/workers.py)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from crmkit.runtime import build_service

from .config import DocumentsSettings
from .consumers import HANDLERS
from .contracts import EVENTS
from .creditnotes.router import router as credit_notes_router
from .customers.router import router as customers_router
from .invoices.router import router as invoices_router
from .pdf.workers import renderer_resource
from .privacy.service import ROUTER as privacy_router
from .products.router import router as products_router
from .profile.router import router as profile_router
from .profile.signature import router as signature_router
from .quotes.router import router as quotes_router
from .taxinvoices.router import router as tax_invoices_router

ROUTERS: list[APIRouter] = [privacy_router, products_router, quotes_router, invoices_router,
                            tax_invoices_router, credit_notes_router, customers_router,
                            profile_router, signature_router]


def build_app(settings: DocumentsSettings | None = None) -> FastAPI:
    settings = settings or DocumentsSettings()
    return build_service(settings, title="Tidtam documents",
                         description="Products; quotations, invoices and Thai tax invoices "
                                     "with their totals, numbering and PDFs",
                         routers=ROUTERS, events=EVENTS, handlers=HANDLERS,
                         resources=[renderer_resource(processes=settings.pdf_workers,
                                                      timeout=settings.pdf_timeout,
                                                      memory_mb=settings.pdf_memory_mb)])


app = build_app()

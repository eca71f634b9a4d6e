"""The accounts service: `uvicorn tidtam_accounts.main:app` (port 8002).

One process runs the API, the outbox relay and the event consumer (crmkit.runtime)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from crmkit.custom import custom_routers
from crmkit.runtime import build_service
from crmkit.sheets import sheet_routers

from .accounts.router import router as accounts_router
from .accounts.service import CUSTOM as ACCOUNT_CUSTOM
from .config import AccountsSettings
from .consumers import HANDLERS
from .contacts.router import router as contacts_router
from .contracts import EVENTS
from .lookup.router import router as lookup_router
from .lookup.service import RDLookup
from .privacy.service import ROUTER as privacy_router
from .sheets.service import SHEETS
from .timeline.router import router as timeline_router

# In matching order: fixed paths such as `/api/v1/accounts/lookup` before
# `/api/v1/accounts/{id}`.
ROUTERS: list[APIRouter] = [privacy_router, lookup_router, accounts_router, contacts_router,
                            timeline_router,
                            *custom_routers(ACCOUNT_CUSTOM), *sheet_routers(SHEETS)]


def build_app(settings: AccountsSettings | None = None) -> FastAPI:
    settings = settings or AccountsSettings()

    @asynccontextmanager
    async def rd_lookup(app: FastAPI) -> AsyncIterator[None]:
        # The Revenue Department client's connection pool lives as long as the app.
        app.state.rd_lookup = RDLookup(settings)
        try:
            yield
        finally:
            await app.state.rd_lookup.client.aclose()

    return build_service(settings, title="Tidtam accounts",
                         description="Customer accounts, contacts, duplicates, tax-ID "
                                     "lookup, account timeline",
                         routers=ROUTERS, events=EVENTS, handlers=HANDLERS,
                         resources=[rd_lookup])


app = build_app()

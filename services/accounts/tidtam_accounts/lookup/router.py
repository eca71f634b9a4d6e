from __future__ import annotations

from fastapi import APIRouter, Query, Request

from crmkit.deps import Ctx
from crmkit.errors import error_responses

from . import service
from .schemas import LookupOut
from .service import NAME_LENGTH, NAME_PATTERN

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"])


@router.get("/lookup", response_model=LookupOut, responses=error_responses(401, 422, 503))
async def lookup(
    request: Request, ctx: Ctx,
    tax_id: str | None = Query(None, min_length=13, max_length=25, openapi_examples={
        "PTT": {"value": "0107544000108"}}, description=(
        "13-digit Thai tax ID with its check digit (format th-tax-id; Thai digits, spaces "
        "or dashes between digits allowed)")),
    name: str | None = Query(None, min_length=NAME_LENGTH[0], max_length=NAME_LENGTH[1],
                             pattern=NAME_PATTERN,
                             description="Registered name, or part of it (2 to 100 characters)"),
) -> LookupOut:
    """Asks the Revenue Department's public VAT-registrant service by tax ID or name and
    returns pre-filled accounts to confirm; nothing is saved. `found: false` means not
    VAT-registered. When the RD does not answer properly: 503 (the account can still be
    entered by hand). Answers are cached (`TIDTAM_RD_CACHE_SECONDS`)."""
    kind, value = service.query_key(tax_id, name)
    return await service.RDLookup.of(request.app).lookup(kind, value)

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import HTMLResponse

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from . import page, public, service
from .schemas import FormCreate, FormOut, FormPage, FormPatch, Received
from .service import PUBLIC_KEY_PATTERN

router = APIRouter(prefix="/api/v1/capture/forms", tags=["capture"],
                   route_class=IdempotentRoute)
# Reached through the gateway without logging in (it signs a context for the key's tenant).
open_router = APIRouter(tags=["capture (public)"])
KEY = Path(pattern=PUBLIC_KEY_PATTERN, description="The form's public key")
_RETRY: dict[int | str, dict[str, Any]] = {429: {**error_responses(429)[429], "headers": {
    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}}}}


@router.post("", status_code=201, response_model=FormOut,
             responses=error_responses(401, 403, 404, 413, 422))
async def create_form(body: FormCreate, ctx: Ctx, db: IdempotentDb) -> FormOut:
    """A web form (admins): its fields, the lead source and owner of its leads, the consent
    text (Thai and English) with its version, and the origins allowed to post to it."""
    return await service.create(db, ctx, body)


@router.get("", response_model=FormPage, responses=error_responses(401, 403))
async def list_forms(ctx: Ctx, db: Db) -> FormPage:
    """The tenant's forms, newest first."""
    return await service.page(db, ctx)


@router.get("/{form_id:id}", response_model=FormOut, responses=error_responses(401, 403, 404))
async def get_form(form_id: uuid.UUID, ctx: Ctx, db: Db) -> FormOut:
    return await service.get(db, ctx, form_id)


@router.patch("/{form_id:id}", response_model=FormOut,
              responses=error_responses(401, 403, 404, 413, 422))
async def patch_form(form_id: uuid.UUID, body: FormPatch, ctx: Ctx, db: Db) -> FormOut:
    """Only the fields sent change; a new consent text needs a new `consent_version`."""
    return await service.patch(db, ctx, form_id, body)


@router.delete("/{form_id:id}", status_code=204, response_class=Response,
               responses=error_responses(401, 403, 404))
async def delete_form(form_id: uuid.UUID, ctx: Ctx, db: Db) -> Response:
    """Delete the form; its address stops answering (404). Leads it made stay."""
    await service.delete(db, ctx, form_id)
    return Response(status_code=204)


@open_router.post("/capture/forms/{public_key}", status_code=202, response_model=Received,
                  responses={303: {"description": "A browser's form post: on to the hosted "
                                                  "page's thank-you"},
                             **error_responses(400, 401, 403, 404, 413, 422), **_RETRY})
async def submit(request: Request, ctx: Ctx, public_key: str = KEY) -> Response:
    """A person's submission: JSON or a form post (`application/x-www-form-urlencoded`) of
    the form's fields, `consent` (true), `consent_language` (`th`/`en`), `marketing`
    (optional) and `submission_id` (optional UUID: a repeat makes nothing new)."""
    return await public.submit(request, ctx, public_key)


@open_router.options("/capture/forms/{public_key}", status_code=204, response_class=Response,
                     responses=error_responses(401, 403, 404))
async def preflight(request: Request, ctx: Ctx, public_key: str = KEY) -> Response:
    """CORS preflight: answered for the form's allowed origins only."""
    return await public.preflight(request, ctx, public_key)


@open_router.get("/f/{public_key}", response_class=HTMLResponse,
                 responses=error_responses(401, 404))
async def hosted_page(request: Request, ctx: Ctx, public_key: str = KEY) -> HTMLResponse:
    """The hosted form: Thai (`?lang=en`: English), usable on a phone."""
    return await page.hosted(request, ctx, public_key)

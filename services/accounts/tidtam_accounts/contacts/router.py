from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Response

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN

from . import service
from .schemas import ContactCreate, ContactOut, ContactPage, ContactPatch

router = APIRouter(prefix="/api/v1/accounts/{account_id:id}/contacts", tags=["contacts"],
                   route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=ContactOut,
             responses=error_responses(401, 404, 409, 422))
async def create_contact(account_id: uuid.UUID, body: ContactCreate, ctx: Ctx,
                         db: IdempotentDb) -> ContactOut:
    """Add a contact. Past the plan's contact limit it is 409 (code
    `contact_quota_exceeded`) naming the limit and the plan."""
    return await service.create(db, ctx, account_id, body)


@router.get("", response_model=ContactPage, responses=error_responses(401, 404, 422))
async def list_contacts(account_id: uuid.UUID, ctx: Ctx, db: Db,
                        limit: int = Query(50, ge=1, le=200),
                        cursor: str | None = Query(None, pattern=CURSOR_PATTERN),
                        is_primary: bool | None = Query(None, description=(
                            "true: only the account's primary contact (none, or one); "
                            "false: the others"))) -> ContactPage:
    return await service.list_page(db, ctx, account_id, limit=limit, cursor=cursor,
                                   is_primary=is_primary)


@router.get("/{contact_id:id}", response_model=ContactOut,
            responses=error_responses(401, 404, 422))
async def get_contact(account_id: uuid.UUID, contact_id: uuid.UUID, ctx: Ctx, db: Db) -> ContactOut:
    return await service.get(db, ctx, account_id=account_id, contact_id=contact_id)


@router.patch("/{contact_id:id}", response_model=ContactOut,
              responses=error_responses(401, 404, 422))
async def patch_contact(account_id: uuid.UUID, contact_id: uuid.UUID, body: ContactPatch,
                        ctx: Ctx, db: Db) -> ContactOut:
    return await service.patch(db, ctx, account_id=account_id, contact_id=contact_id,
                               body=body)


@router.delete("/{contact_id:id}", status_code=204, response_class=Response,
               responses=error_responses(401, 404, 422))
async def delete_contact(account_id: uuid.UUID, contact_id: uuid.UUID, ctx: Ctx,
                         db: Db) -> Response:
    await service.delete(db, ctx, account_id=account_id, contact_id=contact_id)
    return Response(status_code=204)

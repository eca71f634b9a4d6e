from __future__ import annotations

import uuid

from fastapi import APIRouter, Query, Request, Response

from crmkit.deps import Ctx, Db, IdempotentDb
from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute
from crmkit.paging import CURSOR_PATTERN

from . import duplicates, merge, service
from .schemas import (
    AccountCreate,
    AccountOut,
    AccountPage,
    AccountPatch,
    CopyIn,
    DuplicateList,
    DuplicateQuery,
    MergeIn,
)

router = APIRouter(prefix="/api/v1/accounts", tags=["accounts"], route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=AccountOut,
             responses=error_responses(401, 404, 409, 422))
async def create_account(body: AccountCreate, ctx: Ctx, db: IdempotentDb) -> AccountOut:
    """Create an account. Another live account with the same tax ID and branch is 409
    (whoever owns it) unless `force` is true; an owner who is not an active user, or whose
    accounts the caller may not manage, is 404 naming `body.owner_id`."""
    return await service.create(db, ctx, body)


@router.get("", response_model=AccountPage, responses=error_responses(401, 404, 422))
async def list_accounts(
    request: Request, ctx: Ctx, db: Db,
    q: str | None = Query(None, max_length=100, pattern=r"^[^\x00]*$", description=(
        "Part of a name, tax ID, phone (any form), email or LINE id; a whole phone number "
        "or email also finds the accounts of contacts who have it")),
    label: str | None = Query(None, max_length=50, pattern=r"^[^\x00]*$"),
    province: str | None = Query(None, max_length=100, pattern=r"^[^\x00]*$",
                                 description="จังหวัด of the address, exactly"),
    owner_id: uuid.UUID | None = None,
    segment: uuid.UUID | None = Query(None, description=(
        "A saved segment (GET /api/v1/segments?entity=account): its filters apply too, "
        "ANDed with the ones given here; unknown or not visible to the caller: 404")),
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, pattern=CURSOR_PATTERN,
                               description="`next_cursor` of the previous page"),
) -> AccountPage:
    """Accounts the caller may see, newest first. Custom fields filter too: `cf.<key>=value`
    and `cf.<key>.min=` / `cf.<key>.max=` (as in GET /api/v1/leads)."""
    return await service.list_page(db, ctx, request=request, segment=segment, limit=limit,
                                   cursor=cursor, q=q, label=label, province=province,
                                   owner_id=owner_id)


@router.post("/duplicates", response_model=DuplicateList,
             responses=error_responses(401, 422))
async def find_duplicates(body: DuplicateQuery, ctx: Ctx, db: Db) -> DuplicateList:
    """Likely duplicates of an account about to be saved, among those the caller can see,
    best first, with a score (0–100) and the reasons: `tax_id_branch`, `tax_id` (another
    branch), `phone`, `email` (the account's or a contact's), `name` (similar once company
    affixes such as บริษัท … จำกัด, หจก., Co., Ltd. are ignored)."""
    return await duplicates.find(db, ctx, body)


@router.get("/{account_id:id}", response_model=AccountOut,
            responses=error_responses(401, 404, 422))
async def get_account(account_id: uuid.UUID, ctx: Ctx, db: Db) -> AccountOut:
    return await service.get(db, ctx, account_id)


@router.patch("/{account_id:id}", response_model=AccountOut,
              responses=error_responses(401, 404, 409, 422))
async def patch_account(account_id: uuid.UUID, body: AccountPatch, ctx: Ctx, db: Db) -> AccountOut:
    """Only the fields sent change. A tax ID + branch another account has is 409 unless
    `force`."""
    return await service.patch(db, ctx, account_id, body)


@router.delete("/{account_id:id}", status_code=204, response_class=Response,
               responses=error_responses(401, 404, 422))
async def delete_account(account_id: uuid.UUID, ctx: Ctx, db: Db) -> Response:
    """Delete the account and its contacts (their places in the plan's quota come back)."""
    await service.delete(db, ctx, account_id)
    return Response(status_code=204)


@router.post("/{account_id:id}/copy", status_code=201, response_model=AccountOut,
             responses=error_responses(401, 404, 422))
async def copy_account(account_id: uuid.UUID, body: CopyIn, ctx: Ctx,
                       db: IdempotentDb) -> AccountOut:
    """A new account of the caller's, pre-filled from this one (kind, address, website,
    terms, labels, custom fields; not its tax ID, phones, emails, contacts or history), for
    another company of the same group."""
    return await merge.copy(db, ctx, account_id, body.name)


@router.post("/{account_id:id}/merge", response_model=AccountOut,
             responses=error_responses(401, 403, 404, 409, 422))
async def merge_accounts(account_id: uuid.UUID, body: MergeIn, ctx: Ctx,
                         db: IdempotentDb) -> AccountOut:
    """Admins and managers: merge `from_id` into this account. Its contacts, phones, emails,
    labels and anniversaries move here, empty fields here are filled from it, and leads'
    links and the timeline follow (event `account.merged`); `from_id` then answers 404
    saying where it went. Merging an account into itself is 409."""
    return await merge.merge(db, ctx, survivor_id=account_id, from_id=body.from_id)

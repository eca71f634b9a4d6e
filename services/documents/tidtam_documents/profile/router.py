from __future__ import annotations

from fastapi import APIRouter, Request, Response

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses

from ..pdf.images import IMAGE_BODY, reencode
from . import service
from .schemas import ProfileIn, ProfileOut

router = APIRouter(prefix="/api/v1/company-profile", tags=["documents"])


@router.get("", response_model=ProfileOut, responses=error_responses(401, 404))
async def get_profile(ctx: Ctx, db: Db) -> ProfileOut:
    """The seller as documents print it; 404 `company_profile_missing` until an admin sets
    it."""
    return await service.get(db, ctx)


@router.put("", response_model=ProfileOut, responses=error_responses(401, 403, 422))
async def put_profile(body: ProfileIn, ctx: Ctx, db: Db) -> ProfileOut:
    """Admins only (403). Documents issued from now on print it; issued tax invoices keep
    the seller they were issued with."""
    return await service.put(db, ctx, body)


@router.put("/logo", response_model=ProfileOut, responses=error_responses(401, 403, 404, 413,
                                                                          422),
            openapi_extra=IMAGE_BODY)
async def put_logo(request: Request, ctx: Ctx, db: Db) -> ProfileOut:
    """Admins only (403); the profile must exist (404 `company_profile_missing`). A PNG or
    JPEG of at most 1 MiB (413) and 4 million pixels, re-encoded as PNG; anything else, a
    decompression bomb included, is 422. Printed at the top of quotations and invoices."""
    png = reencode(await request.body())
    return await service.set_logo(db, ctx, png)


@router.delete("/logo", response_model=ProfileOut, responses=error_responses(401, 403, 404))
async def delete_logo(ctx: Ctx, db: Db) -> ProfileOut:
    return await service.set_logo(db, ctx, None)


@router.get("/logo", response_class=Response,
            responses={200: {"content": {"image/png": {}}, "description": "The logo"},
                       **error_responses(401, 404)})
async def get_logo(ctx: Ctx, db: Db) -> Response:
    return Response(await service.logo(db, ctx), media_type="image/png")

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..common import Cursor, Limit, Page
from ..deps import AdminCaller, Db, IdempotentDb, Settings
from . import archive, repository, service
from .schemas import PrivacyRequestIn, PrivacyRequestOut

router = APIRouter(prefix="/api/v1/privacy/requests", tags=["privacy"],
                   route_class=IdempotentRoute)


@router.post("", status_code=201, response_model=PrivacyRequestOut,
             responses=error_responses(401, 403, 409, 413, 422),
             summary="Ask every service to export or erase one person's data (admin, PDPA)")
async def create_request(body: PrivacyRequestIn, caller: AdminCaller, db: IdempotentDb,
                         settings: Settings) -> PrivacyRequestOut:
    return await service.create(db, tenant_id=caller.tenant.value, user_id=caller.user_id,
                                secret=settings.context_secret.get_secret_value(), body=body)


@router.get("", response_model=Page[PrivacyRequestOut], responses=error_responses(401, 403, 422),
            summary="Data-subject requests, newest first, with each service's progress (admin)")
async def list_requests(caller: AdminCaller, db: Db, limit: Limit = 50,
                        cursor: Cursor = None) -> Page[PrivacyRequestOut]:
    return await service.page(db, limit=limit, cursor=cursor)


@router.get("/{request_id}", response_model=PrivacyRequestOut,
            responses=error_responses(401, 403, 404, 422),
            summary="A data-subject request: each service's progress, counts and what it kept")
async def get_request(request_id: uuid.UUID, caller: AdminCaller, db: Db) -> PrivacyRequestOut:
    return await service.get(db, request_id)


@router.get("/{request_id}/archive", response_class=Response,
            responses={**error_responses(401, 403, 404, 409, 422, 503),
                       200: {"content": {"application/zip": {}},
                             "description": "person.json and person.xlsx"}},
            summary="An export's archive (.zip: JSON and .xlsx), once every service answered")
async def get_archive(request_id: uuid.UUID, caller: AdminCaller, db: Db,
                      settings: Settings) -> Response:
    row = await service.for_archive(db, request_id)
    ask = {**{k: row[k] for k in service.HASHES},
           "subjects": [str(s) for s in await repository.subjects(db, request_id)]}
    parts = await archive.gather(settings, caller, service.SERVICES, ask)
    return Response(archive.build(row, parts), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="privacy-{request_id}.zip"'})

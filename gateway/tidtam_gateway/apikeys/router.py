from __future__ import annotations

import uuid

from fastapi import APIRouter
from pydantic import BaseModel

from crmkit.errors import error_responses
from crmkit.idempotency import IdempotentRoute

from ..deps import AdminCaller, Db, IdempotentDb
from . import service
from .schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut

router = APIRouter(prefix="/api/v1/api-keys", tags=["api keys"], route_class=IdempotentRoute)


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]


@router.post("", status_code=201, response_model=ApiKeyCreated,
             responses=error_responses(401, 403, 413, 422),
             summary="Make an API key (admin); the key is shown only in this response")
async def create_key(body: ApiKeyCreate, caller: AdminCaller, db: IdempotentDb) -> ApiKeyCreated:
    return await service.create_key(db, caller, body)


@router.get("", response_model=ApiKeyList, responses=error_responses(401, 403),
            summary="The tenant's API keys, without the keys themselves (admin)")
async def list_keys(caller: AdminCaller, db: Db) -> ApiKeyList:
    return ApiKeyList(items=await service.list_keys(db))


@router.delete("/{key_id}", response_model=ApiKeyOut,
               responses=error_responses(401, 403, 404, 422),
               summary="Revoke an API key (admin); it stops working at once")
async def revoke_key(key_id: uuid.UUID, caller: AdminCaller, db: Db) -> ApiKeyOut:
    return await service.revoke_key(db, key_id)

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.errors import NotFound

from ..auth.caller import Caller
from ..auth.tokens import new_api_key
from . import repository
from .models import ApiKey
from .schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut


async def create_key(session: AsyncSession, caller: Caller, data: ApiKeyCreate
                     ) -> ApiKeyCreated:
    key, prefix, key_hash = new_api_key()
    row = await repository.insert(session, tenant_id=caller.tenant.value, name=data.name,
                                  prefix=prefix, key_hash=key_hash, created_by=caller.user_id)
    return ApiKeyCreated(**_out(row).model_dump(), key=key)


async def list_keys(session: AsyncSession) -> list[ApiKeyOut]:
    return [_out(k) for k in await repository.all_keys(session)]


async def revoke_key(session: AsyncSession, key_id: uuid.UUID) -> ApiKeyOut:
    row = await repository.revoke(session, key_id)
    if row is None:
        raise NotFound("no API key with this id")
    return _out(row)


def _out(row: ApiKey) -> ApiKeyOut:
    return ApiKeyOut.model_validate(row, from_attributes=True)

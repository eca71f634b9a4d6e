from __future__ import annotations

from fastapi import APIRouter

from crmkit.errors import error_responses

from ..deps import AdminCaller, CurrentCaller, Db
from . import service
from .schemas import SettingsOut, SettingsPatch

router = APIRouter(prefix="/api/v1/settings", tags=["settings"])


@router.get("", response_model=SettingsOut, responses=error_responses(401),
            summary="The tenant's settings")
async def get_settings(caller: CurrentCaller, db: Db) -> SettingsOut:
    return await service.get_settings(db)


@router.patch("", response_model=SettingsOut, responses=error_responses(401, 403, 413, 422),
              summary="Change the tenant's settings (admin); only the fields sent change")
async def update_settings(body: SettingsPatch, caller: AdminCaller, db: Db) -> SettingsOut:
    return await service.update_settings(db, caller.tenant.value, body)

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from ..common import Email, Input, Name, Password
from ..config import Plan


class AdminIn(Input):
    email: Email
    name: Name
    password: Password


class TenantCreate(Input):
    name: Name
    admin: AdminIn = Field(description="The tenant's first user, an admin")


class TenantCreated(BaseModel):
    id: uuid.UUID
    admin_user_id: uuid.UUID


class TenantOut(BaseModel):
    id: uuid.UUID
    name: str
    plan: Plan
    contact_limit: int | None = Field(
        description="Contacts the tenant may keep on its plan (configuration); null: no limit")
    created_at: datetime


class TenantPatch(Input):
    plan: Plan = Field(description="free, pro or enterprise; the contact limit of each is "
                                   "configuration (`TIDTAM_PLAN_CONTACT_LIMITS`)")


class AnnouncedLimits(BaseModel):
    announced: int = Field(description="Tenants told their new contact limit")

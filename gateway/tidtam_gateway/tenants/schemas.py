from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from ..common import Email, Input, Name, Password


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
    plan: str
    created_at: datetime

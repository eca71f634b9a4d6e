from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from crmkit.fields import Omittable

from ..common import Input, Name


class TeamCreate(Input):
    name: Name


class TeamPatch(Input):
    name: Omittable[Name] = None


class TeamOut(BaseModel):
    id: uuid.UUID
    name: str
    created_at: datetime

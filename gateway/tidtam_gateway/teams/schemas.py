from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from ..common import Input, Name


class TeamCreate(Input):
    name: Name


class TeamOut(BaseModel):
    id: uuid.UUID
    name: str
    created_at: datetime

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.money import BahtAmount

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"


class TargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM, in the tenant's time zone")
    amount: Annotated[Decimal, BahtAmount("The month's target in THB, to the satang")]


class TargetOut(BaseModel):
    user_id: uuid.UUID
    month: str
    amount: Decimal

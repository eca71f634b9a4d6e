from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.money import BahtAmount

# Years 1900–2999, as days are (crmkit.fields.Day): year 0 is no date at all.
MONTH_PATTERN = r"^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])$"


class TargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: uuid.UUID
    month: str = Field(pattern=MONTH_PATTERN, description="YYYY-MM, in the tenant's time zone")
    amount: Annotated[Decimal, BahtAmount("The month's target in THB, to the satang")]


class TargetOut(BaseModel):
    user_id: uuid.UUID
    month: str
    amount: Decimal

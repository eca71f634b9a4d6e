from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.money import BahtAmount
from crmkit.text import Text


class QualifyIn(BaseModel):
    """The answers that qualify a lead; each qualification is kept in the lead's history
    (a later one beside the earlier, nothing rewritten)."""

    model_config = ConfigDict(extra="forbid")

    need: Annotated[str, Text(2000)] = Field(description="What the customer needs, and "
                                                         "whether it fits what we sell")
    budget: Annotated[Decimal, BahtAmount("The customer's budget in THB")] | None = None
    timeframe: Annotated[str, Text(200)] | None = Field(
        None, description="How soon they mean to buy, in your words (e.g. \"ภายใน 3 เดือน\")")
    score: int | None = Field(None, ge=0, le=100, description="Your score, 0–100")

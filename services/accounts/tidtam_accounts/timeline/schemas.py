from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class EntryOut(BaseModel):
    id: uuid.UUID
    account_id: uuid.UUID
    lead_id: uuid.UUID | None
    kind: str = Field(description="lead_created, lead_stage_changed, lead_lost, lead_junked, "
                                  "lead_restored, lead_sent, lead_transferred, followup, "
                                  "lead_converted; activity_created, activity_completed, "
                                  "activity_cancelled, checkin; quote_sent (a quotation "
                                  "emailed to the customer: number, to, cc, grand_total); "
                                  "deal_created, deal_updated, deal_stage_changed, deal_won, "
                                  "deal_lost, deal_reopened (the deal now and its `changes`: "
                                  "field → [before, after])")
    at: datetime
    summary: dict[str, Any] = Field(description=(
        "The lead as the event told it (name, box, stage_id, …) and what changed; an "
        "activity's id, kind, subject, status, times and result; a check-in's id, user_id, "
        "place_name, distance_m; a deal's deal_id, name, status, amount, stage_id, "
        "owner_id, expected_close, probability, …, by_user_id and changes"))


class TimelinePage(BaseModel):
    items: list[EntryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")

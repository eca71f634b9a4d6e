from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel

from crmkit.events import event_data

from ..leads.events import LeadData


class FollowupData(BaseModel):
    id: int
    channel: str
    note: str
    next_contact_at: datetime | None = None
    author_id: uuid.UUID
    created_at: datetime


@event_data("lead.followup_logged")
class LeadFollowupLoggedV1(LeadData):
    followup: FollowupData

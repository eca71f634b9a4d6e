from __future__ import annotations

import uuid

from crmkit.events import event_data

from ..leads.events import LeadData


@event_data("lead.sent")
class LeadSentV1(LeadData):
    from_user_id: uuid.UUID
    to_user_id: uuid.UUID
    from_status: str
    # The sender's message; `note` stays the lead's own note, as in every lead event.
    send_note: str | None = None


@event_data("lead.lost")
class LeadLostV1(LeadData):
    from_status: str


@event_data("lead.junked")
class LeadJunkedV1(LeadData):
    from_status: str


@event_data("lead.restored")
class LeadRestoredV1(LeadData):
    from_status: str


@event_data("lead.stage_changed")
class LeadStageChangedV1(LeadData):
    from_pipeline_id: uuid.UUID
    from_stage_id: uuid.UUID
    to_pipeline_id: uuid.UUID
    to_stage_id: uuid.UUID

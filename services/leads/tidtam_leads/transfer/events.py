from __future__ import annotations

import uuid

from crmkit.events import event_data

from ..leads.events import LeadData


@event_data("lead.transferred")
class LeadTransferredV1(LeadData):
    from_user_id: uuid.UUID
    to_user_id: uuid.UUID

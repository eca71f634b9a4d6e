"""Messages about leads: sent to a user, assigned to a user (`lead.assigned`, by a person
or a queue), transferred (once per
transfer, with the count)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on
from tidtam_contracts.leads import Lead, LeadAssignedV1, LeadSentV2, LeadTransferredV2

from .deliver import deliver
from .kinds import Message, kind

LEAD_SENT = kind("lead_sent")
LEAD_ASSIGNED = kind("lead_assigned")
LEADS_TRANSFERRED = kind("leads_transferred", gathers=True)


def _lead(lead: Lead) -> dict[str, Any]:
    return {"lead_id": str(lead.id), "lead_name": lead.name, "company": lead.company}


def _link(lead: Lead) -> str:
    return f"#/leads/{lead.id}"


async def lead_sent(session: AsyncSession, event: Delivery[LeadSentV2]) -> None:
    lead = event.data
    message = Message(LEAD_SENT, lead.to_user_id, event.id, _link(lead),
                      {**_lead(lead), "send_note": lead.send_note})
    await deliver(session, event.tenant, uuid.UUID(event.id), [message],
                  {"by_name": lead.from_user_id})


async def lead_assigned(session: AsyncSession, event: Delivery[LeadAssignedV1]) -> None:
    """By a person (a lead made for someone, an owner changed) or by a queue (`queue_name`
    says which). Not for one's own lead: a queue giving the maker their own new lead, say."""
    lead = event.data
    if lead.by_user_id is not None and lead.by_user_id == lead.owner_id:
        return
    params = {**_lead(lead), "queue_name": lead.queue_name}
    message = Message(LEAD_ASSIGNED, lead.owner_id, event.id, _link(lead), params)
    # A queue's choice names the queue, not the maker (whom the template would name).
    by = None if lead.queue_id else lead.by_user_id
    await deliver(session, event.tenant, uuid.UUID(event.id), [message], {"by_name": by})


async def lead_transferred(session: AsyncSession, event: Delivery[LeadTransferredV2]) -> None:
    """A transfer moves many leads in one request, one event each: they share the
    request's correlation id, which makes them one message."""
    lead = event.data
    batch = event.envelope.correlationid or event.id
    message = Message(LEADS_TRANSFERRED, lead.to_user_id,
                      f"{lead.from_user_id}:{batch}", "#/leads", {})
    await deliver(session, event.tenant, uuid.UUID(event.id), [message],
                  {"from_name": lead.from_user_id})


HANDLERS: list[Handler[Any]] = [
    on(LeadSentV2, lead_sent), on(LeadAssignedV1, lead_assigned),
    on(LeadTransferredV2, lead_transferred),
]

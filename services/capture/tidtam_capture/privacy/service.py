"""Data-subject requests (PDPA) in the capture service. It keeps no person in its tables
(submissions, LINE and email deliveries are ids and hashes) but for a while: the LINE events
the webhook kept that wait for their profile fetch (`line_events.payload`: the user id and
the message text, cleared once the event is a `lead.captured`). Those are found by the LINE
user id, or by an email or phone written in the message; erase clears the payload, so the
waiting event then makes nothing. The person's details are otherwise in the `lead.captured`
events it staged, which it finds in its outbox by their email, phone or LINE id. Erase: the
published ones are purged (crmkit.privacy) with the stored answers that held the details."""

from __future__ import annotations

import re
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.privacy import Part, Person, outbox_data, privacy_handlers, privacy_router, rows
from tidtam_contracts.capture import LeadCapturedV1

from ..config import SERVICE
from ..contracts import EVENTS

_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@[^\s@<>()\[\],;:\"']+\.[^\s@<>()\[\],;:\"']+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,18}\d")


def _line_event_theirs(person: Person, payload: dict[str, Any]) -> bool:
    """A waiting LINE event is the person's by its user id, or by an email or a phone
    number in its message text."""
    text = payload.get("text")
    text = text if isinstance(text, str) else ""
    phones = _PHONE.findall(text)  # a number, or numbers one space apart: each one too
    return person.any(line_ids=[payload.get("user_id")], emails=_EMAIL.findall(text),
                      phones=[*phones, *(p for found in phones for p in found.split())])


async def find(session: AsyncSession, tenant: TenantId, person: Person, erase: bool) -> Part:
    part = Part()
    waiting = [e for e in await rows(
        session, "SELECT webhook_event_id, received_at, payload FROM line_events "
                 "WHERE payload IS NOT NULL")
        if isinstance(e["payload"], dict) and _line_event_theirs(person, e["payload"])]
    part.add("line_events", waiting, id_key=None)
    for event in waiting:
        part.remember(event["payload"].get("user_id"))
    if erase and waiting:
        await session.execute(
            sa.text("UPDATE line_events SET payload = NULL WHERE webhook_event_id = ANY(:ids)"),
            {"ids": [e["webhook_event_id"] for e in waiting]})
    theirs = [(subject, data) for _, subject, data in
              await outbox_data(session, [LeadCapturedV1.TYPE])
              if person.any(emails=[data.get("email")], phones=[data.get("phone")],
                            line_ids=[data.get("line_id")])]
    part.add("submissions", [data for _, data in theirs], id_key=None,
             texts=("name", "phone", "email", "line_id", "company"))
    part.subjects.update(uuid.UUID(subject) for subject, _ in theirs if subject)
    return part


HANDLERS = privacy_handlers(EVENTS, find)
ROUTER = privacy_router(SERVICE, find)

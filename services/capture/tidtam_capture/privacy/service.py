"""Data-subject requests (PDPA) in the capture service. It keeps no person in its tables
(submissions, LINE and email deliveries are ids and hashes); the person's details are in the
`lead.captured` events it staged, which it finds in its outbox by their email, phone or LINE
id. Erase: the published ones are purged (crmkit.privacy) with the stored answers that held
the details."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.privacy import Part, Person, outbox_data, privacy_handlers, privacy_router
from tidtam_contracts.capture import LeadCapturedV1

from ..config import SERVICE
from ..contracts import EVENTS


async def find(session: AsyncSession, tenant: TenantId, person: Person, erase: bool) -> Part:
    part = Part()
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

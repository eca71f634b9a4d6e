"""Data-subject requests (PDPA) in the activities service, on `privacy.resolved`: the
activities on the person's leads, accounts and contacts, their check-ins, the anniversaries
of those records and the names this service keeps of them.

Erase: an activity's subject becomes `(erased)`, its note, result and place go; check-ins
lose their note; anniversaries their name and note; the lead and account names kept here
become `(erased)` (lead.updated / account.updated would bring the same)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.privacy import ERASED, Part, Person, privacy_handlers, privacy_router, rows

from ..config import SERVICE
from ..contracts import EVENTS

_LINKED = "(lead_id = ANY(:ids) OR account_id = ANY(:ids) OR contact_id = ANY(:ids))"


async def find(session: AsyncSession, tenant: TenantId, person: Person, erase: bool) -> Part:
    ids = sorted(person.subjects)
    part = Part()
    activities = await rows(session, "SELECT id, kind, subject, note, lead_id, account_id, "
                                     "contact_id, starts_at, ends_at, due_at, place, status, "
                                     f"result, created_at FROM activities WHERE {_LINKED} "
                                     "ORDER BY created_at", ids=ids)
    part.add("activities", activities, texts=("subject",))
    acts = [a["id"] for a in activities]
    checkins = await rows(session, "SELECT id, account_id, activity_id, place_name, note, "
                                   "taken_at FROM checkins WHERE activity_id = ANY(:acts) "
                                   "OR account_id = ANY(:ids)", acts=acts, ids=ids)
    part.add("checkins", checkins)
    anniversaries = await rows(session, "SELECT account_id, contact_id, kind, date, name, note "
                                        "FROM anniversaries WHERE account_id = ANY(:ids) "
                                        "OR contact_id = ANY(:ids)", ids=ids)
    part.add("anniversaries", anniversaries, id_key=None)
    names = await rows(session, "SELECT id, name FROM lead_records WHERE id = ANY(:ids) "
                                "UNION ALL SELECT id, name FROM account_records "
                                "WHERE id = ANY(:ids)", ids=ids)
    part.add("names", names, texts=("name",))
    if erase:
        for sql in (f"UPDATE activities SET subject = '{ERASED}', note = NULL, result = NULL, "
                    f"place = NULL WHERE {_LINKED}",
                    "UPDATE checkins SET note = NULL WHERE activity_id = ANY(:acts) "
                    "OR account_id = ANY(:ids)",
                    "UPDATE anniversaries SET name = NULL, note = NULL "
                    "WHERE account_id = ANY(:ids) OR contact_id = ANY(:ids)",
                    f"UPDATE lead_records SET name = '{ERASED}' WHERE id = ANY(:ids)",
                    f"UPDATE account_records SET name = '{ERASED}' WHERE id = ANY(:ids) "
                    "AND name IS NOT NULL"):
            await session.execute(sa.text(sql), {"ids": ids, "acts": acts})
    return part


HANDLERS = privacy_handlers(EVENTS, find, resolved=True)
ROUTER = privacy_router(SERVICE, find)

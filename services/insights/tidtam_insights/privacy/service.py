"""Data-subject requests (PDPA) in the insights service, on `privacy.resolved`. It keeps
no personal data: its facts are ids, sources, amounts, stages and days, and it publishes no
events. It answers with the facts of the person's records it counts (they stay: counts
name no one) and, for an export, those facts."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.privacy import Part, Person, privacy_handlers, privacy_router, rows

from ..config import SERVICE
from ..contracts import EVENTS


async def find(session: AsyncSession, tenant: TenantId, person: Person, erase: bool) -> Part:
    ids = sorted(person.subjects)
    part = Part()
    part.add("lead_facts", await rows(
        session, "SELECT id, source, created_at, qualified, converted FROM lead_facts "
                 "WHERE id = ANY(:ids)", ids=ids), id_key=None)
    part.add("deal_facts", await rows(
        session, "SELECT id, lead_id, status, amount, created_at FROM deal_facts "
                 "WHERE lead_id = ANY(:ids)", ids=ids), id_key=None)
    return part


HANDLERS = privacy_handlers(EVENTS, find, resolved=True, purge=False)
ROUTER = privacy_router(SERVICE, find)

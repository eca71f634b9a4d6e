"""Data-subject requests (PDPA) in the leads service: the person's leads (matched by email,
phone or LINE id), their follow-up log and history, and the consent recorded on them.

Erase: each lead's name becomes `(erased)`, phone, email, company, note, custom values and
LINE id are emptied, the consent keeps the text shown, its version, time, channel and
marketing answer but not the client address; every history entry of those leads loses its
note and any text in its detail, and a deal made from them its name and its log's texts
(`history_erase`, the one way past the logs' append-only triggers). Each erased lead
publishes `lead.updated` with the anonymised lead, so other services' projections
(activities' and documents' lead names) follow."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.privacy import ERASED, Part, Person, privacy_handlers, privacy_router, rows
from tidtam_contracts.leads import LeadUpdatedV2

from ..config import SERVICE
from ..contracts import EVENTS
from ..leads import repository
from ..leads.events import stage_lead_event

_ERASED_FIELDS = ["name", "phone", "email", "company", "note", "custom"]
# The consent's proof stays (the text shown is the tenant's, not the person's); the client
# address goes.
_CONSENT_KEPT = ("text", "version", "language", "given_at", "channel", "marketing")


async def find(session: AsyncSession, tenant: TenantId, person: Person, erase: bool) -> Part:
    candidates = await rows(session, "SELECT id, email, phone, line_id FROM leads "
                                     "WHERE email <> '' OR phone <> '' OR line_id IS NOT NULL")
    ids = [r["id"] for r in candidates
           if person.any(emails=[r["email"]], phones=[r["phone"]], line_ids=[r["line_id"]])]
    part = Part()
    leads = await rows(session, "SELECT id, name, phone, email, company, note, source, "
                                "status AS box, custom, consent, line_id, account_id, "
                                "contact_id, created_at, updated_at FROM leads "
                                "WHERE id = ANY(:ids) ORDER BY created_at", ids=ids)
    part.add("leads", leads, texts=("name", "phone", "email", "company", "line_id"))
    history = await rows(session, "SELECT id, lead_id, kind, channel, note, detail, "
                                  "next_contact_at, created_at FROM lead_history "
                                  "WHERE lead_id = ANY(:ids) ORDER BY lead_id, id", ids=ids)
    part.add("follow_ups", [h for h in history if h["kind"] == "followup"], id_key=None)
    part.add("history", [h for h in history if h["kind"] != "followup"], id_key=None)
    deals = await rows(session, "SELECT id, name, lead_id, account_id, contact_id, status, "
                                "amount, created_at FROM deals WHERE lead_id = ANY(:ids)",
                       ids=ids)
    part.add("deals", deals)
    part.found["consents"] = sum(1 for lead in leads if lead["consent"])
    part.data["consents"] = [{"lead_id": str(lead["id"]), **lead["consent"]}
                             for lead in leads if lead["consent"]]
    if erase and ids:
        await _erase(session, tenant, leads, [d["id"] for d in deals])
    return part


async def _erase(session: AsyncSession, tenant: TenantId, leads: list[dict[str, Any]],
                 deal_ids: list[uuid.UUID]) -> None:
    for lead in leads:
        consent = ({**{k: v for k, v in lead["consent"].items() if k in _CONSENT_KEPT},
                    "client_address": None} if lead["consent"] else None)
        changed = [f for f in _ERASED_FIELDS if lead[f] not in (None, "", {}, ERASED)]
        row = await repository.update(session, tenant, lead["id"], {
            "name": ERASED, "phone": "", "email": "", "company": None, "note": None,
            "custom": {}, "line_id": None, "consent": consent})
        await stage_lead_event(session, tenant, LeadUpdatedV2, row,
                               changed=changed or ["name"], by_user_id=None)
    # A deal made from the lead is named after them: the name and its log's texts go.
    await session.execute(sa.text(f"UPDATE deals SET name = '{ERASED}' WHERE id = ANY(:ids)"),
                          {"ids": deal_ids})
    await session.execute(sa.text("SELECT history_erase(:leads, :deals)"),
                          {"leads": [uuid.UUID(str(lead["id"])) for lead in leads],
                           "deals": deal_ids})


# Tombstones: a `lead.captured` staged before the erase and consumed after it makes no
# lead (leads/captured.py; migration 0022).
HANDLERS = privacy_handlers(EVENTS, find, tombstones=True)
ROUTER = privacy_router(SERVICE, find)

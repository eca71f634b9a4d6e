"""Data-subject requests (PDPA) in the notifications service, on `privacy.resolved`: the
emails sent to the person (by their address) or about their records (by the records' ids in
the email's details), the in-app notices about those records, and the events the feed and
the webhook deliveries keep about them (an id of theirs in the event, or a captured lead
with their email, phone or LINE id).

Erase: emails and notices keep their kind, time and status, but the address becomes
`(erased)`, the subject or title `(erased)`, the details only ids and numbers, and the
attachments (a sent quote's PDF) go; feed events and webhook bodies keep their envelope
(id, type, subject, time) with `data` replaced by `{"erased": true}`."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId
from crmkit.privacy import (
    ERASED,
    Part,
    Person,
    privacy_handlers,
    privacy_router,
    rows,
    sql_keep_safe,
)
from tidtam_contracts.capture import LeadCapturedV1

from ..config import SERVICE
from ..contracts import EVENTS

_HOLDS_ID = ("EXISTS (SELECT 1 FROM unnest(CAST(:ids AS text[])) i "
             "WHERE strpos({col}::text, i) > 0)")


def _captured_theirs(person: Person, event: dict[str, Any]) -> bool:
    if event.get("type") != LeadCapturedV1.TYPE:
        return False
    data = event.get("data") or {}
    return person.any(emails=[data.get("email")], phones=[data.get("phone")],
                      line_ids=[data.get("line_id")])


async def find(session: AsyncSession, tenant: TenantId, person: Person, erase: bool) -> Part:
    ids = [str(i) for i in sorted(person.subjects)]
    part = Part()
    emails = [e for e in await rows(
        session, "SELECT id, kind, to_address, subject, params, status, created_at, sent_at "
                 f"FROM emails WHERE to_address <> '' OR {_HOLDS_ID.format(col='params')}",
        ids=ids)
        if person.email(e["to_address"]) or any(i in json.dumps(e["params"]) for i in ids)]
    part.add("emails", emails, texts=("to_address",))
    notices = await rows(session, "SELECT id, recipient_id, kind, title, params, created_at "
                                  f"FROM notices WHERE {_HOLDS_ID.format(col='params')}",
                         ids=ids)
    part.add("notices", notices)
    feed = [f for f in await rows(
        session, "SELECT seq, event_id, type, event FROM feed_events WHERE "
                 f"{_HOLDS_ID.format(col='event')} OR type = :captured",
        ids=ids, captured=LeadCapturedV1.TYPE)
        if _captured_theirs(person, f["event"]) or any(i in json.dumps(f["event"]) for i in ids)]
    part.add("event_feed", [f["event"] for f in feed], id_key=None)
    event_ids = [f["event_id"] for f in feed]
    if erase:
        erased = json.dumps({"erased": True})
        for sql in (f"UPDATE emails SET to_address = '{ERASED}', subject = '{ERASED}', "
                    f"params = {sql_keep_safe('params')} WHERE id = ANY(:emails)",
                    "DELETE FROM email_attachments WHERE email_id = ANY(:emails)",
                    f"UPDATE notices SET title = '{ERASED}', params = {sql_keep_safe('params')}"
                    " WHERE id = ANY(:notices)",
                    "UPDATE feed_events SET event = jsonb_set(event, '{data}', "
                    "CAST(:erased AS jsonb)) WHERE event_id = ANY(:events)",
                    "UPDATE webhook_deliveries SET body = jsonb_set(CAST(body AS jsonb), "
                    "'{data}', CAST(:erased AS jsonb))::text WHERE event_id = ANY(:events)"):
            await session.execute(sa.text(sql), {
                "emails": [e["id"] for e in emails], "notices": [n["id"] for n in notices],
                "events": event_ids, "erased": erased})
    return part


HANDLERS = privacy_handlers(EVENTS, find, resolved=True)
ROUTER = privacy_router(SERVICE, find)

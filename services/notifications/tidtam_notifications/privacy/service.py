"""Data-subject requests (PDPA) in the notifications service, on `privacy.resolved`: the
emails sent to the person (by their address) or about their records (by the records' ids in
the email's details), the in-app notices about those records, and the events the feed and
the webhook deliveries keep about them (an id of theirs in the event, or a captured lead
with their email, phone or LINE id).

Erase: emails and notices keep their kind, time and status, but the address becomes
`(erased)`, the subject or title `(erased)`, the details only ids and numbers, the last
delivery error (a mail server's answer may quote the address) goes, and the attachments (a
sent quote's PDF) go; feed events and webhook bodies keep their envelope (id, type, subject,
time) with `data` replaced by `{"erased": true}`.

The mail log also names people in mails that hold none of their records' ids: a day's agenda
(each item's title: "call <name>"), an activity's reminder (its subject), a delivery error.
So the person's values found above (their address, the names, phones, emails and LINE ids in
their records' feed events and in the details of the mails and notices about them) are then
looked for in every other email's subject, details and error and every notice's title and
details; where one is, that value becomes `(erased)` and the rest stays (an agenda keeps the
other items). An export counts those (`emails_naming`, `notices_naming`) without their
details, which are about other people too."""

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

# Keys of records' data (feed events, mail and notice details) whose values name the person.
_PERSONAL_KEYS = ("name", "name_en", "lead_name", "contact_name", "customer_name", "phone",
                  "phones", "email", "emails", "to", "to_address", "line_id")
_HOLDS_TEXT = ("EXISTS (SELECT 1 FROM unnest(CAST(:texts AS text[])) t "
               "WHERE strpos({col}, t) > 0)")
_HOLDS_ID = ("EXISTS (SELECT 1 FROM unnest(CAST(:ids AS text[])) i "
             "WHERE strpos({col}::text, i) > 0)")


def _captured_theirs(person: Person, event: dict[str, Any]) -> bool:
    if event.get("type") != LeadCapturedV1.TYPE:
        return False
    data = event.get("data") or {}
    return person.any(emails=[data.get("email")], phones=[data.get("phone")],
                      line_ids=[data.get("line_id")])


def _personal_values(part: Part, data: object) -> None:
    """Remember the values of `data`'s personal keys (at any depth)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _PERSONAL_KEYS:
                part.remember(value)
            else:
                _personal_values(part, value)
    elif isinstance(data, list):
        for value in data:
            _personal_values(part, value)


async def _naming(session: AsyncSession, part: Part, erase: bool,
                  found: dict[str, list[Any]]) -> None:
    """The emails and notices not found by address or id that name the person (one of
    `part.texts`, or its JSON-escaped form in the details); on erase, that value is replaced
    by `(erased)` wherever it is."""
    # Not a value shorter than 4 characters: replacing it inside other words would erase
    # more than the person.
    texts = sorted(t for t in part.texts if len(t.strip()) >= 4)
    if not texts:
        return
    escaped = [json.dumps(t, ensure_ascii=False)[1:-1] for t in texts]
    for kind, table, columns in (("emails_naming", "emails", ("subject", "last_error")),
                                 ("notices_naming", "notices", ("title",))):
        holds = " OR ".join([_HOLDS_TEXT.format(col=f"coalesce({c}, '')") for c in columns]
                            + [_HOLDS_TEXT.format(col="params::text").replace(
                                ":texts", ":escaped")])
        naming = await rows(session, f"SELECT id, kind, created_at FROM {table} WHERE "
                                     f"NOT (id = ANY(:skip)) AND ({holds})",
                            texts=texts, escaped=escaped, skip=found[table])
        part.add(kind, naming, id_key=None)
        if not (erase and naming):
            continue
        for text, esc in zip(texts, escaped, strict=True):
            sets = ", ".join([f"{c} = replace({c}, :text, '{ERASED}')" for c in columns]
                             + [f"params = CAST(replace(params::text, :esc, '{ERASED}') "
                                "AS jsonb)"])
            await session.execute(sa.text(f"UPDATE {table} SET {sets} WHERE id = ANY(:ids)"),
                                  {"text": text, "esc": esc,
                                   "ids": [n["id"] for n in naming]})


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
    for record in (*emails, *notices):
        _personal_values(part, record["params"])
    for f in feed:
        _personal_values(part, (f["event"] or {}).get("data"))
    await _naming(session, part, erase, {"emails": [e["id"] for e in emails],
                                         "notices": [n["id"] for n in notices]})
    if erase:
        erased = json.dumps({"erased": True})
        for sql in (f"UPDATE emails SET to_address = '{ERASED}', subject = '{ERASED}', "
                    f"params = {sql_keep_safe('params')}, last_error = NULL "
                    "WHERE id = ANY(:emails)",
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

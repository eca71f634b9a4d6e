"""PDPA erase in the notifications service on a real database and broker (issue 17): the
mail log names people in mails that hold none of their records' ids (a day's agenda, an
activity reminder, a delivery error quoting the address), and an erase must reach those;
an unpublished outbox row holding the person holds the erase until the relay has published
it, then it is purged."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime

import asyncpg
import pytest
from notif_support import SECRET, fetchval

from crmkit.events import CloudEvent
from crmkit.privacy import request_hashes
from crmkit.testing.tenants import pg_dsn

pytestmark = pytest.mark.integration


def _who() -> dict[str, str]:
    tag = uuid.uuid4().hex[:8]
    return {"name": f"คุณลบได้ {tag}", "email": f"pdpa-{tag}@example.co.th"}


async def _insert_email(url: str, tenant, to: str, kind: str, subject: str, params: dict,
                        status: str = "sent", last_error: str | None = None) -> uuid.UUID:
    email_id = uuid.uuid4()
    conn = await asyncpg.connect(pg_dsn(url))
    try:
        await conn.execute(
            "INSERT INTO emails (tenant_id, id, recipient_id, kind, group_key, event_id, "
            "to_address, language, params, subject, status, last_error, next_attempt_at, "
            "created_at, updated_at, sent_at) VALUES ($1, $2, NULL, $3, $4, $5, $6, 'th', "
            "$7::jsonb, $8, $9, $10, now(), now(), now(), now())",
            tenant.id, email_id, kind, f"{kind}:{email_id}", uuid.uuid4(), to,
            json.dumps(params, ensure_ascii=False), subject, status, last_error)
    finally:
        await conn.close()
    return email_id


async def _insert_notice(url: str, tenant, recipient: uuid.UUID, kind: str, title: str,
                         params: dict) -> uuid.UUID:
    notice_id = uuid.uuid4()
    conn = await asyncpg.connect(pg_dsn(url))
    try:
        await conn.execute(
            "INSERT INTO notices (tenant_id, id, recipient_id, kind, group_key, title, link, "
            "params, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, '#/', "
            "$7::jsonb, now(), now())", tenant.id, notice_id, recipient, kind,
            f"{kind}:{notice_id}", title, json.dumps(params, ensure_ascii=False))
    finally:
        await conn.close()
    return notice_id


async def _resolve(gateway_events, tenant, kind: str, who: dict[str, str],
                   subjects: list[uuid.UUID]) -> uuid.UUID:
    request_id = uuid.uuid4()
    hashes = request_hashes(SECRET, email=who["email"], phone=None, line_id=None)
    await gateway_events.publish("privacy.resolved", tenant.id, request_id, {
        "request_id": str(request_id), "kind": kind, **hashes,
        "subjects": [str(s) for s in subjects]}, sequence=2)
    return request_id


async def _answer(url: str, request_id: uuid.UUID, timeout: float = 30) -> dict | None:
    """The service's `privacy.answered` for the request (its outbox row), or None."""
    deadline = time.monotonic() + timeout
    while True:
        raw = await fetchval(url, "SELECT payload->'data' FROM outbox WHERE event_type = "
                                  "'privacy.answered' AND payload->'data'->>'request_id' = $1",
                             str(request_id))
        if raw is not None:
            return json.loads(raw) if isinstance(raw, str) else raw
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(0.2)


async def _texts_holding(url: str, tenant, needles: list[str]) -> list[str]:
    conn = await asyncpg.connect(pg_dsn(url))
    hits = []
    try:
        for table, columns in (("emails", ("to_address", "subject", "params", "last_error")),
                               ("notices", ("title", "params"))):
            for column in columns:
                for needle in needles:
                    if await conn.fetchval(
                            f"SELECT count(*) FROM {table} WHERE tenant_id = $1 AND "
                            f"strpos(CAST({column} AS text), $2) > 0", tenant.id, needle):
                        hits.append(f"{table}.{column} holds {needle!r}")
    finally:
        await conn.close()
    return hits


async def test_an_erase_reaches_mails_and_notices_that_only_name_the_person(
        notif_service, gateway_events, tenant, notif_db):
    url, who, lead_id = notif_db.owner_url, _who(), uuid.uuid4()
    staff = tenant.sales1
    # Found by the lead's id (it gives notifications the person's name) ...
    await _insert_email(url, tenant, staff.email, "lead_assigned", f"ลีดใหม่: {who['name']}",
                        {"lead_id": str(lead_id), "lead_name": who["name"], "company": None})
    # ... by the address, with the mail server's answer quoting it ...
    bounced = await _insert_email(url, tenant, who["email"], "quote_sent", "ใบเสนอราคา QT-1",
                                  {"quote_id": str(uuid.uuid4()), "number": "QT-1"},
                                  status="failed",
                                  last_error=f"550 5.1.1 <{who['email']}>: no such user")
    # ... and those that hold none of the person's ids: a day's agenda naming them among
    # others, an activity reminder, a delivery error of another mail quoting the address.
    agenda = await _insert_email(url, tenant, staff.email, "agenda_daily", "วันนี้ 2 รายการ", {
        "day": "2027-01-10", "total": 2, "items": [
            {"title": f"โทรหา {who['name']}", "time": "10:00", "call": True},
            {"title": "โทรหา คุณคนอื่น", "time": "11:00", "call": True}]})
    other = await _insert_email(url, tenant, staff.email, "lead_sent", "ส่งต่อลีด",
                                {"count": 1}, status="failed",
                                last_error=f"relay refused: cc {who['email']} rejected")
    await _insert_notice(url, tenant, staff.id, "activity_reminder", f"โทรหา {who['name']}",
                         {"activity_id": str(uuid.uuid4()), "subject": f"โทรหา {who['name']}",
                          "minutes": 15})
    untouched = await _insert_notice(url, tenant, staff.id, "activity_reminder",
                                     "โทรหา คุณคนอื่น", {"subject": "โทรหา คุณคนอื่น"})

    export = await _answer(url, await _resolve(gateway_events, tenant, "export", who,
                                               [lead_id]))
    assert export is not None, "no answer to the export"
    assert export["found"]["emails"] == 2
    assert export["found"]["emails_naming"] == 2  # the agenda and the other mail's error
    assert export["found"]["notices_naming"] == 1
    assert await _texts_holding(url, tenant, [who["name"], who["email"]]) != []

    erase = await _answer(url, await _resolve(gateway_events, tenant, "erase", who, [lead_id]))
    assert erase is not None, "no answer to the erase"
    assert await _texts_holding(url, tenant, [who["name"], who["email"]]) == []
    conn = await asyncpg.connect(pg_dsn(url))
    try:
        items = json.loads(await conn.fetchval("SELECT params->'items' FROM emails "
                                               "WHERE id = $1", agenda))
        assert [i["title"] for i in items] == ["โทรหา (erased)", "โทรหา คุณคนอื่น"]
        assert await conn.fetchval("SELECT last_error FROM emails WHERE id = $1",
                                   bounced) is None
        assert await conn.fetchval("SELECT last_error FROM emails WHERE id = $1", other) == \
            "relay refused: cc (erased) rejected"
        assert await conn.fetchval("SELECT title FROM notices WHERE id = $1", untouched) == \
            "โทรหา คุณคนอื่น"
    finally:
        await conn.close()


async def test_an_unpublished_outbox_row_holds_the_erase_until_published(
        notif_service, gateway_events, tenant, notif_db):
    url, who = notif_db.owner_url, _who()
    await _insert_email(url, tenant, who["email"], "quote_sent", "ใบเสนอราคา QT-2",
                        {"number": "QT-2"})
    event = CloudEvent(source="/services/notifications", type="webhook.disabled",
                       subject=str(uuid.uuid4()), tenantid=str(tenant.id), data={
                           "id": str(uuid.uuid4()), "url": "https://hooks.example.co.th/x",
                           "reason": f"410 Gone for {who['email']}", "attempts": 1},
                       time=datetime.now(UTC).isoformat())
    conn = await asyncpg.connect(pg_dsn(url))
    lock = await asyncpg.connect(pg_dsn(url))
    try:
        # A row the relay has not published yet, held so while the erase runs: written as
        # sent (the relay leaves it), then made unsent again in a transaction the test keeps
        # open (its row lock: the purge's DELETE waits for it, then finds the row unsent).
        row_id = await lock.fetchval(
            "INSERT INTO outbox (event_id, event_type, tenant_id, payload, sent_at) VALUES "
            "($1, $2, $3, $4::jsonb, now()) RETURNING id", uuid.UUID(event.id), event.type,
            tenant.id, event.model_dump_json(exclude_none=True))
        tx = lock.transaction()
        await tx.start()
        await lock.execute("UPDATE outbox SET sent_at = NULL WHERE id = $1", row_id)

        request_id = await _resolve(gateway_events, tenant, "erase", who, [])
        assert await _answer(url, request_id, timeout=3) is None
        await tx.commit()  # unsent now: the erase must wait for the relay to publish it
        answer = await _answer(url, request_id, timeout=20)
        assert answer is not None and answer["found"]["emails"] == 1
        # published, then purged by the erase that waited for it
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE id = $1", row_id) == 0
        assert await conn.fetchval("SELECT count(*) FROM outbox WHERE strpos(payload::text, "
                                   "$1) > 0", who["email"]) == 0
    finally:
        await lock.close()
        await conn.close()

"""Data-subject requests (PDPA) across every service, on real servers: a person comes in
through a capture form (with consent), gets follow-ups, an activity, a quote emailed to
them, becomes an account and a contact, and is in the webhook feed; an export's archive
holds their data from every service; after an erase, no text, JSON or byte column of any
service's database (outbox, idempotency answers, event feed and webhook bodies included)
holds their phone, email or name."""

from __future__ import annotations

import asyncio
import io
import json
import time
import uuid
import zipfile

import aio_pika
import asyncpg
import pytest

from crmkit.events import CloudEvent
from crmkit.messaging import ARCHIVE_QUEUE
from crmkit.testing.system import SERVICES

from .conftest import post_until_created, until

pytestmark = pytest.mark.e2e

ORIGIN = "https://shop.example.co.th"
EVERY = sorted(SERVICES)


def _person() -> dict:
    tag = uuid.uuid4().hex[:8]
    digits = f"{int(tag, 16) % 10**8:08d}"
    return {"name": f"คุณลบได้ {tag}", "phone": f"08{digits}", "email": f"pdpa-{tag}@example.co.th",
            "digits": f"8{digits}"}


def _a_person_everywhere(gw, t, who: dict) -> dict:
    admin = t.h("admin")
    r = gw.post("/api/v1/webhooks", headers=admin,
                json={"url": "http://127.0.0.2:9/hook", "events": ["lead.*", "contact.*"]})
    assert r.status_code == 201, r.text
    r = post_until_created(gw, "/api/v1/capture/forms", admin, {
        "name": "ติดต่อเรา", "source": "website", "allowed_origins": [ORIGIN],
        "fields": [{"key": "name", "label_th": "ชื่อ", "label_en": "Name", "required": True},
                   {"key": "phone", "label_th": "โทร", "label_en": "Phone"},
                   {"key": "email", "label_th": "อีเมล", "label_en": "Email"}],
        "consent_th": "ข้าพเจ้ายินยอม", "consent_en": "I agree", "consent_version": "1"})
    assert r.status_code == 201, r.text
    r = gw.post(f"/capture/forms/{r.json()['public_key']}", headers={"Origin": ORIGIN}, json={
        "name": who["name"], "phone": who["phone"], "email": who["email"], "consent": True,
        "consent_language": "th", "marketing": True})
    assert r.status_code == 202, r.text
    lead = until(lambda: gw.get("/api/v1/leads", headers=admin, params={"q": who["email"]}),
                 lambda j: len(j["items"]) == 1)["items"][0]
    assert lead["consent"]["version"] == "1"
    lid = lead["id"]
    r = gw.post(f"/api/v1/leads/{lid}/followups", headers=admin,
                json={"channel": "phone", "note": f"โทรคุยกับ {who['name']} แล้ว สนใจมาก"})
    assert r.status_code == 201, r.text
    r = post_until_created(gw, "/api/v1/activities", admin, {
        "kind": "call", "subject": f"โทรหา {who['name']}", "note": f"อีเมล {who['email']}",
        "lead_id": lid, "due_at": "2027-01-10T10:00:00+07:00"})
    assert r.status_code == 201, r.text
    q = post_until_created(gw, "/api/v1/quotes", admin, {
        "lead_id": lid, "lines": [{"description": "ค่าบริการ", "quantity": 1,
                                   "unit_price": 1000}]})
    assert q.status_code == 201, q.text
    # Rendering the PDF may outlast the gateway's wait on a loaded machine: the same key
    # again until it is answered.
    key, deadline = str(uuid.uuid4()), time.monotonic() + 180
    while True:
        r = gw.post(f"/api/v1/quotes/{q.json()['id']}/send", headers={
            **admin, "Idempotency-Key": key}, json={"to": who["email"], "language": "th"})
        if r.status_code not in (409, 504) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert r.status_code == 200, r.text
    r = gw.post(f"/api/v1/leads/{lid}/convert", headers=admin, json={"account": {}})
    assert r.status_code == 202, r.text
    return until(lambda: gw.get(f"/api/v1/leads/{lid}", headers=admin),
                 lambda j: j["conversion_status"] == "converted", timeout=60)


def _request(gw, t, kind: str, who: dict) -> dict:
    r = gw.post("/api/v1/privacy/requests", headers={**t.h("admin"),
                                                     "Idempotency-Key": str(uuid.uuid4())},
                json={"kind": kind, "email": who["email"], "phone": who["phone"]})
    assert r.status_code == 201, r.text
    assert r.json()["keys"] == ["email", "phone"] and r.json()["status"] == "pending"
    assert sorted(s["service"] for s in r.json()["services"]) == EVERY
    return until(lambda: gw.get(f"/api/v1/privacy/requests/{r.json()['id']}",
                                headers=t.h("admin")),
                 lambda j: j["status"] == "done", timeout=90)


async def _mail_and_feed(system, who: dict) -> None:
    """The quote's email and the feed's entries exist before the requests (they are what
    the notifications service must find)."""
    url = system.db_url("notifications", owner=True).replace("postgresql+asyncpg", "postgresql")
    deadline = time.monotonic() + 60
    while True:
        conn = await asyncpg.connect(url)
        try:
            mails = await conn.fetchval("SELECT count(*) FROM emails WHERE to_address = $1",
                                        who["email"])
            feed = await conn.fetchval("SELECT count(*) FROM feed_events WHERE "
                                       "strpos(event::text, $1) > 0", who["email"])
        finally:
            await conn.close()
        if mails and feed:
            return
        assert time.monotonic() < deadline, (mails, feed)
        await asyncio.sleep(0.3)


async def _holding(system, needles: list[str]) -> list[str]:
    """Every (database, table, column) whose value holds one of `needles`."""
    hits = []
    for service in (*SERVICES, "gateway"):
        url = system.db_url(service, owner=True).replace("postgresql+asyncpg", "postgresql")
        conn = await asyncpg.connect(url)
        try:
            columns = await conn.fetch(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', "
                "'json', 'jsonb', 'ARRAY', 'bytea') AND table_name <> 'alembic_version'")
            for table, column, kind in columns:
                value = (f'"{column}"' if kind == "bytea"
                         else f'CAST("{column}" AS text)')
                for needle in needles:
                    probe = ("position(convert_to($1, 'UTF8') IN " + value + ") > 0"
                             if kind == "bytea" else f"strpos({value}, $1) > 0")
                    if await conn.fetchval(f'SELECT count(*) FROM "{table}" WHERE {probe}',
                                           needle):
                        hits.append(f"{service}.{table}.{column} holds {needle!r}")
        finally:
            await conn.close()
    return hits


DEAD_LETTERS = "activities.projections.dlq"


async def _leftovers(system, t, who: dict, lead_id: str) -> str:
    """What issue 17 found the erase missed, put where each service keeps it: a LINE event
    the webhook kept that waits for its profile fetch (the person's number in the message),
    a delivered agenda mail naming them among others (none of their ids in it), and an event
    about their lead that went to a dead-letter queue. Returns the LINE event's id."""
    event_id = uuid.uuid4().hex
    capture = await asyncpg.connect(system.db_url("capture", owner=True).replace(
        "postgresql+asyncpg", "postgresql"))
    try:
        await capture.execute(
            "INSERT INTO line_events (tenant_id, webhook_event_id, received_at, payload) "
            "VALUES ($1, $2, now(), $3::jsonb)", uuid.UUID(t.id), event_id, json.dumps({
                "type": "message", "user_id": "U" + uuid.uuid4().hex,
                "text": f"ติดต่อกลับที่ {who['phone']} นะคะ"}, ensure_ascii=False))
    finally:
        await capture.close()
    notifications = await asyncpg.connect(system.db_url("notifications", owner=True).replace(
        "postgresql+asyncpg", "postgresql"))
    try:
        await notifications.execute(
            "INSERT INTO emails (tenant_id, id, kind, group_key, event_id, to_address, "
            "language, params, subject, status, next_attempt_at, created_at, updated_at, "
            "sent_at) VALUES ($1, $2, 'agenda_daily', $3, $4, 'sales@example.co.th', 'th', "
            "$5::jsonb, 'วันนี้ 2 รายการ', 'sent', now(), now(), now(), now())",
            uuid.UUID(t.id), uuid.uuid4(), f"agenda:{uuid.uuid4()}", uuid.uuid4(), json.dumps({
                "day": "2027-01-10", "total": 2, "items": [
                    {"title": f"โทรหา {who['name']}", "time": "10:00", "call": True},
                    {"title": "ประชุมทีม", "time": "13:00", "call": False}]},
                ensure_ascii=False))
    finally:
        await notifications.close()
    dead = CloudEvent(source="/services/leads", type="lead.updated", subject=lead_id,
                      tenantid=t.id, data={"id": lead_id, "name": who["name"],
                                           "email": who["email"]})
    conn = await aio_pika.connect(system.amqp_url)
    try:
        channel = await conn.channel(publisher_confirms=True)
        await channel.declare_queue(DEAD_LETTERS, passive=True)
        await channel.default_exchange.publish(
            aio_pika.Message(dead.to_bytes(), message_id=dead.id), routing_key=DEAD_LETTERS)
    finally:
        await conn.close()
    return event_id


async def _archived_holding(system, needles: list[str], queue_name: str = ARCHIVE_QUEUE
                            ) -> list[str]:
    """The archive queue's (or another queue's) events holding one of `needles` (read and
    handed back)."""
    conn = await aio_pika.connect(system.amqp_url)
    hits = []
    try:
        channel = await conn.channel()
        queue = await channel.declare_queue(queue_name, passive=True)
        for _ in range(queue.declaration_result.message_count or 0):
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            text = message.body.decode()
            hits += [f"{json.loads(text)['type']} holds {n!r}" for n in needles
                     if n in text or json.dumps(n)[1:-1] in text]
        await channel.close()
    finally:
        await conn.close()
    return hits


@pytest.mark.timeout(900)  # the whole system's start-up on a loaded machine, then the walk
async def test_export_then_erase_across_every_service(gw, system, make_tenant):
    t, who = make_tenant(), _person()
    lead = _a_person_everywhere(gw, t, who)
    await _mail_and_feed(system, who)
    await _leftovers(system, t, who, lead["id"])
    assert await _archived_holding(system, [who["email"]], DEAD_LETTERS) != []

    export = _request(gw, t, "export", who)
    by_service = {s["service"]: s for s in export["services"]}
    assert by_service["leads"]["found"]["leads"] == 1
    assert by_service["leads"]["found"]["follow_ups"] >= 1
    assert by_service["accounts"]["found"]["person_accounts"] == 1
    assert by_service["accounts"]["found"]["contacts"] == 1
    assert by_service["activities"]["found"]["activities"] == 1
    assert by_service["documents"]["found"]["quotes"] == 1
    assert by_service["notifications"]["found"]["emails"] >= 1
    assert by_service["notifications"]["found"]["event_feed"] >= 1
    assert by_service["capture"]["found"]["submissions"] == 1
    assert by_service["capture"]["found"]["line_events"] == 1
    assert by_service["notifications"]["found"]["emails_naming"] == 1
    r = gw.get(export["archive_url"], headers=t.h("admin"))
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as z:
        person = json.loads(z.read("person.json"))
        assert z.read("person.xlsx")[:2] == b"PK"
    parts = person["services"]
    assert sorted(parts) == EVERY
    for service in EVERY:
        assert who["email"] in json.dumps(parts[service], ensure_ascii=False) \
            or lead["id"] in json.dumps(parts[service]), service
    assert parts["leads"]["leads"][0]["name"] == who["name"]
    assert parts["capture"]["submissions"][0]["consent"]["version"] == "1"
    # An erase request's archive does not exist; a pending one is 409 too.
    erase = _request(gw, t, "erase", who)
    r = gw.get(f"/api/v1/privacy/requests/{erase['id']}/archive", headers=t.h("admin"))
    assert r.status_code == 409
    assert all(not s["kept"] for s in erase["services"]), erase  # no tax invoice was issued
    assert gw.get(f"/api/v1/leads/{lead['id']}", headers=t.h("admin")).json()["name"] == \
        "(erased)"
    # The erase's own events are published and applied everywhere before the search.
    await asyncio.sleep(5)
    needles = [who["digits"], who["email"], who["name"]]
    assert await _holding(system, needles) == []
    assert await _archived_holding(system, needles) == []
    assert await _archived_holding(system, needles, DEAD_LETTERS) == []
    listed = gw.get("/api/v1/privacy/requests", headers=t.h("admin")).json()["items"]
    assert [i["kind"] for i in listed] == ["erase", "export"]


def test_bad_requests(gw, make_tenant):
    t = make_tenant()
    r = gw.post("/api/v1/privacy/requests", headers=t.h("admin"), json={"kind": "erase"})
    assert r.status_code == 422
    r = gw.post("/api/v1/privacy/requests", headers=t.h("admin"),
                json={"kind": "erase", "phone": "not a phone"})
    assert r.status_code == 422
    r = gw.get(f"/api/v1/privacy/requests/{uuid.uuid4()}", headers=t.h("admin"))
    assert r.status_code == 404

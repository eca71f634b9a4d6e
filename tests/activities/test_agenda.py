"""The daily agenda at the tenant's agenda time, local: Bangkok, and Berlin on the day its
clocks move to summer time; once per user and day (a second pass, or a second worker,
sends nothing); only the user's own planned items of that local day. Run in-process on a
database of its own with a chosen `now` (the worker's clock), reading what it staged in
the outbox."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import asyncpg
import orjson
import pytest
from act_support import ACTIVITIES_DIR

from crmkit.db import create_engine, sessionmaker
from crmkit.testing.tenants import pg_dsn
from tidtam_activities.agenda.service import due, run_due

BANGKOK, BERLIN = ZoneInfo("Asia/Bangkok"), ZoneInfo("Europe/Berlin")
SEVEN = time(7, 0)


@pytest.mark.unit
@pytest.mark.parametrize(("now", "zone", "expected"), [
    (datetime(2027, 3, 27, 23, 59, tzinfo=UTC), BANGKOK, None),              # 06:59
    (datetime(2027, 3, 28, 0, 0, tzinfo=UTC), BANGKOK, date(2027, 3, 28)),   # 07:00
    (datetime(2027, 3, 27, 5, 59, tzinfo=UTC), BERLIN, None),                # 06:59 CET
    (datetime(2027, 3, 27, 6, 0, tzinfo=UTC), BERLIN, date(2027, 3, 27)),    # 07:00 CET
    (datetime(2027, 3, 28, 4, 59, tzinfo=UTC), BERLIN, None),                # 06:59 CEST
    (datetime(2027, 3, 28, 5, 0, tzinfo=UTC), BERLIN, date(2027, 3, 28)),    # 07:00 CEST
    (datetime(2027, 10, 31, 5, 59, tzinfo=UTC), BERLIN, None),               # 06:59 CET
    (datetime(2027, 10, 31, 6, 0, tzinfo=UTC), BERLIN, date(2027, 10, 31)),  # 07:00 CET
])
def test_due_at_the_local_agenda_time(now, zone, expected):
    assert due(now, zone, SEVEN) == expected


@pytest.fixture
def db(make_service_db):
    return make_service_db(f"activities_agenda_{uuid.uuid4().hex[:6]}", ACTIVITIES_DIR)


async def _seed(db, zone: str | None) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    tenant, ann, bob = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    conn = await asyncpg.connect(pg_dsn(db.owner_url))
    try:
        for user, name in ((ann, "แอน"), (bob, "บ็อบ")):
            await conn.execute("INSERT INTO users (tenant_id, id, email, name, role, active) "
                               "VALUES ($1, $2, $3, $4, 'sales', true)", tenant, user,
                               f"{user.hex[:6]}@example.co.th", name)
        if zone:
            await conn.execute("INSERT INTO tenant_settings VALUES ($1, $2, '07:00', 1)",
                               tenant, zone)
        # Ann: a call on the 28th at 23:30 Berlin (21:30 UTC, summer time), one on the
        # 29th at 00:30 Berlin (22:30 UTC on the 28th), one done; Bob: nothing that day.
        for subject, due_at, status in (
                ("โทรหาลูกค้า", datetime(2027, 3, 28, 21, 30, tzinfo=UTC), "planned"),
                ("พรุ่งนี้", datetime(2027, 3, 28, 22, 30, tzinfo=UTC), "planned"),
                ("เสร็จแล้ว", datetime(2027, 3, 28, 9, 0, tzinfo=UTC), "done")):
            await conn.execute(
                "INSERT INTO activities (tenant_id, id, kind, subject, owner_id, due_at, "
                "status, created_by) VALUES ($1, $2, 'call', $3, $4, $5, $6, $4)",
                tenant, uuid.uuid4(), subject, ann, due_at, status)
    finally:
        await conn.close()
    return tenant, ann, bob


async def _staged(db, tenant: uuid.UUID) -> list[dict]:
    conn = await asyncpg.connect(pg_dsn(db.owner_url))
    try:
        rows = await conn.fetch("SELECT payload FROM outbox WHERE tenant_id = $1 AND "
                                "event_type = 'agenda.daily' ORDER BY id", tenant)
    finally:
        await conn.close()
    return [orjson.loads(r["payload"]) for r in rows]


@pytest.mark.integration
async def test_berlin_agenda_once_per_user_and_day(db):
    tenant, ann, _bob = await _seed(db, "Europe/Berlin")
    engine = create_engine(db.app_url, pool_size=2)
    maker = sessionmaker(engine)
    try:
        assert await run_due(maker, datetime(2027, 3, 28, 4, 59, tzinfo=UTC)) == 0
        assert await _staged(db, tenant) == []
        assert await run_due(maker, datetime(2027, 3, 28, 5, 0, tzinfo=UTC)) == 1
        assert await run_due(maker, datetime(2027, 3, 28, 12, 0, tzinfo=UTC)) == 0
        [event] = await _staged(db, tenant)
    finally:
        await engine.dispose()
    data = event["data"]
    assert event["type"] == "agenda.daily" and data["user_id"] == str(ann)
    assert data["day"] == "2027-03-28" and data["time_zone"] == "Europe/Berlin"
    assert [i["title"] for i in data["items"]] == ["โทรหาลูกค้า"]
    assert data["items"][0]["kind"] == "call"


@pytest.mark.integration
async def test_bangkok_by_default_and_late_after_downtime(db):
    tenant, ann, _bob = await _seed(db, None)
    engine = create_engine(db.app_url, pool_size=2)
    maker = sessionmaker(engine)
    try:
        # down at 07:00 Bangkok; back at 15:00 the same day: still sent, once
        assert await run_due(maker, datetime(2027, 3, 29, 8, 0, tzinfo=UTC)) == 1
        assert await run_due(maker, datetime(2027, 3, 29, 9, 0, tzinfo=UTC)) == 0
        [event] = await _staged(db, tenant)
    finally:
        await engine.dispose()
    # in Bangkok both calls fall on the 29th (04:30 and 05:30)
    assert event["data"]["day"] == "2027-03-29"
    assert [i["title"] for i in event["data"]["items"]] == ["โทรหาลูกค้า", "พรุ่งนี้"]

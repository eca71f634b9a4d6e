"""The event feed: a reader from a cursor gets every event once and in order, filtered by
type; 410 past retention; admins and API keys only; never another tenant's events."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import asyncpg
import pytest
from notif_support import lead, make_tenant, publish_lead, run_service, sent
from sqlalchemy.engine import make_url
from test_notices import until

from crmkit.testing.tenants import Person, pg_dsn
from tidtam_contracts.leads import LeadCreatedV2, LeadSentV2
from tidtam_notifications.webhooks.repository import RECORD_AND_FAN_OUT

pytestmark = pytest.mark.integration


async def read_all(api, headers, after=None, type_=None, limit=2):
    """Page through the feed from `after`; returns the events and the last cursor."""
    events = []
    while True:
        params = {"limit": limit, **({"after": after} if after else {}),
                  **({"type": type_} if type_ else {})}
        r = await api.get("/api/v1/events", headers=headers, params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        events += body["items"]
        if not body["items"]:
            return events, body["next_cursor"]
        after = body["next_cursor"]


async def test_a_reader_gets_every_event_once_in_order(api, tenant, gateway_events, notif_db):
    admin = tenant.headers(tenant.admin)
    everything = await until(api, "/api/v1/events?limit=1000", admin,
                             lambda b: len(b["items"]) == 6)  # tenant + 5 users
    assert [e["type"] for e in everything["items"]][:1] == ["tenant.created"]
    _, cursor = await read_all(api, admin)
    published = []
    for n in range(5):
        published.append(await publish_lead(gateway_events, tenant, LeadCreatedV2,
                                            lead(tenant.sales1.id, name=f"ลีด {n}")))
    published.append(await publish_lead(gateway_events, tenant, LeadSentV2,
                                        sent(tenant.sales2, tenant.sales1)))
    await until(api, f"/api/v1/events?after={cursor}&limit=1000", admin,
                lambda b: len(b["items"]) == 6)
    events, last = await read_all(api, admin, after=cursor)
    # Every event once. Consumers may handle different leads at once (replicas, or
    # TIDTAM_CONSUMER_CONCURRENCY above 1), so the order recorded is commit order, not
    # necessarily the order published; paging (2 a page) gives exactly the order of one
    # read of them all.
    assert sorted(e["id"] for e in events) == sorted(e.id for e in published)
    at_once = await api.get("/api/v1/events", headers=admin,
                            params={"after": cursor, "limit": 1000})
    assert [e["id"] for e in events] == [e["id"] for e in at_once.json()["items"]]
    # a cursor kept from before the feed's rows carried their xid (`<µs>_<seq>`) reads on
    # from its row all the same
    micros, _xid, seq = cursor.split("_")
    legacy = await api.get("/api/v1/events", headers=admin,
                           params={"after": f"{micros}_{seq}", "limit": 1000})
    assert legacy.json()["items"] == at_once.json()["items"]
    first = next(e for e in events if e["id"] == published[0].id)
    assert first["data"]["name"] == "ลีด 0" and first["specversion"] == "1.0"
    # nothing new: the same cursor again, and no events
    r = await api.get("/api/v1/events", headers=admin, params={"after": last})
    assert r.json() == {"items": [], "next_cursor": last}
    sends, _ = await read_all(api, admin, after=cursor, type_="lead.sent")
    assert [e["type"] for e in sends] == ["lead.sent"]
    leads, _ = await read_all(api, admin, type_="lead.*", limit=100)
    assert len(leads) == 6
    users, _ = await read_all(api, admin, type_="user.*", limit=100)
    assert len(users) == 5


async def test_a_reader_during_a_burst_misses_nothing(api, tenant, gateway_events, notif_db,
                                                      notif_amqp, mail_sink):
    """Events of one tenant consumed several at a time (a second replica beside the test's
    service, its consumer at concurrency 8), read from a cursor while they are being
    committed: the reader gets each once (a `seq` drawn earlier but committed later would be
    skipped, were the feed read in `seq` order up to the newest row; it is read in
    (xid, seq) order below the oldest running transaction). The test after this one makes
    that case happen every time."""
    replica = await asyncio.to_thread(run_service, notif_db, notif_amqp, mail_sink.url,
                                      TIDTAM_CONSUMER_CONCURRENCY="8")
    try:
        await _burst(api, tenant, gateway_events)
    finally:
        await asyncio.to_thread(replica.stop)


async def _burst(api, tenant, gateway_events) -> None:
    admin = tenant.headers(tenant.admin)
    _, cursor = await read_all(api, admin, limit=100)
    seen: list[str] = []
    burst = 60
    done = asyncio.Event()

    async def reader() -> None:
        nonlocal cursor
        while not done.is_set() or len(seen) < burst:
            r = await api.get("/api/v1/events", headers=admin,
                              params={"after": cursor, "limit": 7})
            assert r.status_code == 200, r.text
            seen.extend(e["id"] for e in r.json()["items"])
            cursor = r.json()["next_cursor"]
            if not r.json()["items"]:
                await asyncio.sleep(0.02)

    reading = asyncio.create_task(reader())
    published = [await publish_lead(gateway_events, tenant, LeadCreatedV2,
                                    lead(tenant.sales1.id, name=f"ลีด {n}"))
                 for n in range(burst)]
    done.set()
    try:
        async with asyncio.timeout(60):  # a guard: a skipped event never comes
            await reading
    except TimeoutError:
        missing = {e.id for e in published} - set(seen)
        raise AssertionError(f"{len(missing)} events skipped by the reader") from None
    assert sorted(seen) == sorted(e.id for e in published)


async def _record(conn: asyncpg.Connection, tenant, n: int) -> str:
    """One event recorded as the consumer records it, in `conn`'s open transaction."""
    event_id = str(uuid.uuid4())
    await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
    body = json.dumps({"id": event_id, "type": "lead.created", "tenantid": str(tenant.id),
                       "n": n})
    await conn.execute(RECORD_AND_FAN_OUT, tenant.id, [uuid.UUID(event_id)], ["lead.created"],
                       [body], ["lead.*"], False, [], [], 0, 0, 0.0)  # nothing sent at once
    return event_id


async def test_an_event_numbered_earlier_but_committed_later_is_not_skipped(api, tenant,
                                                                            notif_db):
    """The feed takes no lock: two of a tenant's events commit in the opposite order of
    their `seq`. While the first is still open the reader is shown neither (both wait
    below the oldest running transaction), then both, in (xid, seq) order; a reader
    that had been shown the second first would have skipped the first for good."""
    admin = tenant.headers(tenant.admin)
    _, cursor = await read_all(api, admin, limit=100)
    early = await asyncpg.connect(pg_dsn(notif_db.app_url))
    late = await asyncpg.connect(pg_dsn(notif_db.app_url))
    try:
        first = early.transaction()
        await first.start()
        a = await _record(early, tenant, 1)  # draws the smaller seq, commits last
        async with late.transaction():
            b = await _record(late, tenant, 2)
        while_open, cursor_open = await read_all(api, admin, after=cursor)
        assert b not in [e["id"] for e in while_open]  # not before `a`: it would skip `a`
        await first.commit()
        after, _ = await read_all(api, admin, after=cursor_open)
        assert [e["id"] for e in while_open + after] == [a, b]
    finally:
        await early.close()
        await late.close()


async def test_a_transaction_of_another_database_does_not_hold_the_feed_back(api, tenant,
                                                                            notif_db):
    """An open transaction with an xid in another database of the server (another role's,
    so the service's role cannot read its xid in pg_stat_activity) does not hold the feed
    back; one writing the feed in this database still does, and nothing is skipped."""
    admin = tenant.headers(tenant.admin)
    _, cursor = await read_all(api, admin, limit=100)
    elsewhere = await asyncpg.connect(pg_dsn(make_url(notif_db.owner_url).set(
        database="postgres").render_as_string(hide_password=False)))
    early = await asyncpg.connect(pg_dsn(notif_db.app_url))
    late = await asyncpg.connect(pg_dsn(notif_db.app_url))
    try:
        slow = elsewhere.transaction()
        await slow.start()
        await elsewhere.execute("CREATE TEMP TABLE slow_report (n int)")  # takes an xid
        async with late.transaction():
            b = await _record(late, tenant, 1)
        shown, cursor = await read_all(api, admin, after=cursor)
        assert [e["id"] for e in shown] == [b]

        first = early.transaction()
        await first.start()
        c = await _record(early, tenant, 2)  # this database: holds back what comes after
        async with late.transaction():
            d = await _record(late, tenant, 3)
        while_open, cursor_open = await read_all(api, admin, after=cursor)
        assert while_open == []
        await first.commit()
        after, _ = await read_all(api, admin, after=cursor_open)
        assert [e["id"] for e in after] == [c, d]
        await slow.rollback()
    finally:
        await elsewhere.close()
        await early.close()
        await late.close()


async def test_another_tenants_events_never_appear(api, tenant, gateway_events, notif_db):
    other = await make_tenant(gateway_events, notif_db.owner_url)
    await publish_lead(gateway_events, other, LeadCreatedV2, lead(other.sales1.id))
    await until(api, "/api/v1/events?type=lead.*", other.headers(other.admin),
                lambda b: len(b["items"]) == 1)
    mine, _ = await read_all(api, tenant.headers(tenant.admin), limit=100)
    assert all(e["tenantid"] == str(tenant.id) for e in mine)
    assert str(other.id) not in str(mine)


async def test_admins_and_api_keys_only(api, tenant):
    for who in (tenant.sales1, tenant.manager):
        r = await api.get("/api/v1/events", headers=tenant.headers(who))
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
    integration = Person(tenant.admin.id, "integration", "API key", None, "")
    r = await api.get("/api/v1/events", headers=tenant.headers(integration))
    assert r.status_code == 200


async def test_a_cursor_past_retention_is_410(api, tenant):
    old = int((time.time() - 31 * 86400) * 1_000_000)
    r = await api.get("/api/v1/events", headers=tenant.headers(tenant.admin),
                      params={"after": f"{old}_1"})
    assert r.status_code == 410 and r.json()["code"] == "cursor_expired"
    assert "30 days" in r.json()["message"]
    now = int(time.time() * 1_000_000)
    for bad in ("nope", "1_x", "12", "1_2_3_4", f"{now}_{2**64}_1", f"{now}_1_{2**63}"):
        r = await api.get("/api/v1/events", headers=tenant.headers(tenant.admin),
                          params={"after": bad})
        assert r.status_code == 422, bad
    r = await api.get("/api/v1/events", headers=tenant.headers(tenant.admin),
                      params={"type": "lead.*.x"})
    assert r.status_code == 422

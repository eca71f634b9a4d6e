"""How many round trips to PostgreSQL the hot routes cost, counted on the wire.

A leads service of its own talks to PostgreSQL through crmkit.testing.pgwire's counting
proxy; only its request pool is counted (not the relay's role, nor its LISTEN connections).
Each route is warmed up first (a tenant's first create fills the catalog caches, a pooled
connection's first use of a statement prepares it), then the same request runs a few times
in a row and the round trips per request are compared with what the route is built to cost.
A change that adds a statement to a hot route fails here, naming the messages sent.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

import httpx
import pytest
from leads_support import lead_body, make_tenant, run_leads_service
from sqlalchemy.engine import make_url

from crmkit.migrate import APP_ROLE
from crmkit.testing.pgwire import RoundTripCounter
from crmkit.testing.process import free_port

pytestmark = pytest.mark.integration

REPEATS = 4
# BEGIN with the tenant's setting (one message); the insert, which also writes the history
# entry and the outbox row and reads the possible duplicates; COMMIT.
CREATE = 3
# With an Idempotency-Key: its claim before the handler, its answer before the commit.
CREATE_WITH_KEY = CREATE + 2
# A replay: BEGIN; the claim, which finds the key taken; the first answer read; ROLLBACK.
REPLAY = 4
# BEGIN with the tenant's setting; the page; COMMIT.
LIST = 3


@pytest.fixture(scope="module")
def counted(leads_db, leads_amqp, tmp_path_factory):
    url = make_url(leads_db.app_url)
    with RoundTripCounter(url.port or 5432, user=APP_ROLE,
                          application_name="tidtam") as counter:
        proxied = url.set(port=counter.port).render_as_string(hide_password=False)
        service = run_leads_service(
            dataclasses.replace(leads_db, app_url=proxied), leads_amqp,
            log_path=tmp_path_factory.mktemp("leads-counted") / "leads.log",
            TIDTAM_ACCOUNTS_URL=f"http://127.0.0.1:{free_port()}")
        try:
            yield counter, service
        finally:
            service.stop()


@pytest.fixture
async def client(counted):
    async with httpx.AsyncClient(base_url=counted[1].url, timeout=30) as c:
        yield c


async def _per_request(counter: RoundTripCounter, send) -> float:
    r = await send()  # warm-up
    assert r.status_code < 300, r.text
    counter.reset()
    for _ in range(REPEATS):
        r = await send()
        assert r.status_code < 300, r.text
    return counter.round_trips / REPEATS


def _explain(counter: RoundTripCounter, requests: int = REPEATS) -> str:
    return f"messages sent per {requests} requests: {dict(counter.messages)}"


async def test_create_round_trips(counted, client, gateway_events, leads_db):
    counter, _ = counted
    tenant = await make_tenant(gateway_events, leads_db.owner_url)
    headers = tenant.headers(tenant.sales1, "own")

    def create():
        return client.post("/api/v1/leads", json=lead_body(), headers=headers)

    per_create = await _per_request(counter, create)
    assert 2 <= per_create <= CREATE, _explain(counter)

    def create_with_key():
        return client.post("/api/v1/leads", json=lead_body(),
                           headers={**headers, "Idempotency-Key": str(uuid.uuid4())})

    per_keyed = await _per_request(counter, create_with_key)
    assert per_create < per_keyed <= CREATE_WITH_KEY, _explain(counter)

    body, key = lead_body(), str(uuid.uuid4())

    def replay():
        return client.post("/api/v1/leads", json=body,
                           headers={**headers, "Idempotency-Key": key})

    first = await replay()
    per_replay = await _per_request(counter, replay)  # (its warm-up is a replay too)
    again = await replay()
    assert again.headers.get("Idempotent-Replayed") == "true", again.text
    assert again.content == first.content
    assert per_replay <= REPLAY, _explain(counter)


async def test_list_round_trips(counted, client, gateway_events, leads_db):
    counter, _ = counted
    tenant = await make_tenant(gateway_events, leads_db.owner_url)
    headers = tenant.headers(tenant.sales1, "own")
    for _ in range(3):
        r = await client.post("/api/v1/leads", json=lead_body(), headers=headers)
        assert r.status_code == 201, r.text

    def inbox():
        return client.get("/api/v1/leads", params={"box": "inbox", "limit": 50},
                          headers=headers)

    per_list = await _per_request(counter, inbox)
    assert 2 <= per_list <= LIST, _explain(counter)
    assert len((await inbox()).json()["items"]) == 3


async def test_a_changed_definition_applies_to_the_next_create(counted, client,
                                                               gateway_events, leads_db):
    """The rules a create checks come from the process's cache (no statement: see the
    budget above); a definition's change reaches it by NOTIFY when the change commits."""
    counter, _ = counted
    tenant = await make_tenant(gateway_events, leads_db.owner_url)
    sales, admin = tenant.headers(tenant.sales1), tenant.headers(tenant.admin)

    async def create(**custom):
        return await client.post("/api/v1/leads", json=lead_body(custom=custom),
                                 headers=sales)

    assert (await create()).status_code == 201  # the tenant's rules now cached
    r = await client.post("/api/v1/custom-fields", params={"entity": "lead"}, headers=admin,
                          json={"key": "grade", "label_th": "เกรด", "type": "select",
                                "options": ["A", "B"], "required": True})
    assert r.status_code == 201, r.text
    for _ in range(100):  # the notification's trip, not a timeout to wait out
        r = await create()
        if r.status_code == 422:
            break
        await asyncio.sleep(0.05)
    assert r.status_code == 422 and "body.custom.grade" in r.text, r.text
    counter.reset()
    assert (await create(grade="A")).status_code == 201
    assert counter.round_trips <= CREATE, _explain(counter, 1)
    r = await client.delete("/api/v1/custom-fields/grade", params={"entity": "lead"},
                            headers=admin)
    assert r.status_code == 204, r.text
    for _ in range(100):
        r = await create(grade="A")
        if r.status_code == 404:
            break
        await asyncio.sleep(0.05)
    assert r.status_code == 404 and "body.custom.grade" in r.text, r.text

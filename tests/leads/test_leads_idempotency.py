"""Idempotency-Key on the leads service (a real process on a migrated database): a repeat
returns the first answer and makes nothing; another body, path or caller is 422; twenty at
once make one; tenants are independent; keys past 24 hours are neither honoured nor kept."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from leads_support import lead_body, pg_dsn, run_leads_service

from crmkit.db import create_engine
from crmkit.housekeeping import Housekeeper
from crmkit.testing.tenants import fetchval

pytestmark = pytest.mark.integration

KEY = "Idempotency-Key"


def keyed(headers: dict[str, str], key: str) -> dict[str, str]:
    return {**headers, KEY: key}


async def _fetchval(leads_db, sql: str, *args: object) -> object:
    return await fetchval(leads_db.owner_url, sql, *args)


async def leads_with_email(leads_db, tenant, email: str) -> int:
    return await _fetchval(leads_db, "SELECT count(*) FROM leads WHERE tenant_id = $1 AND "
                                     "email = $2", tenant.id, email)


async def test_a_repeat_returns_the_first_answer_and_makes_one_lead(api, tenant, leads_db):
    key, body = str(uuid.uuid4()), lead_body()
    h = keyed(tenant.headers(tenant.sales1), key)
    first = await api.post("/api/v1/leads", json=body, headers=h)
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = await api.post("/api/v1/leads", json=body, headers=h)
    assert again.status_code == 201
    assert again.content == first.content  # byte for byte, not re-rendered
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotent-replayed"] == "true"
    assert await leads_with_email(leads_db, tenant, body["email"]) == 1


async def test_key_order_and_spacing_of_the_body_do_not_matter(api, tenant, leads_db):
    key, body = str(uuid.uuid4()), lead_body()
    h = keyed(tenant.headers(tenant.sales1), key)
    first = await api.post("/api/v1/leads", json=body, headers=h)
    assert first.status_code == 201, first.text
    reordered = "{ " + ", ".join(f'"{k}": "{v}"' for k, v in reversed(body.items())) + " }"
    again = await api.post("/api/v1/leads", content=reordered.encode(),
                           headers={**h, "content-type": "application/json"})
    assert again.status_code == 201 and again.content == first.content
    assert await leads_with_email(leads_db, tenant, body["email"]) == 1


async def test_without_the_header_every_request_creates(api, tenant, leads_db):
    body = lead_body()
    for _ in range(2):
        r = await api.post("/api/v1/leads", json=body, headers=tenant.headers(tenant.sales1))
        assert r.status_code == 201 and "idempotent-replayed" not in r.headers
    assert await leads_with_email(leads_db, tenant, body["email"]) == 2


async def test_the_same_key_with_another_body_path_or_caller_is_422(api, tenant, create_lead,
                                                                   leads_db):
    key, body = str(uuid.uuid4()), lead_body()
    h = keyed(tenant.headers(tenant.sales1), key)
    assert (await api.post("/api/v1/leads", json=body, headers=h)).status_code == 201
    other = await api.post("/api/v1/leads", json={**body, "name": "คนอื่น"}, headers=h)
    assert other.status_code == 422
    assert other.json()["code"] == "validation_error"
    assert other.json()["fields"][0]["field"] == "header.Idempotency-Key"
    assert "different body" in other.json()["message"]
    label = await api.post("/api/v1/labels", json={"name": "ด่วน"}, headers=h)
    assert label.status_code == 422 and "POST /api/v1/leads" in label.json()["message"]
    colleague = await api.post("/api/v1/leads", json=body,
                               headers=keyed(tenant.headers(tenant.sales2), key))
    assert colleague.status_code == 422
    assert "another caller" in colleague.json()["message"]
    assert await leads_with_email(leads_db, tenant, body["email"]) == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "ไทย"])
async def test_a_key_that_is_not_1_to_255_printable_ascii_is_422(api, tenant, key):
    h = {**tenant.headers(tenant.sales1), KEY: key.encode()}
    r = await api.post("/api/v1/leads", json=lead_body(), headers=h)
    assert r.status_code == 422, r.text
    assert r.json()["fields"][0]["field"] == "header.Idempotency-Key"
    assert "printable ASCII" in r.json()["message"]


async def test_255_characters_with_spaces_and_punctuation_is_a_key(api, tenant):
    key = ("order 42/ok:" * 30)[:255]
    h = keyed(tenant.headers(tenant.sales1), key)
    body = lead_body()
    assert (await api.post("/api/v1/leads", json=body, headers=h)).status_code == 201
    r = await api.post("/api/v1/leads", json=body, headers=h)
    assert r.status_code == 201 and r.headers["idempotent-replayed"] == "true"


async def test_twenty_at_once_make_one_and_all_get_its_answer(api, tenant, leads_db):
    key, body = str(uuid.uuid4()), lead_body()
    h = keyed(tenant.headers(tenant.sales1), key)
    answers = await asyncio.gather(*[api.post("/api/v1/leads", json=body, headers=h)
                                     for _ in range(20)])
    assert {r.status_code for r in answers} == {201}
    assert len({r.content for r in answers}) == 1
    assert sum(r.headers.get("idempotent-replayed") == "true" for r in answers) == 19
    assert await leads_with_email(leads_db, tenant, body["email"]) == 1


async def test_another_tenants_same_key_is_its_own(api, tenant, leads_db, gateway_events):
    from leads_support import make_tenant

    other = await make_tenant(gateway_events, leads_db.owner_url)
    key, body = str(uuid.uuid4()), lead_body()
    mine = await api.post("/api/v1/leads", json=body,
                          headers=keyed(tenant.headers(tenant.sales1), key))
    theirs = await api.post("/api/v1/leads", json={**body, "name": "ลูกค้าอีกบริษัท"},
                            headers=keyed(other.headers(other.sales1), key))
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert "idempotent-replayed" not in theirs.headers
    assert await leads_with_email(leads_db, tenant, body["email"]) == 1
    assert await leads_with_email(leads_db, other, body["email"]) == 1


async def test_an_error_is_not_kept_so_the_retry_runs(api, tenant, leads_db):
    key, body = str(uuid.uuid4()), lead_body(source="no_such_source")
    h = keyed(tenant.headers(tenant.sales1), key)
    refused = await api.post("/api/v1/leads", json=body, headers=h)
    assert refused.status_code == 404, refused.text
    assert await _fetchval(leads_db, "SELECT count(*) FROM idempotency_keys WHERE "
                                     "tenant_id = $1 AND key = $2", tenant.id, key) == 0
    fixed = await api.post("/api/v1/leads", json={**body, "source": "website"}, headers=h)
    assert fixed.status_code == 201 and "idempotent-replayed" not in fixed.headers


async def test_the_key_row_holds_the_answer_under_rls(api, tenant, leads_db):
    key, body = str(uuid.uuid4()), lead_body()
    r = await api.post("/api/v1/leads", json=body,
                       headers=keyed(tenant.headers(tenant.sales1), key))
    conn = await asyncpg.connect(pg_dsn(leads_db.app_url))  # the application role
    try:
        async with conn.transaction():
            hidden = await conn.fetchval("SELECT count(*) FROM idempotency_keys WHERE key = $1",
                                         key)
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            row = await conn.fetchrow("SELECT status, body, caller FROM idempotency_keys "
                                      "WHERE key = $1", key)
    finally:
        await conn.close()
    assert hidden == 0  # no tenant set: no tenant's keys
    assert (row["status"], row["body"], row["caller"]) == (201, r.content,
                                                          str(tenant.sales1.id))


async def test_keys_past_24_hours_are_not_honoured_and_housekeeping_deletes_them(
        api, tenant, leads_db):
    key, body = str(uuid.uuid4()), lead_body()
    h = keyed(tenant.headers(tenant.sales1), key)
    first = await api.post("/api/v1/leads", json=body, headers=h)
    assert first.status_code == 201
    age = ("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' "
           "WHERE tenant_id = $1 AND key = $2")
    await _fetchval(leads_db, age, tenant.id, key)
    again = await api.post("/api/v1/leads", json=body, headers=h)
    assert again.status_code == 201 and "idempotent-replayed" not in again.headers
    assert again.json()["id"] != first.json()["id"]
    assert await leads_with_email(leads_db, tenant, body["email"]) == 2
    # the new answer is the one kept now; once it too is old, housekeeping removes it
    replay = await api.post("/api/v1/leads", json=body, headers=h)
    assert replay.json()["id"] == again.json()["id"]
    await _fetchval(leads_db, age, tenant.id, key)
    engine = create_engine(leads_db.relay_url, pool_size=1)  # housekeeping: the relay role
    try:
        deleted = await Housekeeper("leads", engine, retention_days=30,
                                    every_seconds=3600).sweep()
    finally:
        await engine.dispose()
    assert deleted["idempotency_keys"] >= 1
    assert await _fetchval(leads_db, "SELECT count(*) FROM idempotency_keys WHERE "
                                     "tenant_id = $1 AND key = $2", tenant.id, key) == 0


async def test_follow_ups_pipelines_labels_and_actions_replay(api, tenant, create_lead,
                                                              leads_db):
    h = tenant.headers(tenant.admin)
    lead = await create_lead(tenant.admin)
    base = f"/api/v1/leads/{lead['id']}"
    calls = [
        (f"{base}/followups", {"channel": "phone", "note": "โทรครั้งแรก"}),
        ("/api/v1/pipelines", {"name": f"ไปป์ {uuid.uuid4().hex[:4]}",
                               "stages": [{"name": "เริ่ม"}]}),
        ("/api/v1/labels", {"name": f"ป้าย {uuid.uuid4().hex[:4]}", "scope": "system"}),
        ("/api/v1/lead-sources", {"key": f"src{uuid.uuid4().hex[:6]}", "name": "งานแสดงสินค้า"}),
        (f"{base}/lost", {"reason": "ราคาสูง"}),
    ]
    for path, body in calls:
        key = str(uuid.uuid4())
        first = await api.post(path, json=body, headers=keyed(h, key))
        assert first.status_code in (200, 201), (path, first.text)
        again = await api.post(path, json=body, headers=keyed(h, key))
        assert (again.status_code, again.content) == (first.status_code, first.content), path
        assert again.headers["idempotent-replayed"] == "true"
    entries = await _fetchval(leads_db, "SELECT count(*) FROM lead_history WHERE lead_id = $1 "
                                        "AND kind IN ('followup', 'lost')", uuid.UUID(lead["id"]))
    assert entries == 2


@pytest.fixture
def crashing_leads(leads_db, leads_amqp, tmp_path):
    """`start(failpoint)`: another leads process on the same database that dies (SIGKILL)
    at that point of every keyed request (crmkit.failpoints)."""
    from crmkit.testing.process import free_port

    started = []

    def start(failpoint: str):
        started.append(run_leads_service(
            leads_db, leads_amqp, log_path=tmp_path / f"{failpoint}.log",
            TIDTAM_FAILPOINTS=f"{failpoint}=1", TIDTAM_ACCOUNTS_URL=f"http://127.0.0.1:"
                                                                     f"{free_port()}"))
        return started[-1]

    yield start
    for process in started:
        process.stop()


@pytest.mark.slow
@pytest.mark.parametrize("warm", [False, True], ids=["session path", "bare connection path"])
async def test_a_crash_saves_both_the_lead_and_its_key_or_neither(api, tenant, leads_db,
                                                                  crashing_leads, warm):
    import httpx

    key = str(uuid.uuid4())
    body = lead_body()
    for failpoint, saved in [("idempotency.before_commit", 0), ("idempotency.after_commit", 1)]:
        crashing = crashing_leads(failpoint)
        # Signed once the process is up: a slow start on a loaded machine outlives a context.
        h = keyed(tenant.headers(tenant.sales1), key)
        async with httpx.AsyncClient(base_url=crashing.url, timeout=30) as client:
            if warm:  # a create without a key fills the set-up caches: the next one is the
                # common create, on a bare connection (crmkit.rawtx)
                first = await client.post("/api/v1/leads", json=lead_body(),
                                          headers=tenant.headers(tenant.sales1))
                assert first.status_code == 201, first.text
            with pytest.raises(httpx.TransportError):  # the process died under the request
                await client.post("/api/v1/leads", json=body, headers=h)
        assert await leads_with_email(leads_db, tenant, body["email"]) == saved, failpoint
        assert await _fetchval(leads_db, "SELECT count(*) FROM idempotency_keys WHERE "
                                         "tenant_id = $1 AND key = $2", tenant.id,
                               h[KEY]) == saved, failpoint
    # the client, whose answer was lost, retries on a healthy process: the lead the crashed
    # one committed, not a second
    h = keyed(tenant.headers(tenant.sales1), key)
    retry = await api.post("/api/v1/leads", json=body, headers=h)
    assert retry.status_code == 201 and retry.headers["idempotent-replayed"] == "true"
    assert await leads_with_email(leads_db, tenant, body["email"]) == 1
    assert await _fetchval(leads_db, "SELECT id FROM leads WHERE tenant_id = $1 AND email = $2",
                           tenant.id, body["email"]) == uuid.UUID(retry.json()["id"])

"""Transfer, and what the database itself guarantees: append-only history and RLS."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from leads_support import pg_dsn

pytestmark = pytest.mark.integration


async def test_transfer_moves_every_lead(api, tenant, create_lead, lead_events):
    leads = [await create_lead(tenant.sales2, name=f"ของปิติ {i}") for i in range(5)]
    await api.post(f"/api/v1/leads/{leads[0]['id']}/lost",
                   headers=tenant.headers(tenant.sales2), json={"reason": "ไม่มีงบ"})
    body = {"from_user_id": str(tenant.sales2.id), "to_user_id": str(tenant.sales1.id)}
    r = await api.post("/api/v1/leads/transfer", headers=tenant.headers(tenant.manager),
                       json=body)
    assert r.status_code == 403
    r = await api.post("/api/v1/leads/transfer", headers=tenant.headers(tenant.admin),
                       json=body)
    assert r.status_code == 200 and r.json() == {"moved": 5}
    for lead in leads:
        got = (await api.get(f"/api/v1/leads/{lead['id']}",
                             headers=tenant.headers(tenant.admin))).json()
        assert got["owner_id"] == str(tenant.sales1.id)
        history = (await api.get(f"/api/v1/leads/{lead['id']}/history",
                                 headers=tenant.headers(tenant.admin))).json()
        assert history[-1]["kind"] == "transferred"
        event = await lead_events.assert_published(
            "lead.transferred", lambda e, i=lead["id"]: e["subject"] == i)
        assert event["data"]["owner_id"] == str(tenant.sales1.id)
        assert event["data"]["from_user_id"] == str(tenant.sales2.id)
        assert event["sequence"] == got["version"]
    assert leads[0]["id"] in {i["id"] for i in (await api.get(
        "/api/v1/leads", headers=tenant.headers(tenant.sales1, "own"),
        params={"box": "lost"})).json()["items"]}
    r = await api.post("/api/v1/leads/transfer", headers=tenant.headers(tenant.admin),
                       json={**body, "to_user_id": body["from_user_id"]})
    assert r.status_code == 422


async def test_history_is_append_only_in_the_database(api, tenant, create_lead, leads_db):
    lead = await create_lead(tenant.sales1)
    await api.post(f"/api/v1/leads/{lead['id']}/followups",
                   headers=tenant.headers(tenant.sales1),
                   json={"channel": "phone", "note": "โทรแล้ว"})
    conn = await asyncpg.connect(pg_dsn(leads_db.app_url))  # the application role
    try:
        for sql in ("UPDATE lead_history SET note = 'rewritten'",
                    "DELETE FROM lead_history"):
            async with conn.transaction():
                await conn.execute("SELECT set_config('app.tenant_id', $1, true)",
                                   str(tenant.id))
                assert await conn.fetchval("SELECT count(*) FROM lead_history") == 2
                with pytest.raises(asyncpg.PostgresError, match="append-only"):
                    await conn.execute(sql)
    finally:
        await conn.close()


async def test_rls_without_a_tenant_returns_no_rows(tenant, create_lead, leads_db):
    await create_lead(tenant.sales1)
    conn = await asyncpg.connect(pg_dsn(leads_db.app_url))
    try:
        assert not await conn.fetchval(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user")
        for table in ("leads", "lead_history", "pipelines", "stages", "users", "labels",
                      "sources", "reasons"):
            assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0, table
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            assert await conn.fetchval("SELECT count(*) FROM leads") >= 1
        # transaction-local: gone after the transaction
        assert await conn.fetchval("SELECT count(*) FROM leads") == 0
        with pytest.raises(asyncpg.PostgresError):
            async with conn.transaction():
                await conn.execute("SELECT set_config('app.tenant_id', $1, true)",
                                   str(tenant.id))
                # writing another tenant's row is refused by the policy's WITH CHECK
                await conn.execute("UPDATE leads SET tenant_id = gen_random_uuid()")
    finally:
        await conn.close()


async def test_inbox_query_uses_the_owner_index(api, tenant, create_lead, leads_db):
    """`Inbox of owner X, newest first` walks ix_leads_owner_box: no sort, no scan of other
    owners' leads (20,000 leads over 20 owners)."""
    lead = await create_lead(tenant.sales1)
    conn = await asyncpg.connect(pg_dsn(leads_db.owner_url))
    try:
        others = [tenant.sales2.id] * 19 + [tenant.sales1.id]
        await conn.execute(
            "INSERT INTO leads (tenant_id, id, name, phone, email, source, owner_id, status, "
            "pipeline_id, stage_id, created_at, updated_at) "
            "SELECT tenant_id, gen_random_uuid(), 'ลูกค้า ' || g, phone, g || email, source, "
            "($2::uuid[])[1 + g % 20], 'inbox', pipeline_id, stage_id, "
            "now() - g * interval '1 minute', now() "
            "FROM leads, generate_series(1, 20000) g WHERE tenant_id = $1 AND id = $3",
            tenant.id, others, uuid.UUID(lead["id"]))
        await conn.execute("ANALYZE leads")
        plan = "\n".join(r[0] for r in await conn.fetch(
            "EXPLAIN SELECT id FROM leads WHERE tenant_id = $1 AND owner_id = $2 "
            "AND status = 'inbox' ORDER BY created_at DESC, id DESC LIMIT 51",
            tenant.id, tenant.sales1.id))
        assert "ix_leads_owner_box" in plan and "Sort" not in plan, plan
    finally:
        await conn.close()
    r = await api.get("/api/v1/leads", headers=tenant.headers(tenant.sales1, "own"),
                      params={"limit": 200})
    assert len(r.json()["items"]) == 200 and r.json()["next_cursor"]


async def test_user_deactivated_with_an_heir_moves_the_leads_once(api, tenant, create_lead,
                                                                  gateway_events, leads_db):
    """The gateway's deactivation with `leads_to_user_id`: the consumer moves the leaver's
    leads in the transaction that records the event, so a redelivery moves nothing again."""
    from leads_support import wait_for_users

    leads = [await create_lead(tenant.sales2, name=f"ของปิติ {i}") for i in range(3)]
    theirs = await create_lead(tenant.sales3)
    leaver = tenant.sales2
    tenant.seq += 1
    event = await gateway_events.publish("user.deactivated", tenant.id, leaver.id, {
        "id": str(leaver.id), "tenant_id": str(tenant.id), "email": leaver.email,
        "name": leaver.name, "role": leaver.role, "team_id": str(leaver.team_id),
        "active": False, "leads_to_user_id": str(tenant.sales1.id),
        "by_user_id": str(tenant.admin.id)}, tenant.seq)
    await wait_for_users(leads_db.owner_url, tenant.id, [leaver.id], active=False)
    admin = tenant.headers(tenant.admin)

    async def state() -> list[tuple[str, int, int]]:
        out = []
        for lead in leads:
            got = (await api.get(f"/api/v1/leads/{lead['id']}", headers=admin)).json()
            history = (await api.get(f"/api/v1/leads/{lead['id']}/history",
                                     headers=admin)).json()
            out.append((got["owner_id"], got["version"],
                        sum(1 for h in history if h["kind"] == "transferred")))
        return out

    moved = await state()  # the projection and the move commit together
    assert [(owner, n) for owner, _, n in moved] == [(str(tenant.sales1.id), 1)] * 3
    history = (await api.get(f"/api/v1/leads/{leads[0]['id']}/history", headers=admin)).json()
    assert history[-1]["author"]["id"] == str(tenant.admin.id)
    # The same event again (a redelivery), then a marker event after it: nothing moves twice.
    await gateway_events.republish(event)
    await gateway_events.user(tenant, tenant.sales3, "user.deactivated", active=False)
    await wait_for_users(leads_db.owner_url, tenant.id, [tenant.sales3.id], active=False)
    await asyncio.sleep(1.0)  # the consumer may run events side by side: time for a straggler
    assert await state() == moved
    got = (await api.get(f"/api/v1/leads/{theirs['id']}", headers=admin)).json()
    # Nobody else's lead moved (a deactivation without an heir leaves them in place).
    assert got["owner_id"] == str(tenant.sales3.id)

"""The notifications database: the request role may only INSERT into the outbox; every
tenant table is under RLS (no tenant set: no rows); the cross-tenant functions the mail
worker and housekeeping use return ids or change state only, and expire the feed."""

from __future__ import annotations

import asyncpg
import pytest
from notif_support import lead, publish_lead
from test_notices import until

from crmkit.testing.roles import assert_outbox_roles
from crmkit.testing.tenants import pg_dsn
from tidtam_contracts.leads import LeadCreatedV2

pytestmark = pytest.mark.integration

TENANT_TABLES = ("users", "notices", "preferences", "emails", "email_attachments",
                 "feed_events")


async def test_request_role_may_only_insert_into_the_outbox(notif_db):
    await assert_outbox_roles(notif_db)


async def test_every_tenant_table_is_under_rls(notif_db, tenant):
    conn = await asyncpg.connect(pg_dsn(notif_db.app_url))
    try:
        for table in TENANT_TABLES:
            assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0, table
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            assert await conn.fetchval("SELECT count(*) FROM users") == 5
    finally:
        await conn.close()


async def test_the_feed_expires_past_retention(api, notif_db, tenant, gateway_events):
    await publish_lead(gateway_events, tenant, LeadCreatedV2, lead(tenant.sales1.id))
    admin = tenant.headers(tenant.admin)
    await until(api, "/api/v1/events?type=lead.*", admin, lambda b: len(b["items"]) == 1)
    owner = await asyncpg.connect(pg_dsn(notif_db.owner_url))
    app = await asyncpg.connect(pg_dsn(notif_db.app_url))
    try:
        await owner.execute("UPDATE feed_events SET recorded_at = now() - interval '31 days' "
                            "WHERE tenant_id = $1 AND type = 'lead.created'", tenant.id)
        # the request role, with no tenant set, through the SECURITY DEFINER function
        assert await app.fetchval("SELECT feed_expire($1, 1000)", 30 * 86400.0) >= 1
        assert await app.fetchval("SELECT count(*) FROM mail_due(10)") >= 0
    finally:
        await owner.close()
        await app.close()
    body = (await api.get("/api/v1/events?type=lead.*", headers=admin)).json()
    assert body["items"] == []

"""The gateway database itself: FORCE'd row-level security, and auth functions that are the
only cross-tenant door."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from crmkit.testing.roles import assert_outbox_roles

pytestmark = pytest.mark.integration
TENANT_TABLES = ("tenants", "tenant_settings", "teams", "users", "api_keys")


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def test_app_role_sees_no_rows_without_a_tenant(gateway_db, make_tenant):
    a, b = make_tenant(), make_tenant()
    conn = await asyncpg.connect(_dsn(gateway_db.app_url))
    try:
        role = await conn.fetchrow("SELECT rolsuper, rolbypassrls FROM pg_roles "
                                   "WHERE rolname = current_user")
        assert (role["rolsuper"], role["rolbypassrls"]) == (False, False)
        for table in TENANT_TABLES:
            forced = await conn.fetchrow("SELECT relrowsecurity, relforcerowsecurity "
                                         "FROM pg_class WHERE relname = $1", table)
            assert tuple(forced) == (True, True), table
            assert await conn.fetchval(f"SELECT count(*) FROM {table}") == 0, table
        async with conn.transaction():
            await conn.execute("SELECT set_config('app.tenant_id', $1, true)", a.id)
            ids = {str(r["tenant_id"]) for r in await conn.fetch("SELECT tenant_id FROM users")}
            assert ids == {a.id}
            assert await conn.fetchval("SELECT count(*) FROM tenants") == 1
            with pytest.raises(asyncpg.InsufficientPrivilegeError):  # WITH CHECK
                await conn.execute("UPDATE users SET tenant_id = $1::uuid", b.id)
        # The pooled connection keeps no tenant once the transaction is over.
        assert await conn.fetchval("SELECT count(*) FROM users") == 0
    finally:
        await conn.close()


async def test_auth_functions_return_only_what_auth_needs(gateway_db, make_tenant):
    t = make_tenant()
    conn = await asyncpg.connect(_dsn(gateway_db.app_url))
    try:
        rows = await conn.fetch("SELECT * FROM gateway_login_candidates($1)",
                                t.admin_email.upper())
        assert [(str(r["tenant_id"]), str(r["user_id"])) for r in rows] == [(t.id, t.admin_id)]
        assert set(rows[0].keys()) == {"tenant_id", "user_id", "password_hash",
                                       "session_generation"}
        caller = await conn.fetchrow("SELECT * FROM gateway_caller($1::uuid, $2::uuid)",
                                     t.id, t.admin_id)
        assert caller["role"] == "admin" and caller["lead_visibility"] == "all"
        assert caller["account_visibility"] == "all"
        by_key = await conn.fetch("SELECT * FROM gateway_caller_by_key('none')")
        assert by_key == []
        definer = await conn.fetch("SELECT proname, prosecdef FROM pg_proc "
                                   "WHERE proname LIKE 'gateway_%'")
        assert {r["proname"] for r in definer} == {
            "gateway_login_candidates", "gateway_caller", "gateway_caller_by_key",
            "gateway_tenant_plans"}  # the operator's announce-limits: ids and plans only
        plans = await conn.fetch("SELECT * FROM gateway_tenant_plans()")
        assert set(plans[0].keys()) == {"id", "plan", "announced_limit", "limit_announced"}
        assert all(r["prosecdef"] for r in definer)
    finally:
        await conn.close()


async def test_migrations_match_the_models(gateway_db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy.ext.asyncio import create_async_engine

    from tidtam_gateway.models import metadata

    engine = create_async_engine(gateway_db.owner_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), metadata))
    finally:
        await engine.dispose()
    assert diff == []


def test_migration_0002_moves_standard_tenants_to_free_and_back(make_service_db):
    """Tenants made before plans existed (`standard`) are on `free` after 0002."""
    import asyncio
    import uuid
    from pathlib import Path

    from alembic import command
    from alembic.config import Config

    service_dir = Path(__file__).resolve().parents[2] / "gateway"
    db = make_service_db("gateway", service_dir)
    cfg = Config(str(service_dir / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_dir / "migrations"))
    cfg.attributes["database_url"] = db.owner_url
    tenant = uuid.uuid4()

    async def sql(query: str, *args):
        conn = await asyncpg.connect(_dsn(db.owner_url))
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    command.downgrade(cfg, "0001")
    asyncio.run(sql("INSERT INTO tenants (id, name) VALUES ($1, 'เก่า')", tenant))
    asyncio.run(sql("INSERT INTO tenant_settings (tenant_id) VALUES ($1)", tenant))
    assert asyncio.run(sql("SELECT plan FROM tenants"))[0]["plan"] == "standard"
    command.upgrade(cfg, "heads")
    row = asyncio.run(sql("SELECT t.plan, t.version, s.account_visibility FROM tenants t "
                          "JOIN tenant_settings s ON s.tenant_id = t.id"))[0]
    assert tuple(row) == ("free", 1, "all")
    with pytest.raises(asyncpg.CheckViolationError):
        asyncio.run(sql("UPDATE tenants SET plan = 'standard'"))
    command.downgrade(cfg, "0001")
    assert asyncio.run(sql("SELECT plan FROM tenants"))[0]["plan"] == "standard"


async def test_request_role_may_only_insert_into_the_outbox(gateway_db):
    await assert_outbox_roles(gateway_db)

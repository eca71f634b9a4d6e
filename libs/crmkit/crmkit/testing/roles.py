"""What each database role may do with the kit's tables, checked on a migrated database:
the request role may only add outbox rows, the relay role touches nothing but the kit's
tables (crmkit.db.outbox_grants)."""

from __future__ import annotations

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from crmkit.testing.plugin import ServiceDb

# Reads a request handler must never be able to make: the outbox holds every tenant's events.
REFUSED_TO_REQUESTS = (
    "SELECT * FROM outbox",
    "SELECT payload FROM outbox WHERE tenant_id <> '00000000-0000-0000-0000-000000000000'",
    "UPDATE outbox SET sent_at = now()",
    "DELETE FROM outbox",
    "SELECT last_value FROM outbox_id_seq",
)
RELAY_PRIVILEGES = {("outbox", "SELECT"), ("outbox", "UPDATE"), ("outbox", "DELETE"),
                    ("processed_events", "SELECT"), ("processed_events", "DELETE")}


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _privileges(owner: asyncpg.Connection, role: str, table: str | None = None,
                      ) -> set[tuple[str, str]]:
    rows = await owner.fetch(
        "SELECT table_name, privilege_type FROM information_schema.table_privileges "
        "WHERE grantee = $1 AND table_schema = 'public' AND ($2::text IS NULL "
        "OR table_name = $2)", role, table)
    return {(r["table_name"], r["privilege_type"]) for r in rows}


async def assert_outbox_roles(db: ServiceDb) -> None:
    """As the request role every read or change of the outbox is refused (an INSERT is its
    only privilege there); the relay role has exactly RELAY_PRIVILEGES, on no tenant table."""
    app_role = make_url(db.app_url).username
    relay_role = make_url(db.relay_url).username
    assert app_role and relay_role, "service database URLs name their roles"
    owner = await asyncpg.connect(_dsn(db.owner_url))
    try:
        assert await _privileges(owner, app_role, "outbox") == {("outbox", "INSERT")}
        assert await _privileges(owner, relay_role) == RELAY_PRIVILEGES
    finally:
        await owner.close()
    app = await asyncpg.connect(_dsn(db.app_url))
    try:
        for sql in REFUSED_TO_REQUESTS:
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await app.execute(sql)
    finally:
        await app.close()
    relay = await asyncpg.connect(_dsn(db.relay_url))
    try:
        role = await relay.fetchrow("SELECT rolsuper, rolbypassrls FROM pg_roles "
                                    "WHERE rolname = current_user")
        assert role is not None
        assert (role["rolsuper"], role["rolbypassrls"]) == (False, False)
        await relay.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL")
    finally:
        await relay.close()

"""Database setup and Alembic migrations, run by a one-off step (never at import).

    python -m crmkit.migrate <service-dir> [--database-url URL] [--app-role ROLE]
                                           [--relay-role ROLE]

creates the database if missing, creates the two login roles if missing (LOGIN, neither
superuser nor BYPASSRLS): the application role that request handlers and consumers use, and
the relay role that the outbox relay and housekeeping use (the only role that may read the
outbox, which holds every tenant's events); then upgrades the service's migrations to head as
the owner role. Each service's `migrations/env.py` calls `run_env(metadata)`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
from pathlib import Path

import asyncpg
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection, make_url

from .config import APP_ROLE, RELAY_ROLE

_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"unsafe SQL identifier: {name!r}")
    return name


def _dsn(url: str, database: str | None = None) -> str:
    u = make_url(url).set(drivername="postgresql")
    if database:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


async def ensure_database(url: str) -> None:
    """Create the database named in `url` if it does not exist (connects to `postgres`)."""
    database = make_url(url).database
    if not database:
        raise ValueError(f"the database URL names no database: {url!r}")
    name = _ident(database)
    conn = await asyncpg.connect(_dsn(url, "postgres"))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def ensure_app_role(url: str, role: str = APP_ROLE, password: str | None = None) -> None:
    """Create a login role for the services (the application or the relay role): it logs
    in, owns nothing, and is subject to RLS."""
    role = _ident(role)
    conn = await asyncpg.connect(_dsn(url))
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
        if not exists:
            try:
                await conn.execute(f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS")
            except asyncpg.DuplicateObjectError:
                pass
        if password:
            await conn.execute(f"ALTER ROLE {role} PASSWORD '{password.replace(chr(39), '')}'")
    finally:
        await conn.close()


def upgrade(service_dir: Path, url: str, app_role: str = APP_ROLE,
            relay_role: str = RELAY_ROLE) -> None:
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(service_dir / "alembic.ini"))
    cfg.set_main_option("script_location", str(service_dir / "migrations"))
    cfg.attributes["database_url"] = url
    cfg.attributes["app_role"] = app_role
    cfg.attributes["relay_role"] = relay_role
    # "heads": a service's domains may add independent branches of revisions.
    command.upgrade(cfg, "heads")


def run_env(target_metadata: MetaData) -> None:
    """Body of a service's migrations/env.py (async engine, one transaction per migration)."""
    from alembic import context
    from sqlalchemy import pool
    from sqlalchemy.ext.asyncio import create_async_engine

    config = context.config
    url = config.attributes.get("database_url") or os.environ["TIDTAM_MIGRATE_DATABASE_URL"]

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata,
                          transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as conn:
            await conn.run_sync(do_run)
            await conn.commit()
        await engine.dispose()

    asyncio.run(main())


def app_role() -> str:
    from alembic import context

    return _ident(context.config.attributes.get("app_role") or APP_ROLE)


def relay_role() -> str:
    from alembic import context

    return _ident(context.config.attributes.get("relay_role") or RELAY_ROLE)


def setup(service_dir: Path, url: str, role: str = APP_ROLE, password: str | None = None, *,
          relay_role: str = RELAY_ROLE, relay_password: str | None = None) -> None:
    asyncio.run(ensure_database(url))
    asyncio.run(ensure_app_role(url, role, password))
    asyncio.run(ensure_app_role(url, relay_role, relay_password))
    upgrade(service_dir, url, role, relay_role)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service_dir", type=Path)
    parser.add_argument("--database-url", default=os.environ.get("TIDTAM_MIGRATE_DATABASE_URL"))
    parser.add_argument("--app-role", default=os.environ.get("TIDTAM_APP_DB_ROLE", APP_ROLE))
    parser.add_argument("--app-password", default=os.environ.get("TIDTAM_APP_DB_PASSWORD"))
    parser.add_argument("--relay-role",
                        default=os.environ.get("TIDTAM_RELAY_DB_ROLE", RELAY_ROLE))
    parser.add_argument("--relay-password", default=os.environ.get("TIDTAM_RELAY_DB_PASSWORD"))
    args = parser.parse_args()
    if not args.database_url:
        parser.error("give --database-url or TIDTAM_MIGRATE_DATABASE_URL (the owner role)")
    setup(args.service_dir, args.database_url, args.app_role, args.app_password,
          relay_role=args.relay_role, relay_password=args.relay_password)
    print(f"migrated {args.service_dir.name}: {make_url(args.database_url).database} at head")


if __name__ == "__main__":
    main()


def upgrade_outbox_roles() -> None:
    """A service migration's body (`upgrade = upgrade_outbox_roles`): the request role may
    only INSERT into the outbox, the relay role reads, marks and deletes (crmkit.db)."""
    from alembic import op

    from .db import outbox_grants

    for stmt in outbox_grants(app_role(), relay_role()):
        op.execute(stmt)


def downgrade_outbox_roles() -> None:
    from alembic import op

    from .db import outbox_grants_undone

    for stmt in outbox_grants_undone(app_role(), relay_role()):
        op.execute(stmt)


def _expire_function() -> str:
    from .schema import EXPIRE_FUNCTION

    return f"FUNCTION {EXPIRE_FUNCTION}(double precision, integer)"


def upgrade_relay_housekeeping() -> None:
    """Housekeeping runs as the relay role: it also expires idempotency keys (through their
    SECURITY DEFINER function; the relay role never reads the keys themselves)."""
    from alembic import op

    op.execute(f"GRANT EXECUTE ON {_expire_function()} TO {relay_role()}")


def downgrade_relay_housekeeping() -> None:
    from alembic import op

    op.execute(f"REVOKE EXECUTE ON {_expire_function()} FROM {relay_role()}")

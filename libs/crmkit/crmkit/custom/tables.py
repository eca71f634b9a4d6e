"""The tables of custom fields and segments, and the DDL a service's migration runs.

Each service that owns an entity keeps that entity's definitions and segments in its own
database (`custom_fields`, `segments`, both tenant tables under RLS) and its records' values
in a JSONB column `custom` on the entity's own table, GIN-indexed for containment (`@>`).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID


def custom_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """Define `custom_fields` and `segments` on `metadata` (a service's own, so that its
    migrations and models agree; or a throwaway one, to build queries)."""
    fields = sa.Table(
        "custom_fields", metadata,
        sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("entity", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("label_th", sa.Text, nullable=False),
        sa.Column("label_en", sa.Text),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("options", JSONB, nullable=False, server_default=sa.text("'[]'::jsonb")),
        sa.Column("required", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    segments = sa.Table(
        "segments", metadata,
        sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("filters", JSONB, nullable=False),
        sa.Column("shared", sa.Boolean, nullable=False),
        sa.Column("created_by", UUID(as_uuid=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    sa.Index("ix_segments_tenant_id", segments.c.tenant_id, segments.c.entity,
             segments.c.created_by)
    return fields, segments


_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def custom_column_ddl(table: str) -> list[str]:
    """The `custom` JSONB column on an entity table and its GIN index (`jsonb_path_ops`:
    smaller and faster than the default class, and containment is all the filters use)."""
    if not _IDENT.match(table):
        raise ValueError(f"unsafe table name {table!r}")
    return [
        f"ALTER TABLE {table} ADD COLUMN custom jsonb NOT NULL DEFAULT '{{}}'::jsonb",
        f"CREATE INDEX ix_{table}_custom ON {table} USING gin (custom jsonb_path_ops)",
    ]


def drop_custom_column_ddl(table: str) -> list[str]:
    if not _IDENT.match(table):
        raise ValueError(f"unsafe table name {table!r}")
    return [f"DROP INDEX IF EXISTS ix_{table}_custom",
            f"ALTER TABLE {table} DROP COLUMN IF EXISTS custom"]


def entity_table(name: str) -> sa.TableClause:
    """Just enough of an entity table for the queries crmkit.custom makes on it."""
    return sa.table(name, sa.column("tenant_id", sa.Uuid), sa.column("custom", JSONB))


FIELDS, SEGMENTS = custom_tables(sa.MetaData())


def install(bind: sa.Connection, table: str) -> list[str]:
    """For a service's migration: create the two tables on `bind` and return the rest of
    the DDL to execute (RLS on both, the `custom` column and index on `table`)."""
    from ..db import enable_rls

    statements: list[str] = []
    for t in custom_tables(sa.MetaData()):
        t.create(bind)
        statements += enable_rls(t.name)
    return statements + custom_column_ddl(table)


def uninstall(table: str) -> list[str]:
    return [*drop_custom_column_ddl(table), "DROP TABLE IF EXISTS segments",
            "DROP TABLE IF EXISTS custom_fields"]

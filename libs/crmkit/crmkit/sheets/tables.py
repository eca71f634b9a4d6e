"""The import and export jobs, kept in the owning service's database (tenant tables under
RLS), and the DDL its migration runs."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID


def sheet_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    def stamp(name: str, nullable: bool = True) -> sa.Column[object]:
        return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable,
                         server_default=None if nullable else sa.func.now())

    imports = sa.Table(
        "import_jobs", metadata,
        sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("created_by", UUID(as_uuid=True), nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("sheets", JSONB, nullable=False),
        sa.Column("status", sa.Text, nullable=False),  # uploaded|running|done|cancelled|failed
        sa.Column("sheet", sa.Text),
        sa.Column("header_row", sa.Integer, nullable=False, server_default="0"),
        sa.Column("options", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created", sa.Integer, nullable=False, server_default="0"),
        sa.Column("updated", sa.Integer, nullable=False, server_default="0"),
        sa.Column("skipped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
        # The upload's Idempotency-Key and the file's SHA-256: a repeat answers the same job.
        sa.Column("idempotency_key", sa.Text),
        sa.Column("sha256", sa.Text, nullable=False),
        stamp("created_at", nullable=False), stamp("started_at"), stamp("finished_at"),
        stamp("heartbeat_at"),
    )
    sa.Index("ux_import_jobs_key", imports.c.tenant_id, imports.c.created_by,
             imports.c.idempotency_key, unique=True)
    exports = sa.Table(
        "export_jobs", metadata,
        sa.Column("tenant_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("entity", sa.Text, nullable=False),
        sa.Column("created_by", UUID(as_uuid=True), nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),  # running|done|failed
        sa.Column("rows", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text),
        stamp("created_at", nullable=False), stamp("finished_at"), stamp("expires_at"),
    )
    return imports, exports


IMPORTS, EXPORTS = sheet_tables(sa.MetaData())


def install(bind: sa.Connection) -> list[str]:
    """For a service's migration: create both tables and return the RLS DDL."""
    from ..db import enable_rls

    statements: list[str] = []
    for t in sheet_tables(sa.MetaData()):
        t.create(bind)
        statements += enable_rls(t.name)
    return statements


def uninstall() -> list[str]:
    return ["DROP TABLE IF EXISTS export_jobs", "DROP TABLE IF EXISTS import_jobs"]

"""The kit's own tables, which every service's first migration creates.

`outbox`: events staged in the same transaction as the change they describe; the relay
publishes and marks them sent. `processed_events`: `(consumer, event_id)` recorded in the
same transaction as a consumer's effect, so a redelivered event is skipped.
Neither is tenant data read by requests, so neither is under RLS (the relay and consumers
work across tenants); the `tenant_id` in them is informational.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

OUTBOX_CHANNEL = "tidtam_outbox"


def kit_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    outbox = sa.Table(
        "outbox", metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
    )
    sa.Index("ix_outbox_unsent", outbox.c.id, postgresql_where=outbox.c.sent_at.is_(None))
    processed = sa.Table(
        "processed_events", metadata,
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
    )
    return outbox, processed


def notify_trigger_ddl() -> list[str]:
    """A NOTIFY on commit of every outbox insert wakes the relay at once."""
    return [
        f"""CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('{OUTBOX_CHANNEL}', ''); RETURN NULL; END $$""",
        """CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()""",
    ]

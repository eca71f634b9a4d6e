"""The kit tables (outbox, processed_events) and one tenant table, `widgets`, under RLS."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import enable_rls, grant_app_role, new_metadata, outbox_grants
from crmkit.migrate import app_role, relay_role
from crmkit.schema import kit_tables, notify_trigger_ddl

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata = new_metadata()
    kit_tables(metadata)
    sa.Table(
        "widgets", metadata,
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("id", sa.BigInteger, sa.Identity(), nullable=False),
        # Deliberately not unique: a consumer that applied an event twice must show up as
        # two rows, not be hidden by a constraint.
        sa.Column("event_id", UUID(as_uuid=True)),
        sa.Column("name", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
    )
    metadata.create_all(op.get_bind())
    role = app_role()
    for stmt in [
        *notify_trigger_ddl(),
        *enable_rls("widgets"),
        *grant_app_role(role),
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        *outbox_grants(role, relay_role()),
    ]:
        op.execute(stmt)


def downgrade() -> None:
    for table in ("widgets", "processed_events", "outbox"):
        op.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")

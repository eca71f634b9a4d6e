"""The capture service: the kit's tables (outbox with its relay role, processed events,
idempotency keys), the users projection, web forms and their submissions, LINE OA channels
and the webhook events taken; every tenant table under FORCE'd RLS.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from crmkit.db import default_grants, enable_rls, grant_app_role
from crmkit.migrate import app_role
from crmkit.migrate import downgrade_outbox_roles as _outbox_down
from crmkit.migrate import upgrade_outbox_roles as _outbox_up
from crmkit.migrate import upgrade_relay_housekeeping as _relay_housekeeping
from crmkit.schema import create_idempotency_keys, kit_tables, notify_trigger_ddl
from crmkit.users import users_table_columns

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TENANT_TABLES = ["users", "forms", "submissions", "line_channels", "line_events"]


def _uuid(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def _now(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def upgrade() -> None:
    bind = op.get_bind()
    for table in kit_tables(sa.MetaData()):
        table.create(bind)
    for stmt in notify_trigger_ddl():
        op.execute(stmt)

    op.create_table("users", *users_table_columns())
    op.create_table(
        "forms",
        _uuid("tenant_id"), _uuid("id"),
        sa.Column("public_key", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        _uuid("owner_id", True),
        sa.Column("fields", JSONB, nullable=False),
        sa.Column("consent_th", sa.Text, nullable=False),
        sa.Column("consent_en", sa.Text, nullable=False),
        sa.Column("consent_version", sa.Text, nullable=False),
        sa.Column("allowed_origins", ARRAY(sa.Text), nullable=False, server_default="{}"),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _now("created_at"), _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "public_key"),
    )
    op.create_table(
        "submissions",
        _uuid("tenant_id"), _uuid("id"), _uuid("form_id"), _now("received_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.ForeignKeyConstraint(["tenant_id", "form_id"], ["forms.tenant_id", "forms.id"],
                                ondelete="CASCADE"),
    )
    op.create_index("ix_submissions_form", "submissions",
                    ["tenant_id", "form_id", sa.text("received_at DESC")])

    # LINE OA: the channel's secret and token sealed (crmkit.sealed), the events taken.
    op.create_table(
        "line_channels",
        _uuid("tenant_id"),
        sa.Column("channel_id", sa.Text, nullable=False),
        sa.Column("secret_sealed", sa.Text, nullable=False),
        sa.Column("token_sealed", sa.Text, nullable=False),
        sa.Column("webhook_key", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        _uuid("owner_id", True),
        _now("created_at"), _now("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_table(
        "line_events",
        _uuid("tenant_id"), sa.Column("webhook_event_id", sa.Text, nullable=False),
        _now("received_at"),
        sa.PrimaryKeyConstraint("tenant_id", "webhook_event_id"),
    )

    for table in TENANT_TABLES:
        for stmt in enable_rls(table):
            op.execute(stmt)
    for stmt in [*grant_app_role(app_role()), *default_grants(app_role())]:
        op.execute(stmt)
    create_idempotency_keys(bind, app_role())
    _outbox_up()
    _relay_housekeeping()


def downgrade() -> None:
    _outbox_down()
    for table in ["idempotency_keys", *reversed(TENANT_TABLES), "processed_events", "outbox"]:
        op.execute(f"DROP TABLE IF EXISTS {table}")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")

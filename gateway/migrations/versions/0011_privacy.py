"""Data-subject requests (PDPA): the request (the person as keyed hashes only) and each
service's answer; the purge function for published outbox rows and stored answers.

Revision ID: 0011_privacy
Revises: 0010_document_digits
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from crmkit.db import enable_rls
from crmkit.migrate import app_role
from crmkit.privacy import drop_privacy_ddl, privacy_ddl

revision = "0011_privacy"
down_revision = "0010_document_digits"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_requests",
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("email_hash", sa.Text),
        sa.Column("phone_hash", sa.Text),
        sa.Column("line_id_hash", sa.Text),
        sa.Column("requested_by", UUID(as_uuid=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.CheckConstraint("kind IN ('export', 'erase')", name="kind"),
        sa.CheckConstraint("coalesce(email_hash, phone_hash, line_id_hash) IS NOT NULL",
                           name="some_key"),
    )
    op.create_index("ix_privacy_requests_created", "privacy_requests",
                    ["tenant_id", "created_at", "id"])
    op.create_table(
        "privacy_answers",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("request_id", UUID(as_uuid=True), nullable=False),
        sa.Column("service", sa.Text, nullable=False),
        sa.Column("found", JSONB),
        sa.Column("kept", JSONB),
        sa.Column("subjects", ARRAY(UUID(as_uuid=True))),
        sa.Column("answered_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("tenant_id", "request_id", "service"),
        sa.ForeignKeyConstraint(["tenant_id", "request_id"],
                                ["privacy_requests.tenant_id", "privacy_requests.id"],
                                ondelete="CASCADE"),
    )
    for table in ("privacy_requests", "privacy_answers"):
        for stmt in enable_rls(table):
            op.execute(stmt)
    for stmt in privacy_ddl(app_role()):
        op.execute(stmt)


def downgrade() -> None:
    for stmt in drop_privacy_ddl():
        op.execute(stmt)
    op.drop_table("privacy_answers")
    op.drop_table("privacy_requests")

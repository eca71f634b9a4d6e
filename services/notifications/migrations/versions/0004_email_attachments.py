"""Emails to people who are not users (a quotation to its customer) and their attachments.

`emails.recipient_id` may be null: such an email is addressed by `to_address` only, and
its uniqueness (one email per event and recipient) is a partial unique index on
(tenant, kind, group, address). `email_attachments` keeps the bytes the worker attaches
(a quote's PDF), written in the same transaction as the intent, under the tenant's RLS.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import enable_rls

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column("emails", "recipient_id", nullable=True)
    op.create_index("ux_emails_external", "emails",
                    ["tenant_id", "kind", "group_key", "to_address"], unique=True,
                    postgresql_where=sa.text("recipient_id IS NULL"))
    op.create_table(
        "email_attachments",
        sa.Column("tenant_id", UUID(as_uuid=True), nullable=False),
        sa.Column("email_id", UUID(as_uuid=True), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("content_type", sa.Text, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "email_id", "position"),
        sa.ForeignKeyConstraint(["tenant_id", "email_id"], ["emails.tenant_id", "emails.id"],
                                ondelete="CASCADE"),
    )
    # The application role's grants come from 0001's default privileges.
    for stmt in enable_rls("email_attachments"):
        op.execute(stmt)


def downgrade() -> None:
    op.drop_table("email_attachments")
    op.execute("DELETE FROM emails WHERE recipient_id IS NULL")
    op.drop_index("ux_emails_external", table_name="emails")
    op.alter_column("emails", "recipient_id", nullable=False)

"""A lead's consent (PDPA), as the capture service recorded it from the person (`lead.captured`):
the text shown, its version and language, when, through which channel, from which client
address, and whether marketing was agreed to. The latest one; null for leads typed in. And the
person's LINE user id when the lead came from LINE (their later messages find the lead by it).

Revision ID: 0016_capture_consent
"""

from __future__ import annotations

from alembic import op

revision = "0016_capture_consent"
down_revision = "0015_queues"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE leads ADD COLUMN consent jsonb")
    op.execute("ALTER TABLE leads ADD COLUMN line_id text")
    op.execute("CREATE INDEX ix_leads_line ON leads (tenant_id, line_id) "
               "WHERE status = 'inbox' AND line_id IS NOT NULL")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_leads_line")
    op.execute("ALTER TABLE leads DROP COLUMN line_id")
    op.execute("ALTER TABLE leads DROP COLUMN consent")

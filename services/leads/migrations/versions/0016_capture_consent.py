"""A lead's consent (PDPA), as the capture service recorded it from the person (`lead.captured`):
the text shown, its version and language, when, through which channel, from which client
address, and whether marketing was agreed to. The latest one; null for leads typed in.

Revision ID: 0016_capture_consent
"""

from __future__ import annotations

from alembic import op

revision = "0016_capture_consent"
down_revision = "0010_sheets"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE leads ADD COLUMN consent jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE leads DROP COLUMN consent")

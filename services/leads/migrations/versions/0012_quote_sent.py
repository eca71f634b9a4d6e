"""History kind `quote_sent`: a quotation of the lead emailed to the customer (documents'
quote.sent).

Revision ID: 0012_quote_sent
Revises: 0011_activities
"""

from __future__ import annotations

from alembic import op

revision = "0012_quote_sent"
down_revision = "0011_activities"
branch_labels = None
depends_on = None

# The kinds before it: 0011's (the activities service's) included.
KINDS = ("'followup', 'created', 'updated', 'sent', 'lost', 'junked', 'restored', "
         "'stage_changed', 'transferred', 'conversion_requested', 'converted', "
         "'conversion_failed', 'account_merged', 'activity_created', 'activity_completed', "
         "'activity_cancelled', 'checkin'")


def upgrade() -> None:
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS}, 'quote_sent'))")


def downgrade() -> None:
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS})) NOT VALID")

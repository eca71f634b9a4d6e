"""History kinds from the activities service's events: an activity planned on the lead,
done (with its result) or cancelled, and a check-in at it.

Revision ID: 0011_activities
"""

from __future__ import annotations

from alembic import op

revision = "0011_activities"
down_revision = "0010_sheets"
branch_labels = None
depends_on = None

KINDS = ("'followup', 'created', 'updated', 'sent', 'lost', 'junked', 'restored', "
         "'stage_changed', 'transferred', 'conversion_requested', 'converted', "
         "'conversion_failed', 'account_merged'")
NEW_KINDS = "'activity_created', 'activity_completed', 'activity_cancelled', 'checkin'"


def upgrade() -> None:
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS}, {NEW_KINDS}))")


def downgrade() -> None:
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS})) NOT VALID")

"""The calendar's month mode reads each day's first activities in order, all-day ones and
timed ones apart (a LIMITed scan per day and kind), from an index that has them in the
calendar's order within a day (`at`, then `id`, which orders as the items' uids do); the
visibility's and the status's columns are included, so the rows skipped cost no heap
visit.

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_activities_owner_day", "activities",
                    ["tenant_id", "owner_id", "all_day", "at", "id"],
                    postgresql_include=["status", "lead_id", "account_id"])


def downgrade() -> None:
    op.drop_index("ix_activities_owner_day", "activities")

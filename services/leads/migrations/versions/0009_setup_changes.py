"""Set-up that changes: labels, lead sources and lost/junk reasons can be retired
(`retired_at`: kept on old leads, refused for new ones), and pipelines, stages, labels,
sources and reasons carry a `version` (their events' `sequence`).

Revision ID: 0009_setup_changes
"""

from __future__ import annotations

from alembic import op

revision = "0009_setup_changes"
down_revision = "0008_relay_housekeeping"
branch_labels = None
depends_on = None

RETIRABLE = ("labels", "sources", "reasons")
VERSIONED = ("pipelines", "labels", "sources", "reasons")


def upgrade() -> None:
    for table in RETIRABLE:
        op.execute(f"ALTER TABLE {table} ADD COLUMN retired_at timestamptz")
    for table in VERSIONED:
        op.execute(f"ALTER TABLE {table} ADD COLUMN version integer NOT NULL DEFAULT 1")


def downgrade() -> None:
    for table in VERSIONED:
        op.execute(f"ALTER TABLE {table} DROP COLUMN version")
    for table in RETIRABLE:
        op.execute(f"ALTER TABLE {table} DROP COLUMN retired_at")

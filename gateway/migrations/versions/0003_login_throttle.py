"""Gateway: login_throttle, the counters of logins that failed per email and per address.

Not tenant data (a login has no tenant yet, and the keys are hashes), so no RLS, like the
outbox; the app role gets only what the throttle does: read, count, reset and clean up.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from crmkit.migrate import app_role

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("key_hash", sa.LargeBinary, nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("scope", "key_hash"),
        sa.CheckConstraint("scope IN ('email', 'ip')", name="scope"),
    )
    # The cleanup deletes the oldest windows first.
    op.create_index("ix_login_throttle_window_start", "login_throttle", ["window_start"])
    # The default privileges of 0001 grant the same; said here so the table does not
    # depend on who ran which migration.
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO {app_role()}")


def downgrade() -> None:
    op.drop_table("login_throttle")

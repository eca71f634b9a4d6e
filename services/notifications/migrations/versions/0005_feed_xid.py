"""The event feed keeps its order without a lock: each row is stamped with the id of the
transaction that wrote it (`xid`, `pg_current_xact_id()`), and readers take rows in
(xid, seq) order only below the oldest transaction still running
(`pg_snapshot_xmin(pg_current_snapshot())`). No row can appear there later, so a reader
past a position never finds an earlier one committed afterwards, and the consumer no
longer serialises a tenant's events on a feed lock held until its commit.

Rows recorded before this migration keep `xid` 0: they were written under the lock, so
their `seq` order is their commit order, and they all come before any newer row.

Revision ID: 0005
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant default first (no rewrite of the table: the old rows read 0), then the
    # transaction id for every row written from now on.
    op.execute("ALTER TABLE feed_events ADD COLUMN xid xid8 NOT NULL DEFAULT '0'")
    op.execute("ALTER TABLE feed_events ALTER COLUMN xid SET DEFAULT pg_current_xact_id()")
    op.create_index("ix_feed_events_order", "feed_events", ["tenant_id", "xid", "seq"])


def downgrade() -> None:
    op.drop_index("ix_feed_events_order", "feed_events")
    op.execute("ALTER TABLE feed_events DROP COLUMN xid")

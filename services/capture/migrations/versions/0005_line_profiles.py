"""LINE display names: the webhook keeps what it read of an event (`line_events.payload`: its
type, the user id and the message text) for the service's own consumer, which fetches the
person's profile from LINE's API, publishes `lead.captured` and clears the payload.

Revision ID: 0005
"""

from alembic import op

revision = "0005"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE line_events ADD COLUMN payload jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE line_events DROP COLUMN payload")

"""Webhooks sent straight from the consumer: the fan-out inserts a delivery for a healthy
endpoint with room already `sending` (attempt 1, under a lease) and the process posts it
right after the commit; only `pending` rows (the durable schedule: the others, retries,
manual retries) wake the worker. The NOTIFY trigger fires for `pending` rows only, so a
delivery sent straight away costs no wake-up and no claim.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_DROP = "DROP TRIGGER IF EXISTS webhook_notify ON webhook_deliveries"
_CREATE = ("CREATE TRIGGER webhook_notify AFTER INSERT OR UPDATE OF next_attempt_at "
           "ON webhook_deliveries FOR EACH ROW {when}EXECUTE FUNCTION webhook_notify()")


def upgrade() -> None:
    op.execute(_DROP)
    op.execute(_CREATE.format(when="WHEN (NEW.status = 'pending') "))


def downgrade() -> None:
    op.execute(_DROP)
    op.execute(_CREATE.format(when=""))

"""Housekeeping runs as the relay role, and expires idempotency keys too
(crmkit.migrate.upgrade_relay_housekeeping); joins the two heads before it.

Revision ID: 0007_relay_housekeeping
"""

from crmkit.migrate import downgrade_relay_housekeeping as downgrade  # noqa: F401
from crmkit.migrate import upgrade_relay_housekeeping as upgrade  # noqa: F401

revision = "0007_relay_housekeeping"
down_revision = ("0006_relay_role", "0006_idempotency")
branch_labels = None
depends_on = None

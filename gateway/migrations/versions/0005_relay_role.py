"""The outbox's own role: the request role may only INSERT into `outbox`, the relay role
reads it (crmkit.migrate.upgrade_outbox_roles).

Revision ID: 0005_relay_role
"""

from crmkit.migrate import downgrade_outbox_roles as downgrade  # noqa: F401
from crmkit.migrate import upgrade_outbox_roles as upgrade  # noqa: F401

revision = "0005_relay_role"
down_revision = "0004"
branch_labels = None
depends_on = None

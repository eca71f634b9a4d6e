"""One way to write a phone's extension: inside the phone, `+6621234567;ext=12` (RFC 3966's
`;ext=`, what crmkit.text.parse_phone makes and what accounts and contacts store), instead
of the separate column `phone_ext` leads had. Search keeps working: the local form the
search column adds is `021234567;ext=12`, which a search for `02-123-4567` finds.

Revision ID: 0006_phone_ext
"""

from __future__ import annotations

from alembic import op

revision = "0006_phone_ext"
down_revision = "0005_search"
branch_labels = None
depends_on = None


def _every_tenant(statement: str) -> None:
    # The owner runs migrations, and FORCE'd RLS would show it no tenant's rows: lifted for
    # this one statement, inside the migration's transaction.
    op.execute("ALTER TABLE leads NO FORCE ROW LEVEL SECURITY")
    op.execute(statement)
    op.execute("ALTER TABLE leads FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    _every_tenant("UPDATE leads SET phone = phone || ';ext=' || phone_ext "
                  "WHERE phone_ext IS NOT NULL")
    op.execute("ALTER TABLE leads DROP COLUMN phone_ext")


def downgrade() -> None:
    op.execute("ALTER TABLE leads ADD COLUMN phone_ext text")
    _every_tenant("UPDATE leads SET phone_ext = split_part(phone, ';ext=', 2), "
                  "phone = split_part(phone, ';ext=', 1) WHERE phone LIKE '%;ext=%'")

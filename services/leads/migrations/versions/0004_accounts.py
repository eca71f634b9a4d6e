"""Leads ↔ accounts: the account (and contact) a lead belongs to, and its conversion.

- `account_id`, `contact_id`: set when the lead is made from an existing account, or when
  a conversion finishes (the accounts service answers with `account.lead_converted`).
  They are references into the accounts service's database, so no foreign keys.
- `conversion_id`, `conversion_status` (converting | converted | failed),
  `conversion_error`: the conversion in flight (POST /leads/{id}/convert) and its outcome.
- History kinds for the conversion and for an account merge.

Revision ID: 0004_accounts
"""

from __future__ import annotations

from alembic import op

revision = "0004_accounts"
down_revision = "0003_custom"
branch_labels = None
depends_on = None

KINDS = ("'followup', 'created', 'updated', 'sent', 'lost', 'junked', 'restored', "
         "'stage_changed', 'transferred'")
NEW_KINDS = "'conversion_requested', 'converted', 'conversion_failed', 'account_merged'"


def upgrade() -> None:
    op.execute("""ALTER TABLE leads
        ADD COLUMN account_id uuid,
        ADD COLUMN contact_id uuid,
        ADD COLUMN conversion_id uuid,
        ADD COLUMN conversion_status text,
        ADD COLUMN conversion_error text,
        ADD CONSTRAINT ck_leads_conversion_status CHECK (
            conversion_status IN ('converting', 'converted', 'failed')),
        ADD CONSTRAINT ck_leads_contact_of_account CHECK (
            contact_id IS NULL OR account_id IS NOT NULL)""")
    op.execute("CREATE INDEX ix_leads_account ON leads (tenant_id, account_id) "
               "WHERE account_id IS NOT NULL")
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS}, {NEW_KINDS}))")


def downgrade() -> None:
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS})) NOT VALID")
    op.execute("DROP INDEX IF EXISTS ix_leads_account")
    op.execute("""ALTER TABLE leads DROP CONSTRAINT ck_leads_contact_of_account,
        DROP CONSTRAINT ck_leads_conversion_status,
        DROP COLUMN conversion_error, DROP COLUMN conversion_status,
        DROP COLUMN conversion_id, DROP COLUMN contact_id, DROP COLUMN account_id""")

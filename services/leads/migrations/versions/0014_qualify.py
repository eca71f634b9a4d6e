"""Qualify or disqualify a lead: `leads.qualification` (qualified | disqualified | null),
the answers in the lead's append-only history (kinds `qualified`, `disqualified`; and
`assigned`, an owner chosen by someone else or by a queue).

Revision ID: 0014_qualify
"""

from __future__ import annotations

from alembic import op

revision = "0014_qualify"
down_revision = "0012_quote_sent"
branch_labels = None
depends_on = None

# The kinds before it: 0011's and 0012's included.
KINDS = ("'followup', 'created', 'updated', 'sent', 'lost', 'junked', 'restored', "
         "'stage_changed', 'transferred', 'conversion_requested', 'converted', "
         "'conversion_failed', 'account_merged', 'activity_created', 'activity_completed', "
         "'activity_cancelled', 'checkin', 'quote_sent'")
NEW_KINDS = "'qualified', 'disqualified', 'assigned'"


def upgrade() -> None:
    op.execute("""ALTER TABLE leads ADD COLUMN qualification text,
        ADD CONSTRAINT ck_leads_qualification CHECK (
            qualification IN ('qualified', 'disqualified'))""")
    # The list's `qualified=` filter of callers who see the whole tenant.
    op.execute("CREATE INDEX ix_leads_qualification ON leads (tenant_id, qualification) "
               "WHERE qualification IS NOT NULL")
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS}, {NEW_KINDS}))")


def downgrade() -> None:
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS})) NOT VALID")
    op.execute("DROP INDEX IF EXISTS ix_leads_qualification")
    op.execute("ALTER TABLE leads DROP CONSTRAINT ck_leads_qualification, "
               "DROP COLUMN qualification")

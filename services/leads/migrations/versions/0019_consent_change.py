"""Consent revocation (PDPA): `leads.consent_change`, the latest change of the person's
consent someone recorded (`revoked` for marketing or for all, or `granted` again: when, how
the person said it, by whom, a note); the changes themselves in the lead's append-only history
(kinds `consent_revoked`, `consent_granted`).

Revision ID: 0019_consent_change
"""

from __future__ import annotations

from alembic import op

revision = "0019_consent_change"
down_revision = "0018_privacy"
branch_labels = None
depends_on = None

# Every kind before it (0014's list and its own): a check re-created must keep them all.
KINDS = ("'followup', 'created', 'updated', 'sent', 'lost', 'junked', 'restored', "
         "'stage_changed', 'transferred', 'conversion_requested', 'converted', "
         "'conversion_failed', 'account_merged', 'activity_created', 'activity_completed', "
         "'activity_cancelled', 'checkin', 'quote_sent', 'qualified', 'disqualified', "
         "'assigned'")
NEW_KINDS = "'consent_revoked', 'consent_granted'"


def upgrade() -> None:
    op.execute("ALTER TABLE leads ADD COLUMN consent_change jsonb")
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS}, {NEW_KINDS}))")


def downgrade() -> None:
    op.execute("ALTER TABLE lead_history DROP CONSTRAINT ck_lead_history_kind")
    op.execute(f"ALTER TABLE lead_history ADD CONSTRAINT ck_lead_history_kind "
               f"CHECK (kind IN ({KINDS})) NOT VALID")
    op.execute("ALTER TABLE leads DROP COLUMN consent_change")

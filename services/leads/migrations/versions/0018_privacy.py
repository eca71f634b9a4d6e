"""Data-subject requests (PDPA): the purge of published outbox rows and stored answers that
held an erased person (crmkit.privacy), and `lead_history_erase`: the one way past the
follow-up log's append-only trigger, for an erase only. The trigger lets an UPDATE through
when it runs inside that SECURITY DEFINER function (current_user is then its owner, not the
session's role) with the transaction-local flag it sets; DELETE and TRUNCATE stay refused.

Revision ID: 0018_privacy
Revises: 0016_capture_consent
"""

from __future__ import annotations

from alembic import op

from crmkit.migrate import app_role
from crmkit.privacy import ERASED, drop_privacy_ddl, privacy_ddl, sql_keep_safe

revision = "0018_privacy"
down_revision = "0017_deal_lines"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for stmt in privacy_ddl(app_role()):
        op.execute(stmt)
    op.execute("""CREATE OR REPLACE FUNCTION lead_history_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'UPDATE' AND current_user <> session_user
             AND current_setting('tidtam.privacy_erase', true) = 'on' THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'lead_history is append-only: % is refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $$""")
    op.execute(f"""CREATE FUNCTION lead_history_erase(p_lead_ids uuid[]) RETURNS integer
        LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE n integer;
        BEGIN
          PERFORM set_config('tidtam.privacy_erase', 'on', true);
          UPDATE lead_history SET
              note = CASE WHEN note IS NULL THEN NULL ELSE '{ERASED}' END,
              detail = {sql_keep_safe('detail')}
          WHERE tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
            AND lead_id = ANY(p_lead_ids);
          GET DIAGNOSTICS n = ROW_COUNT;
          PERFORM set_config('tidtam.privacy_erase', 'off', true);
          RETURN n;
        END $$""")
    op.execute("REVOKE ALL ON FUNCTION lead_history_erase(uuid[]) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION lead_history_erase(uuid[]) TO {app_role()}")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS lead_history_erase(uuid[])")
    op.execute("""CREATE OR REPLACE FUNCTION lead_history_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'lead_history is append-only: % is refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $$""")
    for stmt in drop_privacy_ddl():
        op.execute(stmt)

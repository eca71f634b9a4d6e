"""Data-subject requests (PDPA): the purge of published outbox rows and stored answers that
held an erased person (crmkit.privacy), and `history_erase`: the one way past the follow-up
log's and the deal log's append-only triggers, for an erase only. Each trigger lets an
UPDATE through when it runs inside that SECURITY DEFINER function (current_user is then its
owner, not the session's role) with the transaction-local flag it sets; DELETE and TRUNCATE
stay refused.

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

LOGS = ("lead_history", "deal_history")
TENANT = "NULLIF(current_setting('app.tenant_id', true), '')::uuid"


def _append_only(log: str, *, erasable: bool) -> str:
    let_erase = """IF TG_OP = 'UPDATE' AND current_user <> session_user
             AND current_setting('tidtam.privacy_erase', true) = 'on' THEN
            RETURN NEW;
          END IF;""" if erasable else ""
    return f"""CREATE OR REPLACE FUNCTION {log}_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          {let_erase}
          RAISE EXCEPTION '{log} is append-only: % is refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
        END $$"""


def upgrade() -> None:
    for stmt in privacy_ddl(app_role()):
        op.execute(stmt)
    for log in LOGS:
        op.execute(_append_only(log, erasable=True))
    # The notes and any text of the details of the given leads' history and of their deals'.
    op.execute(f"""CREATE FUNCTION history_erase(p_lead_ids uuid[], p_deal_ids uuid[])
        RETURNS integer LANGUAGE plpgsql VOLATILE SECURITY DEFINER
        SET search_path = public, pg_temp AS $$
        DECLARE n integer; m integer;
        BEGIN
          PERFORM set_config('tidtam.privacy_erase', 'on', true);
          UPDATE lead_history SET
              note = CASE WHEN note IS NULL THEN NULL ELSE '{ERASED}' END,
              detail = {sql_keep_safe('detail')}
          WHERE tenant_id = {TENANT} AND lead_id = ANY(p_lead_ids);
          GET DIAGNOSTICS n = ROW_COUNT;
          UPDATE deal_history SET
              note = CASE WHEN note IS NULL THEN NULL ELSE '{ERASED}' END,
              changes = {sql_keep_safe('changes')}
          WHERE tenant_id = {TENANT} AND deal_id = ANY(p_deal_ids);
          GET DIAGNOSTICS m = ROW_COUNT;
          PERFORM set_config('tidtam.privacy_erase', 'off', true);
          RETURN n + m;
        END $$""")
    op.execute("REVOKE ALL ON FUNCTION history_erase(uuid[], uuid[]) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION history_erase(uuid[], uuid[]) TO {app_role()}")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS history_erase(uuid[], uuid[])")
    for log in LOGS:
        op.execute(_append_only(log, erasable=False))
    for stmt in drop_privacy_ddl():
        op.execute(stmt)

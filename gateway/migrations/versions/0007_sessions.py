"""Users: a session generation (every access token names the one it was issued under; a
password change or reset bumps it, so the user's older tokens stop working at once), the
user's language (th | en) and whether they must change a password an admin set. The auth
functions return them.

Revision ID: 0007_sessions
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from crmkit.migrate import app_role

revision = "0007_sessions"
down_revision = "0005"
branch_labels = None
depends_on = None

# A function's result type cannot change in place: dropped and created again.
_CANDIDATES = """CREATE FUNCTION gateway_login_candidates(p_email text)
    RETURNS TABLE (tenant_id uuid, user_id uuid, password_hash text{cand_col})
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT u.tenant_id, u.id, u.password_hash{cand_val} FROM users u
        WHERE u.email = lower(p_email) AND u.active
        ORDER BY u.created_at, u.tenant_id
    $$"""
_CALLER = """CREATE FUNCTION gateway_caller(p_tenant uuid, p_user uuid)
    RETURNS TABLE (tenant_id uuid, user_id uuid, email text, name text, role text,
                   team_id uuid, active boolean, lead_visibility text,
                   allow_stage_back boolean, team_member_ids uuid[],
                   account_visibility text{caller_col})
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT u.tenant_id, u.id, u.email, u.name, u.role, u.team_id, u.active,
               coalesce(s.lead_visibility, 'all'), coalesce(s.allow_stage_back, false),
               CASE WHEN u.team_id IS NOT NULL AND u.role <> 'admin'
                         AND (u.role = 'manager' OR s.lead_visibility = 'team'
                              OR s.account_visibility = 'team')
                    THEN ARRAY(SELECT m.id FROM users m
                               WHERE m.tenant_id = u.tenant_id AND m.team_id = u.team_id
                                 AND m.id <> u.id ORDER BY m.id)
                    ELSE '{{}}'::uuid[] END,
               coalesce(s.account_visibility, 'all'){caller_val}
        FROM users u LEFT JOIN tenant_settings s ON s.tenant_id = u.tenant_id
        WHERE u.tenant_id = p_tenant AND u.id = p_user
    $$"""
_SIGNATURES = ["gateway_login_candidates(text)", "gateway_caller(uuid, uuid)"]


def _functions(with_sessions: bool) -> None:
    parts = {"cand_col": "", "cand_val": "", "caller_col": "", "caller_val": ""}
    if with_sessions:
        parts = {"cand_col": ", session_generation integer",
                 "cand_val": ", u.session_generation",
                 "caller_col": ", session_generation integer, language text, "
                               "must_change_password boolean",
                 "caller_val": ", u.session_generation, u.language, u.must_change_password"}
    role = app_role()
    for sig in _SIGNATURES:
        op.execute(f"DROP FUNCTION IF EXISTS {sig}")
    op.execute(_CANDIDATES.format(**parts))
    op.execute(_CALLER.format(**parts))
    for sig in _SIGNATURES:
        op.execute(f"REVOKE ALL ON FUNCTION {sig} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {sig} TO {role}")


def upgrade() -> None:
    op.add_column("users", sa.Column("session_generation", sa.Integer, nullable=False,
                                     server_default="0"))
    op.add_column("users", sa.Column("language", sa.Text, nullable=False,
                                     server_default="th"))
    op.create_check_constraint("language", "users", "language IN ('th', 'en')")
    op.add_column("users", sa.Column("must_change_password", sa.Boolean, nullable=False,
                                     server_default=sa.false()))
    _functions(with_sessions=True)


def downgrade() -> None:
    _functions(with_sessions=False)
    op.drop_column("users", "must_change_password")
    op.drop_constraint(op.f("ck_users_language"), "users", type_="check")
    op.drop_column("users", "language")
    op.drop_column("users", "session_generation")

"""Gateway: the tenant's `account_visibility`, plans free | pro | enterprise (the old
`standard` becomes `free`), a tenant version for the sequence of its events, and the auth
functions returning account_visibility too.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from crmkit.migrate import app_role

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PLANS = "('free', 'pro', 'enterprise')"

# A function's result type cannot change in place: dropped and created again.
_CALLER = """CREATE FUNCTION gateway_caller(p_tenant uuid, p_user uuid)
    RETURNS TABLE (tenant_id uuid, user_id uuid, email text, name text, role text,
                   team_id uuid, active boolean, lead_visibility text,
                   allow_stage_back boolean, team_member_ids uuid[]{extra_col})
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT u.tenant_id, u.id, u.email, u.name, u.role, u.team_id, u.active,
               coalesce(s.lead_visibility, 'all'), coalesce(s.allow_stage_back, false),
               CASE WHEN u.team_id IS NOT NULL AND u.role <> 'admin'
                         AND (u.role = 'manager' OR s.lead_visibility = 'team'{extra_cond})
                    THEN ARRAY(SELECT m.id FROM users m
                               WHERE m.tenant_id = u.tenant_id AND m.team_id = u.team_id
                                 AND m.id <> u.id ORDER BY m.id)
                    ELSE '{{}}'::uuid[] END{extra_val}
        FROM users u LEFT JOIN tenant_settings s ON s.tenant_id = u.tenant_id
        WHERE u.tenant_id = p_tenant AND u.id = p_user
    $$"""
_CALLER_BY_KEY = """CREATE FUNCTION gateway_caller_by_key(p_hash text)
    RETURNS TABLE (tenant_id uuid, key_id uuid, user_id uuid, lead_visibility text,
                   allow_stage_back boolean{extra_col})
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT k.tenant_id, k.id, k.created_by, coalesce(s.lead_visibility, 'all'),
               coalesce(s.allow_stage_back, false){extra_val}
        FROM api_keys k LEFT JOIN tenant_settings s ON s.tenant_id = k.tenant_id
        WHERE k.key_hash = p_hash AND k.revoked_at IS NULL
    $$"""
_SIGNATURES = ["gateway_caller(uuid, uuid)", "gateway_caller_by_key(text)"]


def _functions(with_accounts: bool) -> None:
    parts = {"extra_col": "", "extra_cond": "", "extra_val": ""}
    if with_accounts:
        parts = {"extra_col": ", account_visibility text",
                 "extra_cond": " OR s.account_visibility = 'team'",
                 "extra_val": ", coalesce(s.account_visibility, 'all')"}
    role = app_role()
    for sig in _SIGNATURES:
        op.execute(f"DROP FUNCTION IF EXISTS {sig}")
    op.execute(_CALLER.format(**parts))
    op.execute(_CALLER_BY_KEY.format(**{k: v for k, v in parts.items() if k != "extra_cond"}))
    for sig in _SIGNATURES:
        op.execute(f"REVOKE ALL ON FUNCTION {sig} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {sig} TO {role}")


def upgrade() -> None:
    op.add_column("tenant_settings", sa.Column("account_visibility", sa.Text, nullable=False,
                                               server_default="all"))
    op.create_check_constraint("account_visibility", "tenant_settings",
                               "account_visibility IN ('all', 'team', 'own')")
    op.execute("UPDATE tenants SET plan = 'free' WHERE plan = 'standard'")
    op.alter_column("tenants", "plan", server_default="free")
    op.create_check_constraint("plan", "tenants", f"plan IN {PLANS}")
    op.add_column("tenants", sa.Column("version", sa.Integer, nullable=False,
                                       server_default="1"))
    _functions(with_accounts=True)


def downgrade() -> None:
    _functions(with_accounts=False)
    op.drop_column("tenants", "version")
    op.drop_constraint(op.f("ck_tenants_plan"), "tenants", type_="check")
    op.alter_column("tenants", "plan", server_default="standard")
    op.execute("UPDATE tenants SET plan = 'standard' WHERE plan = 'free'")
    op.drop_constraint(op.f("ck_tenant_settings_account_visibility"), "tenant_settings",
                       type_="check")
    op.drop_column("tenant_settings", "account_visibility")

"""Tenant setting `allow_price_edit` (the documents service: whether non-admins may put a
price other than the catalogue's on a document line); the auth functions return it, so it
rides in the signed context's `settings` like `allow_stage_back`.

Revision ID: 0009_price_edit
Revises: 0008_calendar_settings
"""

import sqlalchemy as sa
from alembic import op

from crmkit.migrate import app_role

revision = "0009_price_edit"
down_revision = "0008_calendar_settings"
branch_labels = None
depends_on = None

# A function's result type cannot change in place: dropped and created again.
_CALLER = """CREATE FUNCTION gateway_caller(p_tenant uuid, p_user uuid)
    RETURNS TABLE (tenant_id uuid, user_id uuid, email text, name text, role text,
                   team_id uuid, active boolean, lead_visibility text,
                   allow_stage_back boolean, team_member_ids uuid[],
                   account_visibility text, session_generation integer, language text,
                   must_change_password boolean{caller_col})
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
               coalesce(s.account_visibility, 'all'), u.session_generation, u.language,
               u.must_change_password{caller_val}
        FROM users u LEFT JOIN tenant_settings s ON s.tenant_id = u.tenant_id
        WHERE u.tenant_id = p_tenant AND u.id = p_user
    $$"""
_CALLER_BY_KEY = """CREATE FUNCTION gateway_caller_by_key(p_hash text)
    RETURNS TABLE (tenant_id uuid, key_id uuid, user_id uuid, lead_visibility text,
                   allow_stage_back boolean, account_visibility text{caller_col})
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT k.tenant_id, k.id, k.created_by, coalesce(s.lead_visibility, 'all'),
               coalesce(s.allow_stage_back, false),
               coalesce(s.account_visibility, 'all'){caller_val}
        FROM api_keys k LEFT JOIN tenant_settings s ON s.tenant_id = k.tenant_id
        WHERE k.key_hash = p_hash AND k.revoked_at IS NULL
    $$"""
_SIGNATURES = ["gateway_caller(uuid, uuid)", "gateway_caller_by_key(text)"]


def _functions(with_price_edit: bool) -> None:
    parts = {"caller_col": "", "caller_val": ""}
    if with_price_edit:
        parts = {"caller_col": ", allow_price_edit boolean",
                 "caller_val": ", coalesce(s.allow_price_edit, false)"}
    role = app_role()
    for sig in _SIGNATURES:
        op.execute(f"DROP FUNCTION IF EXISTS {sig}")
    op.execute(_CALLER.format(**parts))
    op.execute(_CALLER_BY_KEY.format(**parts))
    for sig in _SIGNATURES:
        op.execute(f"REVOKE ALL ON FUNCTION {sig} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {sig} TO {role}")


def upgrade() -> None:
    op.add_column("tenant_settings", sa.Column("allow_price_edit", sa.Boolean, nullable=False,
                                               server_default=sa.false()))
    _functions(with_price_edit=True)


def downgrade() -> None:
    _functions(with_price_edit=False)
    op.drop_column("tenant_settings", "allow_price_edit")

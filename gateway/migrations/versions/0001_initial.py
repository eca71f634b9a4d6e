"""Gateway: tenants, settings, teams, users, API keys, kit tables, RLS, auth functions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

from crmkit.db import TENANT_SETTING, enable_rls, grant_app_role, new_metadata
from crmkit.migrate import app_role
from crmkit.schema import kit_tables, notify_trigger_ddl

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

CURRENT_TENANT = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid"


def _ts(name: str, nullable: bool = False) -> sa.Column:
    if nullable:
        return sa.Column(name, sa.DateTime(timezone=True), nullable=True)
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False,
                     server_default=sa.func.now())


def _tables() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("plan", sa.Text, nullable=False, server_default="standard"),
        _ts("created_at"),
    )
    op.create_table(
        "tenant_settings",
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), primary_key=True),
        sa.Column("lead_visibility", sa.Text, nullable=False, server_default="all"),
        sa.Column("allow_stage_back", sa.Boolean, nullable=False, server_default=sa.false()),
        _ts("updated_at"),
        sa.CheckConstraint("lead_visibility IN ('all', 'team', 'own')", name="lead_visibility"),
    )
    op.create_table(
        "teams",
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "name"),
    )
    op.create_table(
        "users",
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("email", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("team_id", UUID(as_uuid=True), nullable=True),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        _ts("created_at"),
        _ts("updated_at"),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.UniqueConstraint("tenant_id", "email"),
        sa.ForeignKeyConstraint(["tenant_id", "team_id"], ["teams.tenant_id", "teams.id"]),
        sa.CheckConstraint("role IN ('admin', 'manager', 'sales')", name="role"),
    )
    op.create_index("ix_users_email", "users", ["email"])
    op.create_index("ix_users_tenant_id_team_id", "users", ["tenant_id", "team_id"])
    op.create_table(
        "api_keys",
        sa.Column("tenant_id", UUID(as_uuid=True), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("id", UUID(as_uuid=True), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("prefix", sa.Text, nullable=False),
        sa.Column("key_hash", sa.Text, nullable=False),
        sa.Column("created_by", UUID(as_uuid=True), nullable=False),
        _ts("created_at"),
        _ts("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", "id"),
        sa.ForeignKeyConstraint(["tenant_id", "created_by"], ["users.tenant_id", "users.id"]),
        sa.UniqueConstraint("key_hash"),
    )
    bind = op.get_bind()
    for table in kit_tables(new_metadata()):  # same constraint names as the models
        table.create(bind)
    for stmt in notify_trigger_ddl():
        op.execute(stmt)


# Cross-tenant reads that authentication needs before any tenant is known. SECURITY DEFINER
# runs them as the migration owner (a superuser, so RLS does not apply); each returns only
# what auth needs, and only the app role may call them.
_FUNCTIONS = [
    """CREATE FUNCTION gateway_login_candidates(p_email text)
    RETURNS TABLE (tenant_id uuid, user_id uuid, password_hash text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT u.tenant_id, u.id, u.password_hash FROM users u
        WHERE u.email = lower(p_email) AND u.active
        ORDER BY u.created_at, u.tenant_id
    $$""",
    # One round trip per request: the user, the tenant's settings and (only where the
    # visibility rule needs them) the team's members.
    """CREATE FUNCTION gateway_caller(p_tenant uuid, p_user uuid)
    RETURNS TABLE (tenant_id uuid, user_id uuid, email text, name text, role text,
                   team_id uuid, active boolean, lead_visibility text,
                   allow_stage_back boolean, team_member_ids uuid[])
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT u.tenant_id, u.id, u.email, u.name, u.role, u.team_id, u.active,
               coalesce(s.lead_visibility, 'all'), coalesce(s.allow_stage_back, false),
               CASE WHEN u.team_id IS NOT NULL AND u.role <> 'admin'
                         AND (u.role = 'manager' OR s.lead_visibility = 'team')
                    THEN ARRAY(SELECT m.id FROM users m
                               WHERE m.tenant_id = u.tenant_id AND m.team_id = u.team_id
                                 AND m.id <> u.id ORDER BY m.id)
                    ELSE '{}'::uuid[] END
        FROM users u LEFT JOIN tenant_settings s ON s.tenant_id = u.tenant_id
        WHERE u.tenant_id = p_tenant AND u.id = p_user
    $$""",
    """CREATE FUNCTION gateway_caller_by_key(p_hash text)
    RETURNS TABLE (tenant_id uuid, key_id uuid, user_id uuid, lead_visibility text,
                   allow_stage_back boolean)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT k.tenant_id, k.id, k.created_by, coalesce(s.lead_visibility, 'all'),
               coalesce(s.allow_stage_back, false)
        FROM api_keys k LEFT JOIN tenant_settings s ON s.tenant_id = k.tenant_id
        WHERE k.key_hash = p_hash AND k.revoked_at IS NULL
    $$""",
]
_SIGNATURES = ["gateway_login_candidates(text)", "gateway_caller(uuid, uuid)",
               "gateway_caller_by_key(text)"]


def upgrade() -> None:
    _tables()
    for table in ("teams", "users", "api_keys", "tenant_settings"):
        for stmt in enable_rls(table):
            op.execute(stmt)
    # `tenants` is keyed by its own id: a tenant sees only its own row.
    op.execute("ALTER TABLE tenants ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE tenants FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY tenant_isolation ON tenants USING (id = {CURRENT_TENANT}) "
               f"WITH CHECK (id = {CURRENT_TENANT})")
    role = app_role()
    for stmt in _FUNCTIONS:
        op.execute(stmt)
    for sig in _SIGNATURES:
        op.execute(f"REVOKE ALL ON FUNCTION {sig} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {sig} TO {role}")
    for stmt in grant_app_role(role):
        op.execute(stmt)
    # Tables later migrations add are usable by the app role without another GRANT.
    op.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public "
               f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES "
               f"TO {role}")


def downgrade() -> None:
    for sig in _SIGNATURES:
        op.execute(f"DROP FUNCTION IF EXISTS {sig}")
    for table in ("api_keys", "users", "teams", "tenant_settings", "tenants",
                  "processed_events", "outbox"):
        op.drop_table(table)
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")

"""The contact limit each tenant was last told (`tenant.created` / `tenant.plan_changed`), so
a change of TIDTAM_PLAN_CONTACT_LIMITS can be announced to the tenants it changes
(`POST /api/v1/tenants/announce-limits`), and a function that lists every tenant's plan for
that (the operator acts across tenants; `tenants` is under RLS keyed on its own id).

Revision ID: 0004
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Not yet announced (false) is told on the next announcement, whatever its limit.
    op.execute("ALTER TABLE tenants ADD COLUMN announced_limit integer, "
               "ADD COLUMN limit_announced boolean NOT NULL DEFAULT false")
    op.execute("""CREATE FUNCTION gateway_tenant_plans()
        RETURNS TABLE (id uuid, plan text, announced_limit integer, limit_announced boolean)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT id, plan, announced_limit, limit_announced FROM tenants ORDER BY id
        $$""")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS gateway_tenant_plans()")
    op.execute("ALTER TABLE tenants DROP COLUMN announced_limit, DROP COLUMN limit_announced")

"""NOTIFY `tidtam_callers` with the tenant id whenever a row a caller is built from changes
(users, teams, tenant settings, API keys, tenants), in the same transaction as the change:
every gateway process drops that tenant's cached callers on commit (auth/cache.py).

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# table -> the column holding its tenant's id
TABLES = {"users": "tenant_id", "teams": "tenant_id", "tenant_settings": "tenant_id",
          "api_keys": "tenant_id", "tenants": "id"}


def upgrade() -> None:
    for table, column in TABLES.items():
        # One function per table: a trigger function cannot name "the tenant column" by an
        # argument without dynamic SQL. PostgreSQL folds repeated identical notifications of
        # one transaction into one.
        op.execute(f"""CREATE FUNCTION {table}_notify_callers() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    PERFORM pg_notify('tidtam_callers', OLD.{column}::text);
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    PERFORM pg_notify('tidtam_callers', NEW.{column}::text);
                END IF;
                RETURN NULL;
            END $$""")
        op.execute(f"""CREATE TRIGGER notify_callers AFTER INSERT OR UPDATE OR DELETE
            ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_notify_callers()""")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS notify_callers ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_notify_callers()")

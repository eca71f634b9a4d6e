"""A page of search results straight from `account_search`: the copy also keeps each
account's owner, creation time and whether it is live, so a search with nothing else to
filter on walks the tenant's newest accounts and stops at the page's end (a common word,
matching thousands of accounts, no longer fetches them all to sort them).

Revision ID: 0005_search_page
"""

from alembic import op

revision = "0005_search_page"
down_revision = "0004_search"
branch_labels = None
depends_on = None

TENANT = "NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid"


def upgrade() -> None:
    op.execute("""ALTER TABLE account_search
        ADD COLUMN owner_id uuid, ADD COLUMN created_at timestamptz,
        ADD COLUMN live boolean NOT NULL DEFAULT true""")
    op.execute("""UPDATE account_search s SET owner_id = a.owner_id,
        created_at = a.created_at, live = a.merged_into IS NULL
        FROM accounts a WHERE a.tenant_id = s.tenant_id AND a.id = s.account_id""")
    op.execute("ALTER TABLE account_search ALTER COLUMN owner_id SET NOT NULL, "
               "ALTER COLUMN created_at SET NOT NULL")
    op.execute("CREATE INDEX ix_account_search_newest ON account_search "
               "(tenant_id, created_at DESC, account_id DESC) WHERE live")
    op.execute("""CREATE OR REPLACE FUNCTION account_search_sync() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM account_search WHERE tenant_id = OLD.tenant_id
              AND account_id = OLD.id;
            RETURN NULL;
          END IF;
          INSERT INTO account_search (tenant_id, account_id, search, name_key, owner_id,
                                      created_at, live)
          VALUES (NEW.tenant_id, NEW.id, NEW.search, NEW.name_key, NEW.owner_id,
                  NEW.created_at, NEW.merged_into IS NULL)
          ON CONFLICT (tenant_id, account_id)
          DO UPDATE SET search = EXCLUDED.search, name_key = EXCLUDED.name_key,
                        owner_id = EXCLUDED.owner_id, live = EXCLUDED.live;
          RETURN NULL;
        END $$""")
    op.execute("DROP TRIGGER account_search_sync ON accounts")
    op.execute("""CREATE TRIGGER account_search_sync
        AFTER INSERT OR DELETE OR UPDATE OF search, name_key, owner_id, merged_into
        ON accounts FOR EACH ROW EXECUTE FUNCTION account_search_sync()""")
    # Newest first from the keyset position (after_at, after_id); owners NULL: all.
    op.execute(f"""CREATE FUNCTION account_search_page(pattern text, digits text,
            owners uuid[], after_at timestamptz, after_id uuid, lim integer)
        RETURNS SETOF uuid LANGUAGE plpgsql STABLE SECURITY DEFINER
        SET search_path = public ROWS 50 AS $$
        BEGIN
          RETURN QUERY EXECUTE
            'SELECT account_id FROM account_search WHERE tenant_id = {TENANT} AND live'
            ' AND (search ILIKE $1 OR ($2 IS NOT NULL AND search LIKE $2))'
            ' AND ($3 IS NULL OR owner_id = ANY($3))'
            ' AND ($4 IS NULL OR (created_at, account_id) < ($4, $5))'
            ' ORDER BY created_at DESC, account_id DESC LIMIT $6'
            USING pattern, digits, owners, after_at, after_id, lim;
        END $$""")
    op.execute("ANALYZE account_search")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS account_search_page(text, text, uuid[], timestamptz, "
               "uuid, integer)")
    op.execute("""CREATE OR REPLACE FUNCTION account_search_sync() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            DELETE FROM account_search WHERE tenant_id = OLD.tenant_id
              AND account_id = OLD.id;
            RETURN NULL;
          END IF;
          INSERT INTO account_search (tenant_id, account_id, search, name_key)
          VALUES (NEW.tenant_id, NEW.id, NEW.search, NEW.name_key)
          ON CONFLICT (tenant_id, account_id)
          DO UPDATE SET search = EXCLUDED.search, name_key = EXCLUDED.name_key;
          RETURN NULL;
        END $$""")
    op.execute("DROP INDEX IF EXISTS ix_account_search_newest")
    op.execute("ALTER TABLE account_search DROP COLUMN owner_id, DROP COLUMN created_at, "
               "DROP COLUMN live")

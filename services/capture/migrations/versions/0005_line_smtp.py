"""LINE display names: the webhook keeps what it read of an event (`line_events.payload`: its
type, the user id and the message text) for the service's own consumer, which fetches the
person's profile from LINE's API, publishes `lead.captured` and clears the payload.

The SMTP receiver: `email_inbox_tenant(address)` names the tenant of an inbound address. The
receiver has no tenant until it knows the address, and the inboxes are under RLS, so the
addresses are copied (a trigger) into `email_addresses`, outside RLS but closed to the
application role, which reads it only through that SECURITY DEFINER function: one uuid for
one exact address, no listing (as the leads service's lead_search).

Revision ID: 0005
"""

from alembic import op

from crmkit.migrate import app_role

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE line_events ADD COLUMN payload jsonb")
    op.execute("""CREATE TABLE email_addresses (address text PRIMARY KEY,
                                                tenant_id uuid NOT NULL UNIQUE)""")
    op.execute("REVOKE ALL ON email_addresses FROM PUBLIC")
    op.execute(f"REVOKE ALL ON email_addresses FROM {app_role()}")
    op.execute("INSERT INTO email_addresses SELECT address, tenant_id FROM email_inboxes")
    op.execute("""CREATE FUNCTION email_addresses_sync() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            DELETE FROM email_addresses WHERE tenant_id = OLD.tenant_id;
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO email_addresses VALUES (lower(NEW.address), NEW.tenant_id);
          END IF;
          RETURN NULL;
        END $$""")
    op.execute("""CREATE TRIGGER email_addresses_sync AFTER INSERT OR UPDATE OR DELETE
        ON email_inboxes FOR EACH ROW EXECUTE FUNCTION email_addresses_sync()""")
    op.execute("""CREATE FUNCTION email_inbox_tenant(wanted text) RETURNS uuid
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
          SELECT tenant_id FROM email_addresses WHERE address = lower(wanted) $$""")


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS email_inbox_tenant(text)")
    op.execute("DROP TRIGGER IF EXISTS email_addresses_sync ON email_inboxes")
    op.execute("DROP FUNCTION IF EXISTS email_addresses_sync()")
    op.execute("DROP TABLE IF EXISTS email_addresses")
    op.execute("ALTER TABLE line_events DROP COLUMN payload")

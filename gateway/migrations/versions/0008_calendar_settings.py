"""Tenant settings of the calendar: its time zone and the time of the daily agenda.

Revision ID: 0008_calendar_settings
Revises: 0007_sessions
"""

import sqlalchemy as sa
from alembic import op

from tidtam_contracts.gateway import AgendaTime, TimeZone

revision = "0008_calendar_settings"
down_revision = "0007_sessions"
branch_labels = None
depends_on = None


def _among(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.add_column("tenant_settings", sa.Column("time_zone", sa.Text, nullable=False,
                                               server_default="Asia/Bangkok"))
    op.add_column("tenant_settings", sa.Column("agenda_time", sa.Text, nullable=False,
                                               server_default="07:00"))
    op.create_check_constraint("time_zone", "tenant_settings",
                               _among("time_zone", TimeZone.__args__))
    op.create_check_constraint("agenda_time", "tenant_settings",
                               _among("agenda_time", AgendaTime.__args__))


def downgrade() -> None:
    op.drop_constraint(op.f("ck_tenant_settings_agenda_time"), "tenant_settings", type_="check")
    op.drop_constraint(op.f("ck_tenant_settings_time_zone"), "tenant_settings", type_="check")
    op.drop_column("tenant_settings", "agenda_time")
    op.drop_column("tenant_settings", "time_zone")

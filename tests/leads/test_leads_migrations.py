"""Data migrations of the leads database, run on rows written before them."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.integration

SERVICE_DIR = Path(__file__).resolve().parents[2] / "services" / "leads"


def _sql(url: str, statements: list[tuple]) -> list[list[asyncpg.Record]]:
    async def run() -> list[list[asyncpg.Record]]:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(dsn)
        try:
            return [await conn.fetch(query, *args) for query, *args in statements]
        finally:
            await conn.close()

    return asyncio.run(run())


def _seed_lead(tenant: uuid.UUID, phone: str, ext: str | None) -> list[tuple]:
    pipeline, stage, lead = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    return [
        ("INSERT INTO sources (tenant_id, key, name) VALUES ($1, 'line', 'LINE') "
         "ON CONFLICT DO NOTHING", tenant),
        ("INSERT INTO pipelines (tenant_id, id, name) VALUES ($1, $2, 'ขาย')", tenant, pipeline),
        ("INSERT INTO stages (tenant_id, id, pipeline_id, name, position) "
         "VALUES ($1, $2, $3, 'ใหม่', 0)", tenant, stage, pipeline),
        ("INSERT INTO leads (tenant_id, id, name, phone, phone_ext, email, source, owner_id, "
         "pipeline_id, stage_id) VALUES ($1, $2, 'คุณวิภา', $3, $4, 'w@example.co.th', "
         "'line', $1, $5, $6)", tenant, lead, phone, ext, pipeline, stage),
    ]


def test_0006_writes_the_extension_into_the_phone_for_every_tenant(make_service_db):
    db = make_service_db("leads", SERVICE_DIR)
    cfg = Config(str(SERVICE_DIR / "alembic.ini"))
    cfg.set_main_option("script_location", str(SERVICE_DIR / "migrations"))
    cfg.attributes["database_url"] = db.owner_url
    command.downgrade(cfg, "0005_search")
    a, b = uuid.uuid4(), uuid.uuid4()
    _sql(db.owner_url, _seed_lead(a, "+6621234567", "12") + _seed_lead(b, "+66812345678", None))
    command.upgrade(cfg, "heads")
    phones, search, columns = _sql(db.owner_url, [
        ("SELECT tenant_id, phone FROM leads",),
        ("SELECT s.search FROM lead_search s WHERE s.tenant_id = $1", a),
        ("SELECT column_name FROM information_schema.columns WHERE table_name = 'leads' "
         "AND column_name = 'phone_ext'",),
    ])
    assert {(r["tenant_id"], r["phone"]) for r in phones} == {
        (a, "+6621234567;ext=12"), (b, "+66812345678")}
    assert "021234567;ext=12" in search[0]["search"]  # the local form search looks for
    assert columns == []
    assert _sql(db.owner_url, [("SELECT relforcerowsecurity FROM pg_class "
                                "WHERE relname = 'leads'",)])[0][0][0] is True
    command.downgrade(cfg, "0005_search")
    rows = _sql(db.owner_url, [("SELECT tenant_id, phone, phone_ext FROM leads",)])[0]
    assert {tuple(r) for r in rows} == {(a, "+6621234567", "12"), (b, "+66812345678", None)}


def test_the_history_takes_every_kind_the_service_writes(make_service_db):
    """Each migration that adds history kinds re-creates the check with the whole list: one
    written beside another (branches merged in either order) must not drop the other's."""
    from tidtam_leads.followups.schemas import Kind

    db = make_service_db("leads", SERVICE_DIR)
    [[row]] = _sql(db.owner_url, [(
        "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint "
        "WHERE conname = 'ck_lead_history_kind'",)])
    missing = [k for k in Kind.__args__ if f"'{k}'" not in row["def"]]
    assert missing == [], f"the history's check refuses {missing}"

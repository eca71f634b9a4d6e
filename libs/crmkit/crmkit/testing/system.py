"""The whole system as real processes on fresh databases: for e2e tests and benchmarks.

    system = System(owner_db_url, amqp_url, tag="e2e")
    system.start()          # migrates, starts leads then gateway, waits for /readyz
    system.gateway.url, system.leads.url, system.operator_token
    system.stop()
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from crmkit import migrate
from crmkit.testing.process import ServiceProcess

ROOT = Path(__file__).resolve().parents[4]
APP_ROLE = "tidtam_app"


def _with_db(url: str, db: str, user: str | None = None) -> str:
    u = make_url(url).set(database=db)
    if user:
        u = u.set(username=user, password=None)
    return u.render_as_string(hide_password=False)


class System:
    def __init__(self, owner_db_url: str, amqp_url: str, *, tag: str = "sys",
                 log_dir: Path | None = None, extra_env: dict[str, str] | None = None,
                 unique: bool = True):
        suffix = f"_{uuid.uuid4().hex[:8]}" if unique else ""
        self.owner_db_url = owner_db_url
        self.amqp_url = amqp_url
        self.dbs = {"leads": f"tidtam_{tag}_leads{suffix}",
                    "gateway": f"tidtam_{tag}_gateway{suffix}"}
        self.operator_token = secrets.token_urlsafe(24)
        self.context_secret = secrets.token_urlsafe(24)
        self.log_dir = log_dir or ROOT / ".run" / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.extra_env = extra_env or {}
        self.leads: ServiceProcess | None = None
        self.gateway: ServiceProcess | None = None

    def db_url(self, service: str, *, owner: bool = False) -> str:
        return _with_db(self.owner_db_url, self.dbs[service], None if owner else APP_ROLE)

    def migrate(self) -> None:
        migrate.setup(ROOT / "services" / "leads", self.db_url("leads", owner=True), APP_ROLE)
        migrate.setup(ROOT / "gateway", self.db_url("gateway", owner=True), APP_ROLE)

    def common_env(self) -> dict[str, str]:
        return {"TIDTAM_ENV": "test", "TIDTAM_AMQP_URL": self.amqp_url,
                "TIDTAM_CONTEXT_SECRET": self.context_secret, "TIDTAM_LOG_LEVEL": "WARNING",
                **self.extra_env}

    def leads_process(self, port: int | None = None, env: dict[str, str] | None = None):
        return ServiceProcess("tidtam_leads.main:app", {
            **self.common_env(), "TIDTAM_LEADS_DATABASE_URL": self.db_url("leads"),
            **(env or {})}, port=port, log_path=self.log_dir / f"{self.dbs['leads']}.log")

    def start(self) -> System:
        self.migrate()
        self.leads = self.leads_process().start()
        self.gateway = ServiceProcess("tidtam_gateway.main:app", {
            **self.common_env(), "TIDTAM_GATEWAY_DATABASE_URL": self.db_url("gateway"),
            "TIDTAM_LEADS_URL": self.leads.url, "TIDTAM_OPERATOR_TOKEN": self.operator_token,
            "TIDTAM_JWT_SECRET": secrets.token_urlsafe(24),
        }, log_path=self.log_dir / f"{self.dbs['gateway']}.log").start()
        return self

    def stop(self, drop: bool = True) -> None:
        for proc in (self.gateway, self.leads):
            if proc:
                proc.stop()
        if drop:
            asyncio.run(self._drop())

    async def _drop(self) -> None:
        conn = await asyncpg.connect(_with_db(self.owner_db_url, "postgres")
                                     .replace("postgresql+asyncpg", "postgresql"))
        try:
            for db in self.dbs.values():
                await conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        finally:
            await conn.close()

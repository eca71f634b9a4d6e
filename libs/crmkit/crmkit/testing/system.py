"""The whole system as real processes on fresh databases: for e2e tests and benchmarks.

    system = System(owner_db_url, amqp_url, tag="e2e")
    system.start()          # migrates, starts the services then the gateway (/readyz)
    system.gateway.url, system.leads.url, system.accounts.url, system.notifications.url,
    system.activities.url, system.documents.url, system.capture.url, system.insights.url,
    system.operator_token

`only=("accounts", "leads", "capture")` starts those services (and the gateway) alone: the
others' databases are still made, their addresses answer nothing.
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
APP_ROLE = migrate.APP_ROLE
RELAY_ROLE = migrate.RELAY_ROLE
# services/, a database each
SERVICES = ("leads", "accounts", "notifications", "activities", "documents", "capture",
            "insights")
# Where a service left out (`only`) is said to be: a port nothing listens on (discard), never
# the default ports another run on this machine may be using.
NOWHERE = "http://127.0.0.1:9"


def _with_db(url: str, db: str, user: str | None = None) -> str:
    u = make_url(url).set(database=db)
    if user:
        u = u.set(username=user, password=None)
    return u.render_as_string(hide_password=False)


class System:
    def __init__(self, owner_db_url: str, amqp_url: str, *, tag: str = "sys",
                 log_dir: Path | None = None, extra_env: dict[str, str] | None = None,
                 unique: bool = True, only: tuple[str, ...] | None = None):
        suffix = f"_{uuid.uuid4().hex[:8]}" if unique else ""
        self.owner_db_url = owner_db_url
        self.amqp_url = amqp_url
        self.dbs = {name: f"tidtam_{tag}_{name}{suffix}" for name in (*SERVICES, "gateway")}
        self.operator_token = secrets.token_urlsafe(24)
        self.context_secret = secrets.token_urlsafe(24)
        self.log_dir = log_dir or ROOT / ".run" / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.extra_env = extra_env or {}
        self.leads: ServiceProcess | None = None
        self.accounts: ServiceProcess | None = None
        self.notifications: ServiceProcess | None = None
        self.activities: ServiceProcess | None = None
        self.documents: ServiceProcess | None = None
        self.capture: ServiceProcess | None = None
        self.insights: ServiceProcess | None = None
        self.only = only
        self.gateway: ServiceProcess | None = None

    def db_url(self, service: str, *, owner: bool = False, relay: bool = False) -> str:
        """The request role's URL; the owner's with `owner`, the outbox relay's with `relay`."""
        role = None if owner else RELAY_ROLE if relay else APP_ROLE
        return _with_db(self.owner_db_url, self.dbs[service], role)

    def migrate(self) -> None:
        for name in SERVICES:
            migrate.setup(ROOT / "services" / name, self.db_url(name, owner=True), APP_ROLE)
        migrate.setup(ROOT / "gateway", self.db_url("gateway", owner=True), APP_ROLE)

    def common_env(self) -> dict[str, str]:
        return {"TIDTAM_ENV": "test", "TIDTAM_AMQP_URL": self.amqp_url,
                "TIDTAM_CONTEXT_SECRET": self.context_secret, "TIDTAM_LOG_LEVEL": "WARNING",
                **self.extra_env}

    def service_process(self, name: str, port: int | None = None,
                        env: dict[str, str] | None = None) -> ServiceProcess:
        """A (not yet started) process of service `name`; pass `port` to restart one on
        the port the gateway already points at."""
        return ServiceProcess(f"tidtam_{name}.main:app", {
            **self.common_env(), **self.peer_urls(),
            f"TIDTAM_{name.upper()}_DATABASE_URL": self.db_url(name),
            f"TIDTAM_{name.upper()}_RELAY_DATABASE_URL": self.db_url(name, relay=True),
            **(env or {})}, port=port, log_path=self.log_dir / f"{self.dbs[name]}.log")

    def leads_process(self, port: int | None = None,
                      env: dict[str, str] | None = None) -> ServiceProcess:
        return self.service_process("leads", port, env)

    def accounts_process(self, port: int | None = None,
                         env: dict[str, str] | None = None) -> ServiceProcess:
        return self.service_process("accounts", port, env)

    def peer_urls(self) -> dict[str, str]:
        """`TIDTAM_<NAME>_URL` of every service already started (services call each other
        for fresh reads, e.g. leads reads an account when a lead is made from it)."""
        urls = {f"TIDTAM_{name.upper()}_URL": getattr(self, name).url
                for name in SERVICES if getattr(self, name) is not None}
        if self.only is not None:
            urls = {**{f"TIDTAM_{name.upper()}_URL": NOWHERE for name in SERVICES}, **urls}
        return urls

    def start(self, ready_timeout: float | None = None) -> System:
        """`ready_timeout`: seconds each process may take to answer /readyz (default
        `TIDTAM_TEST_READY_TIMEOUT`, 120)."""
        try:
            return self._start(ready_timeout)
        except BaseException:
            self.stop()  # what did start ends now, not at exit
            raise

    def _start(self, ready_timeout: float | None) -> System:
        self.migrate()
        # accounts first: leads reads accounts (a lead made from an account).
        for name in ("accounts", "leads", "notifications", "activities", "documents",
                     "capture", "insights"):
            if self.only is None or name in self.only:
                setattr(self, name, self.service_process(name).start(ready_timeout))
        self.gateway = ServiceProcess("tidtam_gateway.main:app", {
            **self.common_env(), **self.peer_urls(),
            "TIDTAM_GATEWAY_DATABASE_URL": self.db_url("gateway"),
            "TIDTAM_GATEWAY_RELAY_DATABASE_URL": self.db_url("gateway", relay=True),
            "TIDTAM_OPERATOR_TOKEN": self.operator_token,
            "TIDTAM_JWT_SECRET": secrets.token_urlsafe(24),
        }, log_path=self.log_dir / f"{self.dbs['gateway']}.log").start(ready_timeout)
        return self

    def stop(self, drop: bool = True) -> None:
        for proc in (self.gateway, self.insights, self.capture, self.documents, self.activities,
                     self.notifications, self.leads, self.accounts):
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

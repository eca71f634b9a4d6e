"""Reusable helpers for tests that drive the accounts service.

- `run_accounts_service(db, amqp_url, secret)`: the real `uvicorn tidtam_accounts.main:app`.
- `make_tenant`: crmkit.testing.tenants' tenant (people in two teams, announced through the
  broker) signed with this suite's secret.
"""

from __future__ import annotations

from pathlib import Path

from crmkit.testing.process import ServiceProcess
from crmkit.testing.tenants import (  # noqa: F401  (re-exported for the accounts tests)
    GatewayEvents,
    Person,
    Tenant,
    pg_dsn,
    wait_for_users,
)
from crmkit.testing.tenants import make_tenant as _make_tenant

SECRET = "accounts-test-context-secret"
ACCOUNTS_DIR = Path(__file__).resolve().parents[2] / "services" / "accounts"


def run_accounts_service(db, amqp_url: str, secret: str = SECRET,
                         log_path: Path | None = None, **env: str) -> ServiceProcess:
    return ServiceProcess("tidtam_accounts.main:app", env={
        "TIDTAM_ENV": "test",
        "TIDTAM_ACCOUNTS_DATABASE_URL": db.app_url,
        "TIDTAM_AMQP_URL": amqp_url,
        "TIDTAM_CONTEXT_SECRET": secret,
        "TIDTAM_OUTBOX_SWEEP_SECONDS": "0.5",
        "TIDTAM_LOG_LEVEL": "WARNING",
        **env,
    }, log_path=log_path).start()


async def make_tenant(gateway: GatewayEvents, owner_url: str, *, secret: str = SECRET,
                      **kw) -> Tenant:
    return await _make_tenant(gateway, owner_url, secret=secret, **kw)

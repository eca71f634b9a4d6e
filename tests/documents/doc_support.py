"""Reusable helpers for the documents service tests: the real service process and its
database for checks."""

from __future__ import annotations

from pathlib import Path

from crmkit.testing.process import ServiceProcess
from crmkit.testing.tenants import GatewayEvents, Tenant
from crmkit.testing.tenants import make_tenant as _make_tenant

SECRET = "documents-test-context-secret"
DOCUMENTS_DIR = Path(__file__).resolve().parents[2] / "services" / "documents"


def service_env(db, amqp_url: str, **env: str) -> dict[str, str]:
    return {
        "TIDTAM_ENV": "test",
        "TIDTAM_DOCUMENTS_DATABASE_URL": db.app_url,
        "TIDTAM_AMQP_URL": amqp_url,
        "TIDTAM_CONTEXT_SECRET": SECRET,
        "TIDTAM_OUTBOX_SWEEP_SECONDS": "0.5",
        "TIDTAM_LOG_LEVEL": "WARNING",
        **env,
    }


def run_service(db, amqp_url: str, log_path: Path | None = None, port: int | None = None,
                **env: str) -> ServiceProcess:
    return ServiceProcess("tidtam_documents.main:app", env=service_env(db, amqp_url, **env),
                          port=port, log_path=log_path).start()


async def make_tenant(gateway: GatewayEvents, owner_url: str) -> Tenant:
    return await _make_tenant(gateway, owner_url, secret=SECRET)

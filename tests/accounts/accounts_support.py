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


def tax_id(n: int, *, company: bool = True) -> str:
    """A valid Thai tax ID (check digit computed): a company's (0…) or a person's (1…)."""
    from stdnum.th import moa, pin

    body = f"0105{n:08d}" if company else f"1{n:011d}"
    return body + (moa if company else pin).calc_check_digit(body)


def thai_company(n: int, **extra) -> dict:
    """A company account's body, Thai throughout, with a tax ID of its own."""
    return {
        "kind": "company", "name": f"บริษัท ไทยรุ่งเรือง{n} จำกัด", "name_en": f"Thai Rung {n}",
        "tax_id": tax_id(n), "phones": [f"02-{100 + n % 800:03d}-{n % 10000:04d}"],
        "emails": [f"info{n}@thairung.co.th"],
        "address": {"line": "99/1 ถนนนิมมานเหมินท์", "subdistrict": "สุเทพ",
                    "district": "เมืองเชียงใหม่", "province": "เชียงใหม่", "postcode": "50200"},
        **extra,
    }

"""Reusable helpers for tests that drive the leads service (also for later e2e tests).

- `run_leads_service(db, amqp_url, secret)`: the real `uvicorn tidtam_leads.main:app`.
- `make_tenant`: crmkit.testing.tenants' tenant (people in two teams, announced through the
  broker) signed with this suite's secret.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import anyio

from crmkit.events import CloudEvent
from crmkit.testing.process import ServiceProcess
from crmkit.testing.tenants import (  # noqa: F401  (re-exported for the leads tests)
    GatewayEvents,
    Person,
    Tenant,
    fetchval,
    pg_dsn,
    wait_for_users,
)
from crmkit.testing.tenants import make_tenant as _make_tenant
from tidtam_contracts.accounts import AccountCreatedV1, ContactCreatedV1
from tidtam_contracts.documents import ProductCreatedV1

SECRET = "leads-test-context-secret"
LEADS_DIR = Path(__file__).resolve().parents[2] / "services" / "leads"


def run_leads_service(db, amqp_url: str, secret: str = SECRET,
                      log_path: Path | None = None, ready_timeout: float | None = None,
                      **env: str) -> ServiceProcess:
    return ServiceProcess("tidtam_leads.main:app", env={
        "TIDTAM_ENV": "test",
        "TIDTAM_LEADS_DATABASE_URL": db.app_url,
        "TIDTAM_AMQP_URL": amqp_url,
        "TIDTAM_CONTEXT_SECRET": secret,
        "TIDTAM_OUTBOX_SWEEP_SECONDS": "0.5",
        "TIDTAM_LOG_LEVEL": "WARNING",
        **env,
    }, log_path=log_path).start(ready_timeout)


async def make_tenant(gateway: GatewayEvents, owner_url: str, *, secret: str = SECRET,
                      **kw) -> Tenant:
    return await _make_tenant(gateway, owner_url, secret=secret, **kw)


def lead_body(**over) -> dict:
    body = {"name": "คุณสมศักดิ์ ใจดี", "phone": "081-234-5678",
            "email": f"somsak.{uuid.uuid4().hex[:8]}@example.co.th", "source": "website"}
    body.update(over)
    return body


async def given_product(gateway_events, tenant, leads_db, **over: Any) -> dict[str, Any]:
    """A catalogue product as the documents service announces it, once this service has
    it."""
    data = {"id": str(uuid.uuid4()), "sku": f"P-{uuid.uuid4().hex[:6]}",
            "name": "กล้องวงจรปิด", "name_en": "CCTV", "unit": "ชุด", "unit_price": "2500.00",
            "vat_type": "vat7", "active": True, "version": 1, **over}
    await gateway_events.republish(CloudEvent(
        source="/services/documents", type=ProductCreatedV1.TYPE, subject=data["id"],
        tenantid=str(tenant.id), sequence=1, dataversion="1",
        data=ProductCreatedV1.model_validate(data).model_dump(mode="json")))
    with anyio.fail_after(15):
        while True:
            if await fetchval(leads_db.owner_url, "SELECT version FROM products WHERE id = $1",
                              uuid.UUID(data["id"])) is not None:
                return data
            await anyio.sleep(0.05)


async def _announced(gateway_events, tenant, leads_db, *, table: str, source: str,
                     contract: Any, data: dict[str, Any], sequence: int = 1) -> None:
    await gateway_events.republish(CloudEvent(
        source=source, type=contract.TYPE, subject=data["id"], tenantid=str(tenant.id),
        sequence=sequence, dataversion="1",
        data=contract.model_validate(data).model_dump(mode="json")))
    with anyio.fail_after(15):
        while True:
            if await fetchval(leads_db.owner_url, f"SELECT sequence FROM {table} WHERE id = $1",
                              uuid.UUID(data["id"])) == sequence:
                return
            await anyio.sleep(0.05)


def account_data(owner: Person, **over: Any) -> dict[str, Any]:
    now = "2026-12-01T09:00:00+07:00"
    return {"id": str(uuid.uuid4()), "kind": "company", "name": "บริษัท ลูกค้า จำกัด",
            "name_en": None, "tax_id": None, "branch": None, "branch_label": None,
            "address": None, "phones": [], "emails": [], "website": None, "line_id": None,
            "location": None, "owner_id": str(owner.id), "credit_limit": None,
            "credit_days": None, "bill_discount": None, "anniversaries": [], "labels": [],
            "custom": {}, "version": 1, "created_at": now, "updated_at": now, **over}


async def given_account(gateway_events, tenant, leads_db, owner: Person | None = None,
                        **over: Any) -> dict[str, Any]:
    """An account as the accounts service announces it (`account.created`), once this
    service's projection has it (deals may name it)."""
    data = account_data(owner or tenant.sales1, **over)
    await _announced(gateway_events, tenant, leads_db, table="known_accounts",
                     source="/services/accounts", contract=AccountCreatedV1, data=data)
    return data


async def given_contact(gateway_events, tenant, leads_db, account_id: str,
                        **over: Any) -> dict[str, Any]:
    now = "2026-12-01T09:00:00+07:00"
    data = {"id": str(uuid.uuid4()), "account_id": account_id, "name": "คุณมานี",
            "position": None, "phones": [], "emails": [], "line_id": None, "birthday": None,
            "is_primary": False, "version": 1, "created_at": now, "updated_at": now, **over}
    await _announced(gateway_events, tenant, leads_db, table="known_contacts",
                     source="/services/accounts", contract=ContactCreatedV1, data=data)
    return data

"""Reusable helpers for the documents service tests: the real service process, lead and
account events as their services publish them, the service's database for checks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio

from crmkit.events import CloudEvent
from crmkit.testing.process import ServiceProcess
from crmkit.testing.tenants import GatewayEvents, Tenant, fetchval
from crmkit.testing.tenants import make_tenant as _make_tenant
from tidtam_contracts import EventData
from tidtam_contracts.accounts import AccountCreatedV1
from tidtam_contracts.leads import LeadCreatedV2

SECRET = "documents-test-context-secret"
# Seconds to wait for the service: it also starts its render workers (slow on a busy machine).
READY_TIMEOUT = 120.0
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
                          port=port, log_path=log_path).start(READY_TIMEOUT)


async def make_tenant(gateway: GatewayEvents, owner_url: str) -> Tenant:
    return await _make_tenant(gateway, owner_url, secret=SECRET)


def lead(owner: uuid.UUID, **over: Any) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {"id": str(uuid.uuid4()), "name": "คุณสมศรี มีสุข", "phone": "+66812345678",
            "email": "somsri@example.co.th", "company": "บริษัท ข้าวหอม จำกัด", "note": None,
            "source": "website", "owner_id": str(owner), "box": "inbox", "reason": None,
            "sent_by": [], "pipeline_id": str(uuid.uuid4()), "stage_id": str(uuid.uuid4()),
            "potential": None, "custom": {}, "account_id": None, "contact_id": None,
            "conversion_status": None, "version": 1, "created_at": now, "updated_at": now,
            **over}


def account(owner: uuid.UUID, **over: Any) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {"id": str(uuid.uuid4()), "kind": "company", "name": "บริษัท ลูกค้าดี จำกัด",
            "name_en": "Good Customer Co., Ltd.", "tax_id": "0105558000006", "branch": "00000",
            "branch_label": "สำนักงานใหญ่",
            "address": {"line": "99/1 ถนนสุขุมวิท", "subdistrict": "คลองเตยเหนือ",
                        "district": "วัฒนา", "province": "กรุงเทพมหานคร", "postcode": "10110"},
            "phones": [], "emails": [], "website": None, "line_id": None, "location": None,
            "owner_id": str(owner), "credit_limit": None, "credit_days": 30,
            "bill_discount": None, "anniversaries": [], "labels": [], "custom": {},
            "version": 1, "created_at": now, "updated_at": now, **over}


async def publish(gateway: GatewayEvents, tenant: Tenant, model: type[EventData],
                  data: dict[str, Any], source: str) -> CloudEvent:
    """An event as its service publishes it (validated against its contract)."""
    event = CloudEvent(source=source, type=model.TYPE, subject=data["id"],
                       tenantid=str(tenant.id), sequence=data["version"],
                       dataversion=model.VERSION,
                       data=model.model_validate(data).model_dump(mode="json"))
    await gateway.republish(event)
    return event


async def known(owner_url: str, table: str, row_id: str, version: int = 1) -> None:
    """Waits until the service's projection has applied the row's event of `version`."""
    with anyio.fail_after(15):
        while True:
            seen = await fetchval(owner_url, f"SELECT sequence FROM {table} WHERE id = $1",
                                  uuid.UUID(row_id))
            if seen == version:
                return
            await anyio.sleep(0.05)


async def given_lead(gateway: GatewayEvents, tenant: Tenant, owner_url: str,
                     owner: uuid.UUID, **over: Any) -> dict[str, Any]:
    data = lead(owner, **over)
    await publish(gateway, tenant, LeadCreatedV2, data, "/services/leads")
    await known(owner_url, "leads", data["id"], data["version"])
    return data


async def given_account(gateway: GatewayEvents, tenant: Tenant, owner_url: str,
                        owner: uuid.UUID, **over: Any) -> dict[str, Any]:
    data = account(owner, **over)
    await publish(gateway, tenant, AccountCreatedV1, data, "/services/accounts")
    await known(owner_url, "accounts", data["id"], data["version"])
    return data

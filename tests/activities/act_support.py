"""Reusable helpers for the activities service tests: the real service process, lead and
account events as their services publish them, waiting for the projections."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crmkit.events import CloudEvent
from crmkit.testing.process import ServiceProcess
from crmkit.testing.tenants import GatewayEvents, Person, Tenant, fetchval
from crmkit.testing.tenants import make_tenant as _make_tenant
from tidtam_contracts import EventData
from tidtam_contracts.accounts import AccountCreatedV1, ContactCreatedV1
from tidtam_contracts.leads import LeadCreatedV2

SECRET = "activities-test-context-secret"
ACTIVITIES_DIR = Path(__file__).resolve().parents[2] / "services" / "activities"


def service_env(db, amqp_url: str, **env: str) -> dict[str, str]:
    return {
        "TIDTAM_ENV": "test",
        "TIDTAM_ACTIVITIES_DATABASE_URL": db.app_url,
        "TIDTAM_AMQP_URL": amqp_url,
        "TIDTAM_CONTEXT_SECRET": SECRET,
        "TIDTAM_OUTBOX_SWEEP_SECONDS": "0.5",
        "TIDTAM_LOG_LEVEL": "WARNING",
        **env,
    }


def run_service(db, amqp_url: str, log_path: Path | None = None, port: int | None = None,
                **env: str) -> ServiceProcess:
    return ServiceProcess("tidtam_activities.main:app", env=service_env(db, amqp_url, **env),
                          port=port, log_path=log_path).start()


async def make_tenant(gateway: GatewayEvents, owner_url: str) -> Tenant:
    return await _make_tenant(gateway, owner_url, secret=SECRET)


def _now() -> str:
    return datetime.now(UTC).isoformat()


def lead(owner: Person, **over: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "name": "คุณสมศรี มีสุข", "phone": "+66812345678",
            "email": "somsri@example.co.th", "company": "บริษัท ข้าวหอม จำกัด", "note": None,
            "source": "website", "owner_id": str(owner.id), "box": "inbox", "reason": None,
            "sent_by": [], "pipeline_id": str(uuid.uuid4()), "stage_id": str(uuid.uuid4()),
            "potential": None, "custom": {}, "account_id": None, "contact_id": None,
            "conversion_status": None, "version": 1, "created_at": _now(),
            "updated_at": _now(), **over}


def account(owner: Person, location: tuple[float, float] | None = (13.7563, 100.5018),
            **over: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "kind": "company", "name": "บริษัท ข้าวหอม จำกัด",
            "name_en": None, "tax_id": None, "branch": None, "branch_label": None,
            "address": None, "phones": [], "emails": [], "website": None, "line_id": None,
            "location": {"lat": location[0], "lon": location[1]} if location else None,
            "owner_id": str(owner.id), "credit_limit": None, "credit_days": None,
            "bill_discount": None, "anniversaries": [], "labels": [], "custom": {},
            "version": 1, "created_at": _now(), "updated_at": _now(), **over}


def contact(account_id: str, **over: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "account_id": account_id, "name": "คุณมานี ใจดี",
            "position": None, "phones": [], "emails": [], "line_id": None, "birthday": None,
            "is_primary": True, "version": 1, "created_at": _now(), "updated_at": _now(),
            **over}


async def publish(gateway: GatewayEvents, tenant: Tenant, model: type[EventData],
                  data: dict[str, Any], source: str) -> CloudEvent:
    """An event as its service publishes it (validated against its contract)."""
    event = CloudEvent(source=source, type=model.TYPE, subject=data["id"],
                       tenantid=str(tenant.id), sequence=data["version"],
                       dataversion=model.VERSION,
                       data=model.model_validate(data).model_dump(mode="json"))
    await gateway.republish(event)
    return event


async def until_row(db, sql: str, *args: object, timeout: float = 15.0) -> Any:
    """Poll the service's database (as its owner) until `sql` gives a value."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await fetchval(db.owner_url, sql, *args)
        if value:
            return value
        assert asyncio.get_running_loop().time() < deadline, f"never: {sql} {args}"
        await asyncio.sleep(0.05)


async def known_lead(gateway: GatewayEvents, tenant: Tenant, db, owner: Person,
                     model: type[EventData] = LeadCreatedV2, **over: Any) -> dict[str, Any]:
    """A lead announced as the leads service does, once the projection has it."""
    data = lead(owner, **over)
    await publish(gateway, tenant, model, data, "/services/leads")
    await until_row(db, "SELECT 1 FROM lead_records WHERE id = $1 AND sequence = $2",
                    uuid.UUID(data["id"]), data["version"])
    return data


async def known_account(gateway: GatewayEvents, tenant: Tenant, db, owner: Person,
                        model: type[EventData] = AccountCreatedV1, **over: Any) -> dict[str, Any]:
    data = account(owner, **over)
    await publish(gateway, tenant, model, data, "/services/accounts")
    await until_row(db, "SELECT 1 FROM account_records WHERE id = $1 AND sequence = $2",
                    uuid.UUID(data["id"]), data["version"])
    return data


async def known_contact(gateway: GatewayEvents, tenant: Tenant, db, account_id: str,
                        model: type[EventData] = ContactCreatedV1,
                        **over: Any) -> dict[str, Any]:
    """A contact announced as the accounts service does, once the projection has it."""
    data = contact(account_id, **over)
    await publish(gateway, tenant, model, data, "/services/accounts")
    await until_row(db, "SELECT 1 FROM contact_records WHERE id = $1 AND sequence = $2",
                    uuid.UUID(data["id"]), data["version"])
    return data

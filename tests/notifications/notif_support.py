"""Reusable helpers for the notifications service tests: the real service process, lead
events as the leads service publishes them, the service's database for checks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crmkit.events import CloudEvent
from crmkit.testing.process import ServiceProcess
from crmkit.testing.tenants import GatewayEvents, Person, Tenant, fetchval  # noqa: F401
from crmkit.testing.tenants import make_tenant as _make_tenant
from tidtam_contracts import EventData
from tidtam_contracts.leads import LeadSentV2, LeadTransferredV2

SECRET = "notifications-test-context-secret"
NOTIFICATIONS_DIR = Path(__file__).resolve().parents[2] / "services" / "notifications"
PUBLIC_URL = "https://crm.example.co.th"
RECEIVER_HOSTS = "127.0.0.2/32"


def service_env(db, amqp_url: str, smtp_url: str, **env: str) -> dict[str, str]:
    return {
        "TIDTAM_ENV": "test",
        "TIDTAM_NOTIFICATIONS_DATABASE_URL": db.app_url,
        "TIDTAM_AMQP_URL": amqp_url,
        "TIDTAM_CONTEXT_SECRET": SECRET,
        "TIDTAM_OUTBOX_SWEEP_SECONDS": "0.5",
        "TIDTAM_LOG_LEVEL": "WARNING",
        "TIDTAM_SMTP_URL": smtp_url,
        "TIDTAM_MAIL_FROM": "Tidtam ติดตาม <no-reply@crm.example.co.th>",
        "TIDTAM_PUBLIC_URL": PUBLIC_URL,
        "TIDTAM_MAIL_POLL_SECONDS": "0.2",
        "TIDTAM_MAIL_RETRY_SECONDS": "0.5",
        "TIDTAM_MAIL_GATHER_SECONDS": "1",
        "TIDTAM_MAIL_LEASE_SECONDS": "2",
        # Webhook receivers in tests listen on 127.0.0.2 (127.0.0.1 stays refused).
        "TIDTAM_WEBHOOK_ALLOW_HOSTS": RECEIVER_HOSTS,
        "TIDTAM_WEBHOOK_POLL_SECONDS": "0.2",
        **env,
    }


def run_service(db, amqp_url: str, smtp_url: str, log_path: Path | None = None,
                port: int | None = None, **env: str) -> ServiceProcess:
    return ServiceProcess("tidtam_notifications.main:app",
                          env=service_env(db, amqp_url, smtp_url, **env), port=port,
                          log_path=log_path).start()


async def make_tenant(gateway: GatewayEvents, owner_url: str) -> Tenant:
    return await _make_tenant(gateway, owner_url, secret=SECRET)


async def set_language(gateway: GatewayEvents, tenant: Tenant, person: Person,
                       language: str) -> None:
    """user.updated with the user's language, as the gateway publishes it."""
    tenant.seq += 1
    await gateway.publish("user.updated", tenant.id, person.id, {
        "id": str(person.id), "tenant_id": str(tenant.id), "email": person.email,
        "name": person.name, "role": person.role,
        "team_id": str(person.team_id) if person.team_id else None, "active": True,
        "language": language}, tenant.seq)


def lead(owner: uuid.UUID, **over: Any) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    return {"id": str(uuid.uuid4()), "name": "คุณสมศรี มีสุข", "phone": "+66812345678",
            "email": "somsri@example.co.th", "company": "บริษัท ข้าวหอม จำกัด", "note": None,
            "source": "website", "owner_id": str(owner), "box": "inbox", "reason": None,
            "sent_by": [], "pipeline_id": str(uuid.uuid4()), "stage_id": str(uuid.uuid4()),
            "potential": None, "custom": {}, "account_id": None, "contact_id": None,
            "conversion_status": None, "version": 2, "created_at": now, "updated_at": now,
            **over}


async def publish_lead(gateway: GatewayEvents, tenant: Tenant, model: type[EventData],
                       data: dict[str, Any], correlation: str | None = None) -> CloudEvent:
    """A lead event as the leads service publishes it (validated against its contract),
    carrying the request's correlation id when given."""
    event = CloudEvent(source="/services/leads", type=model.TYPE, subject=data["id"],
                       tenantid=str(tenant.id), sequence=data["version"],
                       dataversion=model.VERSION, correlationid=correlation,
                       data=model.model_validate(data).model_dump(mode="json"))
    await gateway.republish(event)
    return event


def sent(to: Person, by: Person, **over: Any) -> dict[str, Any]:
    return {**lead(to.id, sent_by=[str(by.id)]), "from_box": "inbox",
            "from_user_id": str(by.id), "to_user_id": str(to.id),
            "send_note": "ช่วยโทรหาลูกค้าพรุ่งนี้ด้วยครับ", **over}


__all__ = ["LeadSentV2", "LeadTransferredV2"]

"""No second email when the worker is SIGKILLed mid-send: the SMTP server has taken the
message and not yet answered when the process dies; the restarted service finds the email
`sending` past its lease, marks it `unconfirmed` and never sends it again."""

from __future__ import annotations

import asyncio

import pytest
from notif_support import NOTIFICATIONS_DIR, make_tenant, publish_lead, run_service, sent

from crmkit.testing.mailsink import MailSink
from crmkit.testing.tenants import GatewayEvents, fetchval
from tidtam_contracts.leads import LeadSentV2

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def crash_setup(make_service_db, make_vhost, tmp_path):
    db = make_service_db("notifications_crash", NOTIFICATIONS_DIR)
    amqp = make_vhost("notifications-crash")
    sink = MailSink(hold_seconds=4).start()
    yield db, amqp, sink, tmp_path / "notifications.log"
    sink.stop()


async def test_sigkill_mid_send_sends_no_second_email(crash_setup):
    db, amqp, sink, log = crash_setup
    service = run_service(db, amqp, sink.url, log_path=log)
    gateway = GatewayEvents(amqp)
    await gateway.start()
    try:
        tenant = await make_tenant(gateway, db.owner_url)
        await publish_lead(gateway, tenant, LeadSentV2, sent(tenant.sales1, tenant.admin))
        # the server has the whole message; its 250 is 4 s away
        await asyncio.to_thread(sink.wait_for, 1, tenant.sales1.email, 20.0)
        status = await fetchval(db.owner_url, "SELECT status FROM emails")
        assert status == "sending"
        service.kill()
        service = run_service(db, amqp, sink.url, log_path=log, port=service.port)
        for _ in range(200):
            status = await fetchval(db.owner_url, "SELECT status FROM emails")
            if status == "unconfirmed":
                break
            await asyncio.sleep(0.1)
        assert status == "unconfirmed"
        await asyncio.sleep(2)  # several worker passes later
        assert len(sink.to(tenant.sales1.email)) == 1
        assert await fetchval(db.owner_url, "SELECT attempts FROM emails") == 1
    finally:
        await gateway.stop()
        service.stop()

"""Webhook deliveries through the real service: an event published on the exchange reaches
the receiver as its CloudEvent, signed so that the `standardwebhooks` library verifies it
(also with both secrets across a rotation); the deliveries log and a manual retry; a
redirect (to an internal address) is not followed; a hanging receiver does not delay
another endpoint; a 410 disables the endpoint and tells the admins by email and in-app."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from notif_support import lead, publish_lead, set_language
from standardwebhooks import Webhook, WebhookVerificationError
from test_email import wait_mail
from test_notices import until

from crmkit.testing.receiver import HttpReceiver
from tidtam_contracts.leads import LeadCreatedV2

pytestmark = pytest.mark.integration


@pytest.fixture
async def receiver():
    made: list[HttpReceiver] = []

    async def make(host: str = "127.0.0.2", **behaviour) -> HttpReceiver:
        made.append(await HttpReceiver(host, **behaviour).start())
        return made[-1]

    yield make
    for r in made:
        await r.stop()


async def hook(api, tenant, url, events=("lead.*",)):
    r = await api.post("/api/v1/webhooks", json={"url": url, "events": list(events)},
                       headers=tenant.headers(tenant.admin))
    assert r.status_code == 201, r.text
    return r.json()


async def deliveries(api, tenant, hook_id, check):
    return (await until(api, f"/api/v1/webhooks/{hook_id}/deliveries", tenant.headers(
        tenant.admin), lambda b: check(b["items"])))["items"]


def verify(secret: str, got) -> dict:
    return Webhook(secret).verify(got.body, got.headers)


async def test_an_event_arrives_signed_and_verifies(api, tenant, gateway_events, receiver):
    rx = await receiver()
    created = await hook(api, tenant, rx.url("/in?x=1"))
    event = await publish_lead(gateway_events, tenant, LeadCreatedV2, lead(tenant.sales1.id))
    await set_language(gateway_events, tenant, tenant.sales1, "en")  # user.*: not taken
    [got] = await rx.wait_for(1)
    assert got.path == "/in?x=1" and got.headers["webhook-id"] == event.id
    assert got.headers["content-type"] == "application/cloudevents+json"
    body = verify(created["secret"], got)
    assert body == json.loads(event.to_bytes())
    assert body["sequence"] == event.sequence and body["type"] == "lead.created"
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "A" * 44).verify(got.body, got.headers)
    [done] = await deliveries(api, tenant, created["id"],
                              lambda items: items and items[0]["status"] == "delivered")
    assert done["event_id"] == event.id and done["attempts"] == 1
    assert done["response_code"] == 200 and done["latency_ms"] >= 0
    assert done["next_attempt_at"] is None and done["delivered_at"]
    await gateway_events.republish(event)  # a redelivery: nothing more is sent
    await publish_lead(gateway_events, tenant, LeadCreatedV2, lead(tenant.sales1.id))
    await rx.wait_for(2)
    await asyncio.sleep(0.5)
    assert [r.headers["webhook-id"] for r in rx.received].count(event.id) == 1
    assert all(json.loads(r.body)["type"] == "lead.created" for r in rx.received)


async def test_after_a_rotation_both_secrets_verify(api, tenant, receiver):
    rx = await receiver()
    created = await hook(api, tenant, rx.url())
    admin = tenant.headers(tenant.admin)
    r = await api.post(f"/api/v1/webhooks/{created['id']}/rotate-secret", headers=admin)
    assert r.status_code == 200, r.text
    new = r.json()["secret"]
    assert new != created["secret"] and new.startswith("whsec_")
    r = await api.post(f"/api/v1/webhooks/{created['id']}/test", headers=admin)
    assert r.status_code == 202 and r.json()["event_type"] == "webhook.test"
    [got] = await rx.wait_for(1)
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert verify(new, got)["type"] == "webhook.test"
    assert verify(created["secret"], got)["data"]["webhook_id"] == created["id"]
    assert new not in str((await api.get(f"/api/v1/webhooks/{created['id']}",
                                         headers=admin)).json())


async def test_a_failure_is_scheduled_and_a_retry_sends_again(api, tenant, gateway_events,
                                                              receiver):
    rx = await receiver(status=500)
    created = await hook(api, tenant, rx.url())
    await publish_lead(gateway_events, tenant, LeadCreatedV2, lead(tenant.sales1.id))
    [failed] = await deliveries(api, tenant, created["id"],
                                lambda items: items and items[0]["attempts"] == 1
                                and items[0]["status"] == "pending")
    assert failed["response_code"] == 500 and failed["last_error"] == "answered 500"
    assert failed["next_attempt_at"] is not None
    rx.status = 204
    r = await api.post(f"/api/v1/webhooks/{created['id']}/deliveries/{failed['id']}/retry",
                       headers=tenant.headers(tenant.admin))
    assert r.status_code == 202, r.text
    await deliveries(api, tenant, created["id"],
                     lambda items: items[0]["status"] == "delivered"
                     and items[0]["response_code"] == 204)
    assert len(rx.received) == 2
    assert rx.received[0].headers["webhook-id"] == rx.received[1].headers["webhook-id"]


async def test_a_redirect_to_an_internal_address_is_not_followed(api, tenant, gateway_events,
                                                                receiver):
    internal = await receiver("127.0.0.1")
    rx = await receiver(status=302, location=internal.url("/admin"))
    created = await hook(api, tenant, rx.url())
    await publish_lead(gateway_events, tenant, LeadCreatedV2, lead(tenant.sales1.id))
    [item] = await deliveries(api, tenant, created["id"],
                              lambda items: items and items[0]["attempts"] == 1
                              and items[0]["status"] == "pending")
    assert item["response_code"] == 302 and "not followed" in item["last_error"]
    assert len(rx.received) == 1 and internal.received == []


async def test_a_hanging_receiver_does_not_delay_another(api, tenant, gateway_events,
                                                         receiver):
    slow = await receiver(delay=15)
    fast = await receiver()
    await hook(api, tenant, slow.url())
    await hook(api, tenant, fast.url())
    await publish_lead(gateway_events, tenant, LeadCreatedV2, lead(tenant.sales1.id))
    await slow.wait_for(1)  # the slow one now holds a delivery for 15 s
    sent_at = []
    for n in range(6):  # more than the slow endpoint's share of slots
        sent_at.append(time.time())
        await publish_lead(gateway_events, tenant, LeadCreatedV2,
                           lead(tenant.sales1.id, name=f"ลีด {n}"))
    got = await fast.wait_for(7, timeout=5)  # well inside the slow one's 15 s
    waits = [r.at - s for r, s in zip(got[1:], sent_at, strict=True)]
    print(f"fast endpoint: event → webhook {max(waits):.3f} s at most while another hangs")
    assert max(waits) < 5


async def test_410_disables_the_endpoint_and_tells_the_admins(api, tenant, gateway_events,
                                                              receiver, mail_sink):
    rx = await receiver(status=410)
    created = await hook(api, tenant, rx.url())
    await publish_lead(gateway_events, tenant, LeadCreatedV2, lead(tenant.sales1.id))
    admin = tenant.headers(tenant.admin)
    off = await until(api, f"/api/v1/webhooks/{created['id']}", admin,
                      lambda b: b["enabled"] is False)
    assert "410" in off["disabled_reason"]
    [item] = (await api.get(f"/api/v1/webhooks/{created['id']}/deliveries",
                            headers=admin)).json()["items"]
    assert item["status"] == "failed" and item["response_code"] == 410
    notices = await until(api, "/api/v1/notifications", admin,
                          lambda b: any(n["kind"] == "webhook_disabled" for n in b["items"]))
    [notice] = [n for n in notices["items"] if n["kind"] == "webhook_disabled"]
    assert notice["title"] == f"เว็บฮุกถูกปิดใช้งาน: {rx.url()}"
    assert notice["link"] == f"#/admin/webhooks/{created['id']}"
    [message] = await wait_mail(mail_sink, tenant.admin.email)
    assert rx.url() in message.get_body(("plain",)).get_content()
    others = (await api.get("/api/v1/notifications", headers=tenant.headers(tenant.sales1)))
    assert all(n["kind"] != "webhook_disabled" for n in others.json()["items"])
    # a test event still goes to the disabled endpoint, and it is switched back on
    await publish_lead(gateway_events, tenant, LeadCreatedV2, lead(tenant.sales1.id))
    rx.status = 200
    await api.post(f"/api/v1/webhooks/{created['id']}/test", headers=admin)
    await rx.wait_for(2)
    r = await api.patch(f"/api/v1/webhooks/{created['id']}", json={"enabled": True},
                        headers=admin)
    assert r.json()["enabled"] is True and r.json()["disabled_reason"] is None

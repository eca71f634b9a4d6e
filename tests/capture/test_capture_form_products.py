"""A form names catalogue products (issue 16): checked against the capture service's own
projection of `product.*` events (unknown: 404 naming `body.product_ids.<i>`), carried in
`lead.captured`, and the leads service creates the lead with them, so a queue on products
takes it."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from capture_support import PASSWORD, form_body
from test_capture_forms import person, post, wait_lead

from crmkit.events import CloudEvent
from crmkit.testing.tenants import GatewayEvents
from tidtam_contracts.documents import ProductCreatedV1

pytestmark = pytest.mark.e2e
FORMS = "/api/v1/capture/forms"


def _announce_product(system, tenant) -> str:
    """A product as the documents service announces it (this suite runs no documents)."""
    pid = str(uuid.uuid4())
    data = ProductCreatedV1.model_validate({
        "id": pid, "sku": f"P-{pid[:6]}", "name": "กล้องวงจรปิด", "name_en": "CCTV",
        "unit": "ชุด", "unit_price": "2500.00", "vat_type": "vat7", "active": True,
        "version": 1})

    async def publish() -> None:
        events = GatewayEvents(system.amqp_url)
        await events.start()
        try:
            await events.republish(CloudEvent(
                source="/services/documents", type=ProductCreatedV1.TYPE, subject=pid,
                tenantid=tenant.id, sequence=1, dataversion="1",
                data=data.model_dump(mode="json")))
        finally:
            await events.stop()

    asyncio.run(publish())
    return pid


def _until_taken(send, timeout: float = 60.0):
    """`send()` until it is not 404 (a projection hears of the product a moment later)."""
    deadline = time.monotonic() + timeout
    while (r := send()).status_code == 404 and time.monotonic() < deadline:
        time.sleep(0.2)
    return r


def test_a_form_s_products_reach_the_lead_and_its_queue(tenant, form, system):
    gw, admin = tenant.gw, tenant.admin
    r = gw.post(FORMS, headers=admin, json=form_body(product_ids=[str(uuid.uuid4())]))
    assert r.status_code == 404, r.text
    assert [(f["field"], f["code"]) for f in r.json()["fields"]] == [
        ("body.product_ids.0", "unknown_product")]
    pid = _announce_product(system, tenant)
    r = _until_taken(lambda: gw.patch(f"{FORMS}/{form['id']}", headers=admin,
                                      json={"product_ids": [pid, pid]}))
    assert r.status_code == 200, r.text
    assert r.json()["product_ids"] == [pid]  # each once

    r = gw.post("/api/v1/users", headers=admin, json={
        "email": f"cctv-{uuid.uuid4().hex[:6]}@capture.example", "name": "ทีมกล้อง",
        "password": PASSWORD, "role": "sales"})
    assert r.status_code == 201, r.text
    member = r.json()["id"]
    # 404 until the leads service has heard of both the user and the product.
    queue = _until_taken(lambda: gw.post("/api/v1/queues", headers=admin, json={
        "name": "กล้อง", "members": [member], "match": {"product_ids": [pid]}}))
    assert queue.status_code == 201, queue.text

    who = person()
    assert post(tenant, form, who).status_code == 202
    lead = wait_lead(tenant, who["name"])
    assert lead["product_ids"] == [pid] and lead["owner_id"] == member

    # Without products the form's leads are not the queue's.
    r = gw.patch(f"{FORMS}/{form['id']}", headers=admin, json={"product_ids": []})
    assert r.status_code == 200 and r.json()["product_ids"] == []
    other = person()
    assert post(tenant, form, other).status_code == 202
    lead = wait_lead(tenant, other["name"])
    assert lead["product_ids"] == [] and lead["owner_id"] == tenant.admin_id

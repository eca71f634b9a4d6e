"""The webhooks API (admins): the secret shown once, list/get/patch/delete, the event
patterns checked against the contracts, 403 for others and 404 for another tenant's, the
SSRF vectors of issue 12 refused at save (422 naming `url`), Idempotency-Key on creates."""

from __future__ import annotations

import base64
import uuid

import pytest
from notif_support import make_tenant

pytestmark = pytest.mark.integration

VECTORS = ["http://127.0.0.1/hook", "http://0.0.0.0/hook", "http://[::1]/hook",
           "http://[::ffff:127.0.0.1]/hook", "http://2130706433/hook",
           "http://0x7f000001/hook", "http://017700000001/hook",
           "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/hook",
           "http://10.0.0.1/hook", "http://localhost/hook", "file:///etc/passwd",
           "gopher://127.0.0.2:70/_hook", "ftp://127.0.0.2/hook",
           "http://user:pw@127.0.0.2/hook"]
RECEIVER = "http://127.0.0.2:9/hook"  # allowed by TIDTAM_WEBHOOK_ALLOW_HOSTS in the tests


async def create(api, tenant, **over):
    body = {"url": RECEIVER, "events": ["lead.*", "account.created"], **over}
    return await api.post("/api/v1/webhooks", json=body, headers=tenant.headers(tenant.admin))


async def test_created_with_the_secret_shown_once(api, tenant):
    r = await create(api, tenant, description="ERP ของบริษัท")
    assert r.status_code == 201, r.text
    hook = r.json()
    secret = hook.pop("secret")
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) >= 24
    assert hook["events"] == ["lead.*", "account.created"] and hook["enabled"] is True
    admin = tenant.headers(tenant.admin)
    got = (await api.get(f"/api/v1/webhooks/{hook['id']}", headers=admin)).json()
    assert got == hook and "secret" not in got
    listed = (await api.get("/api/v1/webhooks", headers=admin)).json()
    assert [h["id"] for h in listed["items"]] == [hook["id"]]
    assert secret not in str(listed)


async def test_pages_patch_and_delete(api, tenant):
    admin = tenant.headers(tenant.admin)
    ids = [(await create(api, tenant, description=f"n{n}")).json()["id"] for n in range(3)]
    first = (await api.get("/api/v1/webhooks?limit=2", headers=admin)).json()
    rest = (await api.get(f"/api/v1/webhooks?limit=2&cursor={first['next_cursor']}",
                          headers=admin)).json()
    assert [h["id"] for h in first["items"] + rest["items"]] == ids[::-1]
    assert rest["next_cursor"] is None
    r = await api.patch(f"/api/v1/webhooks/{ids[0]}", headers=admin,
                        json={"events": ["lead.sent"], "enabled": False})
    assert r.status_code == 200, r.text
    assert r.json()["events"] == ["lead.sent"] and r.json()["enabled"] is False
    assert r.json()["description"] == "n0"
    r = await api.patch(f"/api/v1/webhooks/{ids[0]}", headers=admin, json={"enabled": None})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.enabled"
    assert (await api.delete(f"/api/v1/webhooks/{ids[0]}", headers=admin)).status_code == 204
    assert (await api.get(f"/api/v1/webhooks/{ids[0]}", headers=admin)).status_code == 404
    assert (await api.delete(f"/api/v1/webhooks/{ids[0]}", headers=admin)).status_code == 404


@pytest.mark.parametrize("events", [["lead.eaten"], ["nothing.*"], ["lead.**"], [], ["*.x"]])
async def test_unknown_event_patterns_are_422(api, tenant, events):
    r = await create(api, tenant, events=events)
    assert r.status_code == 422, r.text
    assert r.json()["fields"][0]["field"].startswith("body.events")


async def test_every_pattern_form_is_taken(api, tenant):
    r = await create(api, tenant, events=["*", "user.*", "tenant.created", "webhook.disabled"])
    assert r.status_code == 201, r.text


@pytest.mark.parametrize("url", VECTORS)
async def test_ssrf_vectors_are_refused_at_save(api, tenant, url):
    r = await create(api, tenant, url=url)
    assert r.status_code == 422, r.text
    assert [f["field"] for f in r.json()["fields"]] == ["body.url"]
    hook = (await create(api, tenant)).json()
    r = await api.patch(f"/api/v1/webhooks/{hook['id']}", json={"url": url},
                        headers=tenant.headers(tenant.admin))
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.url"
    assert (await api.get(f"/api/v1/webhooks/{hook['id']}",
                          headers=tenant.headers(tenant.admin))).json()["url"] == RECEIVER


async def test_admins_only_and_another_tenants_is_404(api, tenant, gateway_events, notif_db):
    hook = (await create(api, tenant)).json()
    for who in (tenant.sales1, tenant.manager):
        h = tenant.headers(who)
        assert (await api.get("/api/v1/webhooks", headers=h)).status_code == 403
        assert (await api.get(f"/api/v1/webhooks/{hook['id']}", headers=h)).status_code == 403
        r = await api.post("/api/v1/webhooks", headers=h,
                           json={"url": RECEIVER, "events": ["*"]})
        assert r.status_code == 403
    other = await make_tenant(gateway_events, notif_db.owner_url)
    h = other.headers(other.admin)
    base = f"/api/v1/webhooks/{hook['id']}"
    assert (await api.get(base, headers=h)).status_code == 404
    assert (await api.patch(base, headers=h, json={"enabled": False})).status_code == 404
    assert (await api.delete(base, headers=h)).status_code == 404
    for action in ("test", "rotate-secret", f"deliveries/{uuid.uuid4()}/retry"):
        assert (await api.post(f"{base}/{action}", headers=h)).status_code == 404
    assert (await api.get(f"{base}/deliveries", headers=h)).status_code == 404
    assert (await api.get("/api/v1/webhooks", headers=h)).json()["items"] == []
    assert (await api.get(base, headers=tenant.headers(tenant.admin))).json()["enabled"]


async def test_a_create_with_an_idempotency_key_makes_one(api, tenant):
    headers = {**tenant.headers(tenant.admin), "Idempotency-Key": str(uuid.uuid4())}
    body = {"url": RECEIVER, "events": ["lead.created"]}
    first = await api.post("/api/v1/webhooks", json=body, headers=headers)
    again = await api.post("/api/v1/webhooks", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()
    listed = (await api.get("/api/v1/webhooks", headers=tenant.headers(tenant.admin))).json()
    assert len(listed["items"]) == 1

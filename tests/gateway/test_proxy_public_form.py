"""A web form's public post through the gateway (issue 17): taken by the proxy's fast path
(ProxyFastPath), it must answer as the router did. The capture service is an echo upstream:
the post reaches it with a context naming only the key's tenant and the client's address;
a key of another shape is the gateway's own 404, another path shape or method the
router's (404, 405), in the one error schema."""

from __future__ import annotations

import uuid

import httpx
import pytest

from crmkit import publickeys
from crmkit.context import verify_context

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def public(start_gateway, echo_upstream):
    gateway = start_gateway(TIDTAM_CAPTURE_URL=echo_upstream.url,
                            TIDTAM_TRUSTED_PROXIES="127.0.0.1")
    with httpx.Client(base_url=gateway.url, timeout=30) as client:
        yield gateway, client


def test_a_form_post_reaches_capture_naming_the_key_s_tenant_and_address(public):
    gateway, client = public
    tenant = uuid.uuid4()
    key = publickeys.new_key(tenant)
    r = client.post(f"/capture/forms/{key}", json={"name": "สมชาย", "consent": True},
                    headers={"X-Forwarded-For": "203.0.113.9"})
    assert r.status_code == 200, r.text
    seen = r.json()
    assert seen["path"] == f"/capture/forms/{key}" and seen["method"] == "POST"
    ctx = verify_context(gateway.context_secret, seen["headers"]["x-tidtam-context"][0])
    assert ctx.tenant.value == tenant and ctx.settings["client_ip"] == "203.0.113.9"
    assert not ctx.is_admin


def test_other_keys_paths_and_methods_answer_as_the_router_did(public):
    _, client = public
    r = client.post("/capture/forms/not-a-key", json={})
    assert r.status_code == 404 and r.json()["code"] == "not_found", r.text
    key = publickeys.new_key(uuid.uuid4())
    r = client.post(f"/capture/forms/{key}/more", json={})
    assert r.status_code == 404 and "code" in r.json(), r.text
    r = client.put(f"/capture/forms/{key}", json={})
    assert r.status_code == 405 and "code" in r.json(), r.text

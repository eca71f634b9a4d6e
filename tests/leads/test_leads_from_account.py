"""POST /leads with account_id, as far as the leads service alone decides it. This suite runs
no accounts service (TIDTAM_ACCOUNTS_URL points at a closed port): reading the account is
503. The filled-in lead, with a real accounts service, is tested in tests/e2e."""

from __future__ import annotations

import uuid

import pytest
from leads_support import lead_body

pytestmark = pytest.mark.integration


async def test_accounts_unreachable_is_503(api, tenant):
    body = {"account_id": str(uuid.uuid4()), "source": "website"}
    r = await api.post("/api/v1/leads", json=body, headers=tenant.headers(tenant.sales1))
    assert r.status_code == 503, r.text
    assert r.json()["code"] == "service_unavailable"
    assert "accounts service is unavailable" in r.json()["message"]
    # Nothing was made.
    page = await api.get("/api/v1/leads", headers=tenant.headers(tenant.sales1))
    assert page.json()["items"] == []


async def test_contact_needs_account(api, tenant):
    r = await api.post("/api/v1/leads", json=lead_body(contact_id=str(uuid.uuid4())),
                       headers=tenant.headers(tenant.sales1))
    assert r.status_code == 422
    assert [f["field"] for f in r.json()["fields"]] == ["body.contact_id"]


async def test_details_required_without_account(api, tenant):
    r = await api.post("/api/v1/leads", json={"source": "website", "name": "คุณเอ"},
                       headers=tenant.headers(tenant.sales1))
    assert r.status_code == 422
    assert {f["field"] for f in r.json()["fields"]} == {"body.phone", "body.email"}
    r = await api.post("/api/v1/leads", json=lead_body(account_id=None),
                       headers=tenant.headers(tenant.sales1))
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.account_id"

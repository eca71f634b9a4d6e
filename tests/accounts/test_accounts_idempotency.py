"""Idempotency-Key on the accounts service (a real process): an account, a contact and a
copy retried with their key are made once and answered as the first time; the same key with
another body is 422, and twenty at once make one account."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from accounts_support import thai_company

from crmkit.testing.tenants import fetchval

pytestmark = pytest.mark.integration


async def _count(accounts_db, sql: str, *args: object) -> int:
    return await fetchval(accounts_db.owner_url, sql, *args)


async def test_account_contact_and_copy_are_made_once(api, tenant, accounts_db):
    h = tenant.headers(tenant.admin)
    body = thai_company(41)
    body["name"] = f"บริษัท ซ้ำไม่ได้ {uuid.uuid4().hex[:6]} จำกัด"
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await api.post("/api/v1/accounts", json=body, headers={**h, **key})
    assert first.status_code == 201, first.text
    again = await api.post("/api/v1/accounts", json=body, headers={**h, **key})
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["idempotent-replayed"] == "true"
    assert await _count(accounts_db, "SELECT count(*) FROM accounts WHERE tenant_id = $1 AND "
                                     "name = $2", tenant.id, body["name"]) == 1
    account = first.json()["id"]
    for path, payload in [(f"/api/v1/accounts/{account}/contacts", {"name": "คุณสมใจ"}),
                          (f"/api/v1/accounts/{account}/copy",
                           {"name": f"{body['name']} สาขาใหม่"})]:
        key = {"Idempotency-Key": str(uuid.uuid4())}
        made = await api.post(path, json=payload, headers={**h, **key})
        assert made.status_code == 201, made.text
        repeat = await api.post(path, json=payload, headers={**h, **key})
        assert (repeat.status_code, repeat.content) == (201, made.content)
    assert await _count(accounts_db, "SELECT count(*) FROM contacts WHERE tenant_id = $1 AND "
                                     "account_id = $2", tenant.id, uuid.UUID(account)) == 1
    assert await _count(accounts_db, "SELECT count(*) FROM accounts WHERE tenant_id = $1 AND "
                                     "name = $2", tenant.id, f"{body['name']} สาขาใหม่") == 1


async def test_another_body_is_422_and_twenty_at_once_make_one(api, tenant, accounts_db):
    h = {**tenant.headers(tenant.admin), "Idempotency-Key": str(uuid.uuid4())}
    body = thai_company(42)
    body["name"] = f"บริษัท พร้อมกัน {uuid.uuid4().hex[:6]} จำกัด"
    answers = await asyncio.gather(*[api.post("/api/v1/accounts", json=body, headers=h)
                                     for _ in range(20)])
    assert {r.status_code for r in answers} == {201}, [r.text for r in answers]
    assert len({r.content for r in answers}) == 1
    other = await api.post("/api/v1/accounts", json={**body, "name": "บริษัท อื่น จำกัด"},
                           headers=h)
    assert other.status_code == 422
    assert other.json()["fields"][0]["field"] == "header.Idempotency-Key"
    assert await _count(accounts_db, "SELECT count(*) FROM accounts WHERE tenant_id = $1 AND "
                                     "name = $2", tenant.id, body["name"]) == 1

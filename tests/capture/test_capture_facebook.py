"""Facebook Lead Ads end to end, through the gateway, with a fake Graph API (a real HTTP
server): the page's secrets sealed and never shown, Meta's handshake (good and bad verify
token), `X-Hub-Signature-256` over the raw body (good, wrong secret, one byte altered, none),
the lead fetched by `leadgen_id` and mapped by the admin's mapping, a repeated `leadgen_id`
making nothing new, and a failing Graph fetch retried until the lead arrives."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import uuid

import httpx
import pytest
from capture_support import count, until

pytestmark = pytest.mark.e2e
APP_SECRET = "fb-app-secret-0123456789abcdef"
PAGE_TOKEN = "EAAB-page-token-" + "y" * 40
VERIFY = "verify-me-please-42"
MAPPING = {"full_name": "name", "phone_number": "phone", "email": "email",
           "ชื่อบริษัท": "company", "ข้อความ": "note"}


def sign(secret: str, raw: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def hook_body(*leadgen_ids: str, page_id: str = "1029384756") -> bytes:
    changes = [{"field": "leadgen", "value": {"leadgen_id": x, "page_id": page_id,
                                              "form_id": "555", "created_time": 1765100000}}
               for x in leadgen_ids]
    return json.dumps({"object": "page", "entry": [
        {"id": page_id, "time": 1765100000, "changes": changes}]}).encode()


def graph_lead(leadgen_id: str, name: str, phone: str, email: str) -> dict:
    return {"id": leadgen_id, "created_time": "2026-12-07T10:00:00+0000", "field_data": [
        {"name": "full_name", "values": [name]},
        {"name": "phone_number", "values": [phone]},
        {"name": "email", "values": [email]},
        {"name": "ชื่อบริษัท", "values": ["บริษัท ทดสอบ จำกัด"]},
        {"name": "งบประมาณ", "values": ["50,000"]}]}


@pytest.fixture
def page(tenant, system):
    r = tenant.gw.put("/api/v1/capture/facebook", headers=tenant.admin, json={
        "page_id": "1029384756", "app_secret": APP_SECRET, "page_access_token": PAGE_TOKEN,
        "verify_token": VERIFY, "mapping": MAPPING})
    assert r.status_code == 200, r.text
    return r.json()


def path_of(page: dict) -> str:
    return httpx.URL(page["webhook_url"]).path


def deliver(tenant, page, raw: bytes, signature: str | None) -> httpx.Response:
    headers = {"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.201"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return tenant.gw.post(path_of(page), content=raw, headers=headers)


def leads_named(tenant, name: str) -> list[dict]:
    r = tenant.gw.get("/api/v1/leads", params={"q": name}, headers=tenant.admin)
    assert r.status_code == 200, r.text
    return [x for x in r.json()["items"] if x["name"] == name]


def test_secrets_sealed_and_handshake(tenant, page, system):
    assert page["secrets_set"] is True and page["mapping"] == MAPPING
    shown = tenant.gw.get("/api/v1/capture/facebook", headers=tenant.admin)
    assert shown.status_code == 200
    for secret in (APP_SECRET, PAGE_TOKEN, VERIFY):
        assert secret not in json.dumps(page) and secret not in shown.text
    stored = asyncio.run(_stored(system.db_url("capture", owner=True), tenant.id))
    assert all(v.startswith("fernet:") for v in stored)
    assert not any(s in "".join(stored) for s in (APP_SECRET, PAGE_TOKEN, VERIFY))
    assert tenant.gw.get("/api/v1/capture/facebook",
                         headers=tenant.user("sales")).status_code == 403
    # Meta's handshake: the challenge echoed for the right token, 403 otherwise.
    good = tenant.gw.get(path_of(page), params={
        "hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"})
    assert good.status_code == 200 and good.text == "1158201444"
    for params in ({"hub.mode": "subscribe", "hub.verify_token": "wrong-token-x",
                    "hub.challenge": "1"},
                   {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY,
                    "hub.challenge": "1"},
                   {"hub.challenge": "1"}):
        bad = tenant.gw.get(path_of(page), params=params)
        assert bad.status_code == 403, bad.text
        assert "1" != bad.text and bad.json()["code"] == "forbidden"


async def _stored(url: str, tenant_id: str) -> list[str]:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        row = await conn.fetchrow("SELECT secret_sealed, token_sealed, verify_sealed "
                                  "FROM facebook_pages WHERE tenant_id = $1",
                                  uuid.UUID(tenant_id))
        return [row["secret_sealed"], row["token_sealed"], row["verify_sealed"]]
    finally:
        await conn.close()


def test_signatures_mapping_and_repeat(tenant, page, system, graph):
    leadgen = str(10**15 + uuid.uuid4().int % 10**14)
    name = f"สมชาย เฟซบุ๊ก {uuid.uuid4().hex[:6]}"
    email = f"fb-{uuid.uuid4().hex[:8]}@example.co.th"
    graph.leads[leadgen] = graph_lead(leadgen, name, "081-234-5678", email)
    raw = hook_body(leadgen)
    for forged in (deliver(tenant, page, raw, sign("another-app-secret-xx", raw)),
                   deliver(tenant, page, raw.replace(b'"555"', b'"556"'),
                           sign(APP_SECRET, raw)),
                   deliver(tenant, page, raw, None)):
        assert forged.status_code == 401, forged.text
        assert forged.json()["code"] == "unauthorized"
    capture_db = system.db_url("capture", owner=True)
    taken = "SELECT count(*) FROM facebook_leads WHERE leadgen_id = $1"
    assert asyncio.run(count(capture_db, taken, leadgen)) == 0
    assert graph.fetches(leadgen) == 0
    # The real one: 200, the lead fetched with the page token and mapped.
    assert deliver(tenant, page, raw, sign(APP_SECRET, raw)).status_code == 200
    lead = until(lambda: tenant.gw.get("/api/v1/leads", params={"q": name},
                                       headers=tenant.admin),
                 lambda body: any(x["name"] == name for x in body["items"]))["items"][0]
    assert lead["source"] == "facebook" and lead["email"] == email
    assert lead["phone"] == "+66812345678" and lead["owner_id"] == tenant.admin_id
    assert (leadgen, PAGE_TOKEN) in graph.calls
    # Facebook's repeat of the same leadgen_id (even in a new body) makes nothing new.
    again = hook_body(leadgen, page_id="1029384756")
    assert deliver(tenant, page, again, sign(APP_SECRET, again)).status_code == 200
    # A second, later lead passes through the same queue: after it, the repeat would show.
    later = str(int(leadgen) + 1)
    later_name = f"สมหญิง เฟซบุ๊ก {uuid.uuid4().hex[:6]}"
    graph.leads[later] = graph_lead(later, later_name, "",
                                    f"fb-{uuid.uuid4().hex[:8]}@example.co.th")
    raw2 = hook_body(later)
    assert deliver(tenant, page, raw2, sign(APP_SECRET, raw2)).status_code == 200
    until(lambda: tenant.gw.get("/api/v1/leads", params={"q": later_name},
                                headers=tenant.admin),
          lambda body: any(x["name"] == later_name for x in body["items"]))
    assert len(leads_named(tenant, name)) == 1
    assert graph.fetches(leadgen) == 1
    assert asyncio.run(count(capture_db, taken, leadgen)) == 1


def test_graph_failure_is_retried_not_lost(tenant, page, graph):
    leadgen = str(2 * 10**15 + uuid.uuid4().int % 10**14)
    name = f"ลูกค้า ลองใหม่ {uuid.uuid4().hex[:6]}"
    graph.leads[leadgen] = graph_lead(leadgen, name, "02 123 4567",
                                      f"retry-{uuid.uuid4().hex[:8]}@example.co.th")
    graph.fails[leadgen] = 3
    raw = hook_body(leadgen)
    assert deliver(tenant, page, raw, sign(APP_SECRET, raw)).status_code == 200
    until(lambda: tenant.gw.get("/api/v1/leads", params={"q": name}, headers=tenant.admin),
          lambda body: any(x["name"] == name for x in body["items"]), timeout=120)
    assert graph.fetches(leadgen) == 4 and graph.fails[leadgen] == 0
    assert len(leads_named(tenant, name)) == 1


def test_unknown_webhook_and_bad_bodies(tenant, page):
    raw = b"{not json"
    assert deliver(tenant, page, raw, sign(APP_SECRET, raw)).status_code == 422
    gone = tenant.id.replace("-", "") + "C" * 22
    r = tenant.gw.post(f"/capture/facebook/{gone}", content=b"{}",
                       headers={"X-Hub-Signature-256": sign(APP_SECRET, b"{}")})
    assert r.status_code == 404
    assert tenant.gw.delete("/api/v1/capture/facebook", headers=tenant.admin).status_code == 204
    empty = hook_body()
    assert deliver(tenant, page, empty, sign(APP_SECRET, empty)).status_code == 404

"""PDPA requests in the capture service (issue 17), through the gateway on real servers: a LINE
event the webhook kept that still waits for its profile fetch (`line_events.payload`) is the
person's by their LINE user id, or by their phone or email written in the message; an export
counts it, an erase clears it (so it never becomes a lead) and leaves the others."""

from __future__ import annotations

import asyncio
import json
import uuid

import asyncpg
import pytest
from capture_support import until

pytestmark = pytest.mark.e2e


async def _keep(url: str, tenant_id: str, payloads: list[dict]) -> list[str]:
    """Events as the webhook keeps them before the consumer has fetched the profile."""
    ids = [uuid.uuid4().hex for _ in payloads]
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        for event_id, payload in zip(ids, payloads, strict=True):
            await conn.execute(
                "INSERT INTO line_events (tenant_id, webhook_event_id, received_at, payload) "
                "VALUES ($1, $2, now(), $3::jsonb)", uuid.UUID(tenant_id), event_id,
                json.dumps(payload, ensure_ascii=False))
    finally:
        await conn.close()
    return ids


async def _payloads(url: str, ids: list[str]) -> list[dict | None]:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        got = {r["webhook_event_id"]: r["payload"] for r in await conn.fetch(
            "SELECT webhook_event_id, payload FROM line_events WHERE webhook_event_id = "
            "ANY($1)", ids)}
    finally:
        await conn.close()
    return [json.loads(got[i]) if got[i] is not None else None for i in ids]


def _capture_answer(tenant, kind: str, body: dict) -> dict:
    r = tenant.gw.post("/api/v1/privacy/requests", headers={
        **tenant.admin, "Idempotency-Key": str(uuid.uuid4())}, json={"kind": kind, **body})
    assert r.status_code == 201, r.text
    done = until(lambda: tenant.gw.get(f"/api/v1/privacy/requests/{r.json()['id']}",
                                       headers=tenant.admin),
                 lambda j: any(s["service"] == "capture" and s["status"] == "done"
                               for s in j["services"]))
    return next(s for s in done["services"] if s["service"] == "capture")


def test_line_events_waiting_for_their_profile_are_exported_then_erased(tenant, system):
    user, stranger = "U" + uuid.uuid4().hex, "U" + uuid.uuid4().hex
    digits = f"{uuid.uuid4().int % 10**8:08d}"
    phone = f"09{digits}"
    url = system.db_url("capture", owner=True)
    theirs_by_id, theirs_by_text, not_theirs = asyncio.run(_keep(url, tenant.id, [
        {"type": "follow", "user_id": user, "text": None},
        # someone else's account, but the person's number in the message
        {"type": "message", "user_id": stranger,
         "text": f"ฝากเบอร์แม่ค่ะ 09{digits[:1]}-{digits[1:4]}-{digits[4:]} โทรหลัง 5 โมง"},
        {"type": "message", "user_id": stranger, "text": "สวัสดีค่ะ สนใจสินค้า 2 ชิ้น"}]))

    export = _capture_answer(tenant, "export", {"line_id": user, "phone": phone})
    assert export["found"]["line_events"] == 2, export

    erase = _capture_answer(tenant, "erase", {"line_id": user, "phone": phone})
    assert erase["found"]["line_events"] == 2, erase
    after = asyncio.run(_payloads(url, [theirs_by_id, theirs_by_text, not_theirs]))
    assert after[:2] == [None, None]
    assert after[2] == {"type": "message", "user_id": stranger,
                        "text": "สวัสดีค่ะ สนใจสินค้า 2 ชิ้น"}
    # Nothing of the person is left in line_events, and nothing waits to become their lead.
    dump = json.dumps(after, ensure_ascii=False)
    assert user not in dump and digits[4:] not in dump
    again = _capture_answer(tenant, "export", {"line_id": user, "phone": phone})
    assert again["found"]["line_events"] == 0
    # test_capture_line counts every tenant's line_events in this shared database
    asyncio.run(_forget(url, [theirs_by_id, theirs_by_text, not_theirs]))


async def _forget(url: str, ids: list[str]) -> None:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute("DELETE FROM line_events WHERE webhook_event_id = ANY($1)", ids)
    finally:
        await conn.close()

"""In-app notices from lead events on the real broker and database: a lead sent or assigned
tells its new owner; a transfer tells them once with the count; the list, the unread count,
marking read, preferences; another user's notice is 404 and never listed."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from notif_support import lead, publish_lead, sent, set_language

from crmkit.testing.tenants import fetchval
from tidtam_contracts.leads import (
    LeadAssignedV1,
    LeadCreatedV2,
    LeadSentV2,
    LeadTransferredV2,
    LeadUpdatedV2,
)

pytestmark = pytest.mark.integration


async def until(api, path, headers, check, timeout: float = 15.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        r = await api.get(path, headers=headers)
        if r.status_code == 200 and check(r.json()):
            return r.json()
        assert asyncio.get_running_loop().time() < deadline, r.text
        await asyncio.sleep(0.1)


async def test_a_sent_lead_tells_its_new_owner_in_their_language(api, tenant, gateway_events,
                                                                 notif_db):
    await set_language(gateway_events, tenant, tenant.sales2, "en")
    await until_language(notif_db, tenant.sales2.id, "en")
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales1, tenant.manager))
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales2, tenant.manager))
    th = await until(api, "/api/v1/notifications", tenant.headers(tenant.sales1),
                     lambda b: len(b["items"]) == 1)
    notice = th["items"][0]
    assert notice["kind"] == "lead_sent" and notice["count"] == 1 and notice["read_at"] is None
    assert notice["title"] == "สมหญิง ผู้จัดการ ส่งลีดให้คุณ: คุณสมศรี มีสุข"
    assert notice["link"] == f"#/leads/{notice['params']['lead_id']}"
    en = await until(api, "/api/v1/notifications", tenant.headers(tenant.sales2),
                     lambda b: len(b["items"]) == 1)
    assert en["items"][0]["title"] == "สมหญิง ผู้จัดการ sent you a lead: คุณสมศรี มีสุข"
    # the sender hears nothing of it
    mine = await api.get("/api/v1/notifications", headers=tenant.headers(tenant.manager))
    assert mine.json()["items"] == []


async def until_language(notif_db, user_id, language: str) -> None:
    for _ in range(150):
        if await fetchval(notif_db.owner_url, "SELECT language FROM users WHERE id = $1",
                          user_id) == language:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{user_id} never became {language}")


async def test_assignment_tells_the_owner_but_not_for_ones_own_lead(api, tenant,
                                                                    gateway_events):
    """`lead.assigned` (issue 16) by a person or by a queue tells the assignee; a queue
    giving the maker their own lead, and the lead events around it, tell nobody."""
    own = lead(tenant.sales1.id)
    await publish_lead(gateway_events, tenant, LeadAssignedV1,
                       {**own, "from_user_id": None, "by_user_id": str(tenant.sales1.id),
                        "queue_id": str(uuid.uuid4()), "queue_name": "ลูกค้าเว็บไซต์"})
    await publish_lead(gateway_events, tenant, LeadCreatedV2,
                       {**lead(tenant.sales1.id), "by_user_id": str(tenant.manager.id)})
    assigned = lead(tenant.sales1.id, name="คุณวิชัย")
    await publish_lead(gateway_events, tenant, LeadAssignedV1,
                       {**assigned, "from_user_id": None, "by_user_id": str(tenant.manager.id)})
    moved = lead(tenant.sales1.id, name="คุณมาลี", version=5)
    await publish_lead(gateway_events, tenant, LeadAssignedV1,
                       {**moved, "from_user_id": str(tenant.sales2.id),
                        "by_user_id": str(tenant.admin.id)})
    queued = lead(tenant.sales1.id, name="คุณกานดา", version=1)
    await publish_lead(gateway_events, tenant, LeadAssignedV1,
                       {**queued, "from_user_id": None, "by_user_id": str(tenant.sales2.id),
                        "queue_id": str(uuid.uuid4()), "queue_name": "ลูกค้าเว็บไซต์"})
    renamed = lead(tenant.sales1.id, name="คุณอื่น", version=6)
    await publish_lead(gateway_events, tenant, LeadUpdatedV2,
                       {**renamed, "changed": ["owner_id"], "by_user_id": str(tenant.admin.id)})
    body = await until(api, "/api/v1/notifications", tenant.headers(tenant.sales1),
                       lambda b: len(b["items"]) >= 3)
    await asyncio.sleep(1)  # the events after them had their chance
    body = (await api.get("/api/v1/notifications", headers=tenant.headers(tenant.sales1))).json()
    titles = sorted(n["title"] for n in body["items"])
    assert titles == ["มีลีดใหม่มอบหมายให้คุณ: คุณกานดา", "มีลีดใหม่มอบหมายให้คุณ: คุณมาลี",
                      "มีลีดใหม่มอบหมายให้คุณ: คุณวิชัย"]
    by_name = {n["params"]["lead_name"]: n["params"] for n in body["items"]}
    assert by_name["คุณกานดา"]["queue_name"] == "ลูกค้าเว็บไซต์"
    assert by_name["คุณวิชัย"]["by_name"] == tenant.manager.name


async def test_a_transfer_is_one_notice_with_the_count(api, tenant, gateway_events):
    correlation = str(uuid.uuid4())
    for _ in range(4):
        data = {**lead(tenant.sales3.id), "from_user_id": str(tenant.sales2.id),
                "to_user_id": str(tenant.sales3.id)}
        await publish_lead(gateway_events, tenant, LeadTransferredV2, data, correlation)
    body = await until(api, "/api/v1/notifications", tenant.headers(tenant.sales3),
                       lambda b: b["items"] and b["items"][0]["count"] == 4)
    assert len(body["items"]) == 1
    assert body["items"][0]["title"] == "โอนลีด 4 รายการมาให้คุณ"
    assert body["items"][0]["params"]["from_name"] == tenant.sales2.name


async def test_a_redelivered_event_makes_no_second_notice(api, tenant, gateway_events):
    event = await publish_lead(gateway_events, tenant, LeadSentV2,
                               sent(tenant.sales1, tenant.manager))
    await until(api, "/api/v1/notifications", tenant.headers(tenant.sales1),
                lambda b: len(b["items"]) == 1)
    await gateway_events.republish(event)
    other = await publish_lead(gateway_events, tenant, LeadSentV2,
                               sent(tenant.sales2, tenant.manager))
    await until(api, "/api/v1/notifications", tenant.headers(tenant.sales2),
                lambda b: len(b["items"]) == 1)  # published after the redelivery
    body = (await api.get("/api/v1/notifications", headers=tenant.headers(tenant.sales1))).json()
    assert len(body["items"]) == 1, other


async def test_unread_count_read_and_paging(api, tenant, gateway_events):
    who = tenant.headers(tenant.sales1)
    for _ in range(3):
        await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales1, tenant.admin))
    await until(api, "/api/v1/notifications/unread-count", who, lambda b: b["unread"] == 3)
    first = (await api.get("/api/v1/notifications?limit=2", headers=who)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (await api.get(f"/api/v1/notifications?limit=2&cursor={first['next_cursor']}",
                          headers=who)).json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    one = first["items"][0]["id"]
    r = await api.post("/api/v1/notifications/read", headers=who, json={"ids": [one]})
    assert r.status_code == 200 and r.json() == {"marked": 1}
    unread = (await api.get("/api/v1/notifications?unread=true", headers=who)).json()
    assert one not in [n["id"] for n in unread["items"]] and len(unread["items"]) == 2
    # another user's notice is not found, and nothing changes
    r = await api.post("/api/v1/notifications/read", headers=tenant.headers(tenant.sales2),
                       json={"ids": [unread["items"][0]["id"]]})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.ids"
    r = await api.post("/api/v1/notifications/read", headers=who, json={"all": True})
    assert r.json() == {"marked": 2}
    count = (await api.get("/api/v1/notifications/unread-count", headers=who)).json()
    assert count == {"unread": 0}
    for bad in ({}, {"ids": [one], "all": True}, {"all": False}, {"ids": []}):
        r = await api.post("/api/v1/notifications/read", headers=who, json=bad)
        assert r.status_code == 422, (bad, r.text)


async def test_preferences_choose_in_app_and_email_per_kind(api, tenant, gateway_events):
    who = tenant.headers(tenant.sales2)
    r = await api.get("/api/v1/notification-preferences", headers=who)
    assert r.json()["kinds"]["lead_sent"] == {"email": True, "in_app": True}
    r = await api.put("/api/v1/notification-preferences", headers=who,
                      json={"kinds": {"lead_sent": {"email": False, "in_app": False}}})
    assert r.status_code == 200, r.text
    assert r.json()["kinds"]["lead_sent"] == {"email": False, "in_app": False}
    assert r.json()["kinds"]["lead_assigned"] == {"email": True, "in_app": True}
    r = await api.put("/api/v1/notification-preferences", headers=who,
                      json={"kinds": {"nope": {"email": False, "in_app": False}}})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.kinds.nope"
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales2, tenant.admin))
    await publish_lead(gateway_events, tenant, LeadSentV2, sent(tenant.sales1, tenant.admin))
    await until(api, "/api/v1/notifications", tenant.headers(tenant.sales1),
                lambda b: len(b["items"]) == 1)
    body = (await api.get("/api/v1/notifications", headers=who)).json()
    assert body["items"] == []


async def test_the_stream_sends_the_unread_count_live(notif_service, tenant, gateway_events):
    import httpx

    who = tenant.headers(tenant.sales3)
    async with httpx.AsyncClient(base_url=notif_service.url, timeout=30) as client:
        async with client.stream("GET", "/api/v1/notifications/stream", headers=who) as r:
            assert r.status_code == 200
            assert r.headers["content-type"].startswith("text/event-stream")
            lines = r.aiter_lines()
            seen: list[str] = []

            async def next_count() -> str:
                async for line in lines:
                    if line.startswith("data:"):
                        seen.append(line)
                        return line
                raise AssertionError("the stream ended")

            assert await asyncio.wait_for(next_count(), 10) == 'data: {"unread": 0}'
            await publish_lead(gateway_events, tenant, LeadSentV2,
                               sent(tenant.sales3, tenant.admin))
            assert await asyncio.wait_for(next_count(), 15) == 'data: {"unread": 1}'


async def test_no_context_is_401(api):
    for path in ("/api/v1/notifications", "/api/v1/notifications/unread-count",
                 "/api/v1/notification-preferences", "/api/v1/notifications/stream"):
        r = await api.get(path)
        assert r.status_code == 401 and r.json()["code"] == "unauthorized", path

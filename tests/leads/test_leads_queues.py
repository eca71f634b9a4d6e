"""Assignment queues (issue 16) on the real leads service: admins only; the first fitting
queue gives a new lead without an owner to its next active member; fair under concurrency
over real HTTP; inactive members skipped; the turn survives a restart; every assignment is
a `lead.assigned` event; an import goes through the queues too."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
import pytest
from leads_support import SECRET, lead_body, run_leads_service, wait_for_users

import crmkit.testing.sheets as make

pytestmark = pytest.mark.integration
QUEUES = "/api/v1/queues"


async def _queue(api, tenant, members, **over):
    body = {"name": f"คิว {uuid.uuid4().hex[:6]}", "members": [str(m.id) for m in members],
            **over}
    r = await api.post(QUEUES, headers=tenant.headers(tenant.admin), json=body)
    assert r.status_code == 201, r.text
    return r.json()


async def _make(api, tenant, maker, **fields):
    r = await api.post("/api/v1/leads", headers=tenant.headers(maker), json=lead_body(**fields))
    assert r.status_code == 201, r.text
    return r.json()


async def test_queues_are_for_admins_and_check_what_they_get(api, tenant):
    members = [str(tenant.sales1.id), str(tenant.sales2.id)]
    h = tenant.headers(tenant.admin)
    for who in (tenant.manager, tenant.sales1):
        r = await api.post(QUEUES, headers=tenant.headers(who),
                           json={"name": "x", "members": members})
        assert r.status_code == 403, r.text
        assert (await api.get(QUEUES, headers=tenant.headers(who))).status_code == 403
    bad = [
        ({"name": "x", "members": []}, 422, "body.members"),
        ({"name": "x", "members": [members[0], members[0]]}, 422, "body.members.1"),
        ({"name": "x", "members": [str(uuid.uuid4())]}, 404, "body.members.0"),
        ({"name": "x", "members": members, "strategy": "random"}, 422, "body.strategy"),
        ({"name": "x", "members": members, "match": {"source": "nope"}}, 404,
         "body.match.source"),
        ({"name": "x", "members": members, "match": {"custom": {"nope": 1}}}, 404,
         "body.match.custom.nope"),
        ({"name": "x", "members": members, "match": {"product_ids": [str(uuid.uuid4())]}},
         404, "body.match.product_ids.0"),
        ({"name": "x", "members": members, "match": {"product_ids": []}}, 422,
         "body.match.product_ids"),
        ({"name": "x", "members": members, "match": {"segment_id": str(uuid.uuid4())}},
         404, "body.match.segment_id"),
        ({"name": "x", "members": members, "match": {"colour": "red"}}, 422,
         "body.match.colour"),
    ]
    for body, status, field in bad:
        r = await api.post(QUEUES, headers=h, json=body)
        assert r.status_code == status, (body, r.text)
        assert field in {f["field"] for f in r.json()["fields"]}, (body, r.text)
    first = await _queue(api, tenant, [tenant.sales1, tenant.sales2], name="เว็บไซต์",
                         match={"source": "website"})
    r = await api.post(QUEUES, headers=h, json={"name": "เว็บไซต์", "members": members})
    assert r.status_code == 409 and r.json()["code"] == "already_exists"
    second = await _queue(api, tenant, [tenant.sales3], strategy="least_open")
    assert [q["position"] for q in (first, second)] == [0, 1]
    assert first["next_member_id"] == members[0] and first["strategy"] == "round_robin"
    r = await api.put(f"{QUEUES}/order", headers=h, json={"queue_ids": [second["id"]]})
    assert r.status_code == 409 and r.json()["code"] == "not_every_queue"
    r = await api.put(f"{QUEUES}/order", headers=h,
                      json={"queue_ids": [second["id"], first["id"]]})
    assert [q["id"] for q in r.json()] == [second["id"], first["id"]]
    r = await api.patch(f"{QUEUES}/{first['id']}", headers=h,
                        json={"members": [members[1]], "active": False})
    assert r.status_code == 200 and r.json()["members"] == [members[1]]
    assert r.json()["active"] is False and r.json()["version"] == 2
    assert (await api.patch(f"{QUEUES}/{first['id']}", headers=h,
                            json={"name": None})).status_code == 422
    assert (await api.delete(f"{QUEUES}/{first['id']}", headers=h)).status_code == 204
    assert (await api.get(f"{QUEUES}/{first['id']}", headers=h)).status_code == 404
    assert (await api.delete(f"{QUEUES}/{first['id']}", headers=h)).status_code == 404


async def test_the_first_fitting_queue_assigns_and_says_so(api, tenant, lead_events):
    web = await _queue(api, tenant, [tenant.sales1, tenant.sales2], name="เว็บไซต์",
                       match={"source": "website"})
    await _queue(api, tenant, [tenant.sales3], match={"source": "website"})  # never reached
    maker = tenant.manager
    first = await _make(api, tenant, maker, source="website")
    second = await _make(api, tenant, maker, source="website")
    assert [first["owner_id"], second["owner_id"]] == [str(tenant.sales1.id),
                                                       str(tenant.sales2.id)]
    assert first["read_only"] is False  # the manager sees their team's leads
    other = await _make(api, tenant, maker, source="facebook")  # no queue fits: the maker's
    assert other["owner_id"] == str(maker.id)
    chosen = await _make(api, tenant, maker, source="website",
                         owner_id=str(tenant.sales3.id))  # an owner chosen: no queue
    assert chosen["owner_id"] == str(tenant.sales3.id)

    event = await lead_events.assert_published(
        "lead.assigned", lambda e: e["subject"] == first["id"])
    assert event["data"]["queue_id"] == web["id"] and event["data"]["queue_name"] == "เว็บไซต์"
    assert event["data"]["owner_id"] == str(tenant.sales1.id)
    assert event["data"]["by_user_id"] == str(maker.id)
    assert event["data"]["from_user_id"] is None and event["sequence"] == 1
    by_hand = await lead_events.assert_published(
        "lead.assigned", lambda e: e["subject"] == chosen["id"])
    assert by_hand["data"]["queue_id"] is None
    history = (await api.get(f"/api/v1/leads/{first['id']}/history",
                             headers=tenant.headers(tenant.admin))).json()
    assert [e["kind"] for e in history] == ["created", "assigned"]
    assert history[1]["detail"]["queue_name"] == "เว็บไซต์"
    assert history[1]["author"]["id"] == str(maker.id)

    # By hand, later: the owner changed is `lead.assigned` too, from whom it was.
    r = await api.patch(f"/api/v1/leads/{other['id']}", headers=tenant.headers(tenant.admin),
                        json={"owner_id": str(tenant.sales3.id)})
    assert r.status_code == 200, r.text
    moved = await lead_events.assert_published(
        "lead.assigned", lambda e: e["subject"] == other["id"])
    assert moved["data"]["from_user_id"] == str(maker.id)
    assert moved["data"]["by_user_id"] == str(tenant.admin.id)
    # One's own lead, kept: no assignment.
    await _make(api, tenant, tenant.sales3, source="facebook")
    own = [e for e in lead_events.of_type("lead.assigned")
           if e["data"]["owner_id"] == e["data"]["by_user_id"]]
    assert own == []


@pytest.mark.parametrize("strategy", ["round_robin", "least_open"])
async def test_32_leads_at_once_over_4_members_are_8_each(api, tenant, strategy):
    members = [tenant.admin, tenant.manager, tenant.sales1, tenant.sales2]
    await _queue(api, tenant, members, strategy=strategy)
    made = await asyncio.gather(*(_make(api, tenant, tenant.sales3) for _ in range(32)))
    counts = Counter(lead["owner_id"] for lead in made)
    assert counts == {str(m.id): 8 for m in members}


async def test_least_open_balances_what_members_already_hold(api, tenant, create_lead):
    for _ in range(3):
        await create_lead(tenant.sales1)
    await create_lead(tenant.sales2)
    await _queue(api, tenant, [tenant.sales1, tenant.sales2, tenant.sales3],
                 strategy="least_open")
    made = [await _make(api, tenant, tenant.manager) for _ in range(6)]
    owners = Counter(lead["owner_id"] for lead in made)
    # The fewest open leads first, ties in turn: 3+1, 1+2, 0+3 (10 over 3 members).
    assert owners == {str(tenant.sales1.id): 1, str(tenant.sales2.id): 2,
                      str(tenant.sales3.id): 3}


async def test_inactive_members_are_skipped(api, tenant, gateway_events, leads_db):
    members = [tenant.sales1, tenant.sales2, tenant.sales3]
    await _queue(api, tenant, members)
    await gateway_events.user(tenant, tenant.sales2, "user.deactivated", active=False)
    await wait_for_users(leads_db.owner_url, tenant.id, [tenant.sales2.id], active=False)
    made = await asyncio.gather(*(_make(api, tenant, tenant.manager) for _ in range(8)))
    counts = Counter(lead["owner_id"] for lead in made)
    assert counts == {str(tenant.sales1.id): 4, str(tenant.sales3.id): 4}
    # Nobody active left: the lead stays with its maker.
    for person in (tenant.sales1, tenant.sales3):
        await gateway_events.user(tenant, person, "user.deactivated", active=False)
    await wait_for_users(leads_db.owner_url, tenant.id, [tenant.sales1.id, tenant.sales3.id],
                         active=False)
    alone = await _make(api, tenant, tenant.manager)
    assert alone["owner_id"] == str(tenant.manager.id)


async def test_the_turn_survives_a_restart(api, tenant, leads_db, leads_amqp, tmp_path):
    members = [tenant.admin, tenant.manager, tenant.sales1, tenant.sales2]
    await _queue(api, tenant, members)
    owners = []
    for round_ in range(2):
        service = run_leads_service(leads_db, leads_amqp, SECRET,
                                    log_path=tmp_path / f"leads-{round_}.log",
                                    ready_timeout=120)
        try:
            async with httpx.AsyncClient(base_url=service.url, timeout=30) as own:
                for _ in range(3):
                    owners.append((await _make(own, tenant, tenant.sales3))["owner_id"])
        finally:
            service.stop()
    assert owners == [str(m.id) for m in members] + [str(members[0].id), str(members[1].id)]


async def test_an_import_goes_through_the_queues(api, tenant, tmp_path):
    await _queue(api, tenant, [tenant.sales1, tenant.sales2], match={"source": "website"})
    h = tenant.headers(tenant.manager)
    rows = [[f"คุณนำเข้า {i}", f"0899{i:06d}", f"imp{i}.{tenant.id.hex[:6]}@example.co.th",
             "website" if i < 4 else "facebook"] for i in range(6)]
    path = make.xlsx(tmp_path / "leads.xlsx", [["ชื่อ", "เบอร์โทร", "อีเมล", "ที่มา"], *rows])
    with path.open("rb") as f:
        r = await api.post("/api/v1/imports", params={"entity": "lead"}, headers=h,
                           files={"file": ("leads.xlsx", f)})
    assert r.status_code == 201, r.text
    job = r.json()
    r = await api.post(f"/api/v1/imports/{job['id']}/start", params={"entity": "lead"},
                       headers=h, json={"mapping": job["mapping"], "duplicates": "skip"})
    assert r.status_code == 200, r.text
    for _ in range(600):
        r = await api.get(f"/api/v1/imports/{job['id']}", params={"entity": "lead"}, headers=h)
        if r.json()["status"] in ("done", "failed", "cancelled"):
            break
        await asyncio.sleep(0.1)
    assert r.json()["status"] == "done", r.text
    r = await api.get("/api/v1/leads", headers=tenant.headers(tenant.admin),
                      params={"q": "คุณนำเข้า", "limit": 50})
    owners = Counter((lead["source"], lead["owner_id"]) for lead in r.json()["items"])
    assert owners == {("website", str(tenant.sales1.id)): 2,
                      ("website", str(tenant.sales2.id)): 2,
                      ("facebook", str(tenant.manager.id)): 2}

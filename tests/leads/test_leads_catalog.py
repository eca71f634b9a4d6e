"""Pipelines and their limits, labels (system/personal), sources and reasons, defaults."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from crmkit.context import tenant_from_event
from crmkit.db import create_engine, sessionmaker, unit_of_work
from tidtam_leads.catalog import cache
from tidtam_leads.catalog import service as catalog

pytestmark = pytest.mark.integration


async def test_standard_pipeline_and_defaults_from_tenant_created(api, tenant, leads_db):
    h = tenant.headers(tenant.sales1)
    pipes = (await api.get("/api/v1/pipelines", headers=h)).json()
    assert len(pipes) == 1 and pipes[0]["is_standard"]
    assert [s["name_en"] for s in pipes[0]["stages"]] == [
        "New", "Contacted", "Proposal", "Negotiation", "Won"]
    assert [s["position"] for s in pipes[0]["stages"]] == list(range(5))
    sources = {s["key"] for s in (await api.get("/api/v1/lead-sources", headers=h)).json()}
    assert sources == {"website", "facebook", "line", "email", "phone", "walk_in", "referral",
                       "other"}
    lost = (await api.get("/api/v1/lead-reasons", headers=h, params={"kind": "lost"})).json()
    assert lost and {r["kind"] for r in lost} == {"lost"}


async def test_defaults_are_created_lazily_without_tenant_created(api, gateway_events,
                                                                  leads_db):
    from leads_support import make_tenant

    t = await make_tenant(gateway_events, leads_db.owner_url, announce_tenant=False)
    h = t.headers(t.sales1)
    r = await api.post("/api/v1/leads", headers=h, json={
        "name": "ลูกค้าแรก", "phone": "0812345678", "email": "a@example.co.th",
        "source": "line"})
    assert r.status_code == 201, r.text
    assert len((await api.get("/api/v1/pipelines", headers=h)).json()) == 1
    # the late tenant.created is harmless
    await gateway_events.publish("tenant.created", t.id, t.id,
                                 {"id": str(t.id), "name": "x", "plan": "standard"})


async def test_pipeline_limits(api, tenant):
    ha = tenant.headers(tenant.admin)
    eleven = [{"name": f"ขั้น {i}"} for i in range(11)]
    r = await api.post("/api/v1/pipelines", headers=ha, json={"name": "ยาว", "stages": eleven})
    assert r.status_code == 422 and "at most 10" in r.json()["message"]
    assert r.json()["fields"][0]["field"] == "body.stages"
    r = await api.post("/api/v1/pipelines", headers=tenant.headers(tenant.manager),
                       json={"name": "ของผู้จัดการ", "stages": [{"name": "a"}]})
    assert r.status_code == 403
    made = []
    for i in range(10):
        r = await api.post("/api/v1/pipelines", headers=ha,
                           json={"name": f"ไปป์ไลน์ {i}", "stages": [{"name": "เริ่ม"}]})
        assert r.status_code == 201, r.text
        made.append(r.json())
    r = await api.post("/api/v1/pipelines", headers=ha,
                       json={"name": "เกิน", "stages": [{"name": "เริ่ม"}]})
    assert r.status_code == 409 and "at most 10 pipelines" in r.json()["message"]
    pid = made[0]["id"]
    for i in range(9):
        r = await api.post(f"/api/v1/pipelines/{pid}/stages", headers=ha,
                           json={"name": f"ขั้น {i}"})
        assert r.status_code == 201, r.text
    assert [s["position"] for s in r.json()["stages"]] == list(range(10))
    r = await api.post(f"/api/v1/pipelines/{pid}/stages", headers=ha, json={"name": "เกิน"})
    assert r.status_code == 409 and "at most 10 stages" in r.json()["message"]
    assert len((await api.get("/api/v1/pipelines", headers=ha)).json()) == 11


async def test_labels_system_and_personal(api, tenant, create_lead):
    ha, h1, h2 = (tenant.headers(p) for p in (tenant.admin, tenant.sales1, tenant.sales2))
    r = await api.post("/api/v1/labels", headers=h1, json={"name": "VIP", "scope": "system"})
    assert r.status_code == 403
    r = await api.post("/api/v1/labels", headers=ha,
                       json={"name": "VIP", "color": "#ff8800", "scope": "system"})
    assert r.status_code == 201
    vip = r.json()
    assert (await api.post("/api/v1/labels", headers=ha,
                           json={"name": "vip", "scope": "system"})).status_code == 409
    r = await api.post("/api/v1/labels", headers=h1, json={"name": "โทรตอนเย็น",
                                                           "scope": "personal"})
    assert r.status_code == 201
    mine = r.json()
    assert {la["id"] for la in (await api.get("/api/v1/labels", headers=h1)).json()} == {
        vip["id"], mine["id"]}
    assert {la["id"] for la in (await api.get("/api/v1/labels", headers=h2)).json()} == {
        vip["id"]}

    lead = await create_lead(tenant.sales1, label_ids=[vip["id"]])
    assert lead["label_ids"] == [vip["id"]]
    base = f"/api/v1/leads/{lead['id']}/labels"
    r = await api.put(f"{base}/{mine['id']}", headers=h1)
    assert r.status_code == 200 and set(r.json()["label_ids"]) == {vip["id"], mine["id"]}
    # sales2 (same tenant, visibility all) sees the lead but not sales1's personal label
    r = await api.get(f"/api/v1/leads/{lead['id']}", headers=h2)
    assert r.json()["label_ids"] == [vip["id"]]
    assert (await api.put(f"{base}/{mine['id']}", headers=h2)).status_code == 404
    listed = await api.get("/api/v1/leads", headers=h2, params={"label_id": mine["id"]})
    assert listed.json()["items"] == []
    listed = await api.get("/api/v1/leads", headers=h1, params={"label_id": mine["id"]})
    assert [i["id"] for i in listed.json()["items"]] == [lead["id"]]
    r = await api.delete(f"{base}/{vip['id']}", headers=h1)
    assert r.status_code == 200 and r.json()["label_ids"] == [mine["id"]]
    r = await api.post("/api/v1/leads", headers=h2, json={
        "name": "x", "phone": "0812345678", "email": "x@example.co.th", "source": "line",
        "label_ids": [mine["id"]]})
    assert r.status_code == 404  # another user's personal label is as unknown as none


async def test_sources_and_reasons_admin_additions(api, tenant):
    ha, h1 = tenant.headers(tenant.admin), tenant.headers(tenant.sales1)
    body = {"key": "tiktok", "name": "TikTok"}
    assert (await api.post("/api/v1/lead-sources", headers=h1, json=body)).status_code == 403
    assert (await api.post("/api/v1/lead-sources", headers=ha, json=body)).status_code == 201
    assert (await api.post("/api/v1/lead-sources", headers=ha, json=body)).status_code == 409
    r = await api.post("/api/v1/leads", headers=h1, json={
        "name": "จาก TikTok", "phone": "0812345678", "email": "t@example.co.th",
        "source": "tiktok"})
    assert r.status_code == 201
    reason = {"kind": "junk", "text": "เบอร์ผิด"}
    assert (await api.post("/api/v1/lead-reasons", headers=h1, json=reason)).status_code == 403
    assert (await api.post("/api/v1/lead-reasons", headers=ha, json=reason)).status_code == 201
    junk = (await api.get("/api/v1/lead-reasons", headers=h1, params={"kind": "junk"})).json()
    assert "เบอร์ผิด" in [r["text"] for r in junk]
    r = await api.get("/api/v1/lead-reasons", headers=h1, params={"kind": "spam"})
    assert r.status_code == 422


async def test_each_app_has_its_own_catalog_cache(leads_db):
    """The check that a tenant's defaults exist is cached per app (its sessionmaker), not
    per process: an app that has not seen them asks the database, whatever another app in
    the same process (an earlier test, on another database) has seen."""
    engine = create_engine(leads_db.app_url, pool_size=2)
    owner = create_engine(leads_db.owner_url, pool_size=1)
    # Each as if its LISTEN connection were up (the cache keeps nothing otherwise).
    app_a = sessionmaker(engine, info=cache.session_info(cache.SetupCache(listening=True)))
    app_b = sessionmaker(engine, info=cache.session_info(cache.SetupCache(listening=True)))
    tenant = tenant_from_event(str(uuid.uuid4()))

    async def pipelines() -> int:
        async with owner.connect() as c:
            return (await c.execute(sa.text("SELECT count(*) FROM pipelines WHERE tenant_id "
                                            "= :t"), {"t": tenant.value})).scalar_one()

    async def forget_defaults() -> None:  # as if app A had seen another database
        async with owner.begin() as c:
            for table in ("reasons", "sources", "stages", "pipelines"):
                await c.execute(sa.text(f"DELETE FROM {table} WHERE tenant_id = :t"),
                                {"t": tenant.value})

    async def ensure(maker) -> None:
        async with unit_of_work(maker, tenant) as session:
            await catalog.ensure_defaults(session, tenant)

    try:
        await ensure(app_a)  # creates them (its own insert: not cached)
        await ensure(app_a)  # reads them committed: cached in A
        assert await pipelines() == 1
        await forget_defaults()
        await ensure(app_b)  # B has seen nothing: asks, and creates them again
        assert await pipelines() == 1
        await forget_defaults()
        await ensure(app_a)  # A trusts what it saw
        assert await pipelines() == 0
        await ensure(sessionmaker(engine))  # a maker without the cache always asks
        assert await pipelines() == 1
    finally:
        await forget_defaults()
        await engine.dispose()
        await owner.dispose()

"""Pipelines and stages changed after the fact: rename, reorder, delete (leads moved off as
stage moves: history and lead.stage_changed), the limits, and their events."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration


async def _pipeline(api, h, name="ขายส่ง", stages=("ใหม่", "นัดพบ", "เสนอราคา")):
    r = await api.post("/api/v1/pipelines", headers=h, json={
        "name": name, "stages": [{"name": s} for s in stages]})
    assert r.status_code == 201, r.text
    return r.json()


async def test_rename_and_reorder_with_events(api, tenant, create_lead, lead_events):
    ha, hs = tenant.headers(tenant.admin), tenant.headers(tenant.sales1)
    pipe = await _pipeline(api, ha)
    pid, (s0, s1, s2) = pipe["id"], [s["id"] for s in pipe["stages"]]
    created = await lead_events.assert_published("pipeline.created",
                                                 lambda e: e["subject"] == pid)
    assert [s["name"] for s in created["data"]["stages"]] == ["ใหม่", "นัดพบ", "เสนอราคา"]

    r = await api.patch(f"/api/v1/pipelines/{pid}", headers=hs, json={"name": "x"})
    assert r.status_code == 403
    r = await api.patch(f"/api/v1/pipelines/{pid}", headers=ha,
                        json={"name": "  ขายปลีก ", "name_en": "Retail"})
    assert r.status_code == 200, r.text
    assert (r.json()["name"], r.json()["name_en"]) == ("ขายปลีก", "Retail")
    r = await api.patch(f"/api/v1/pipelines/{pid}/stages/{s1}", headers=ha,
                        json={"name": "นัดพบลูกค้า", "name_en": "Meeting"})
    assert r.status_code == 200 and r.json()["stages"][1]["name"] == "นัดพบลูกค้า"

    # New leads start in the first stage: the one of the new order, at once.
    assert (await create_lead(pipeline_id=pid))["stage_id"] == s0
    r = await api.put(f"/api/v1/pipelines/{pid}/stage-order", headers=ha,
                      json={"stage_ids": [s2, s0, s1]})
    assert r.status_code == 200, r.text
    assert [(s["id"], s["position"]) for s in r.json()["stages"]] == [(s2, 0), (s0, 1), (s1, 2)]
    assert (await create_lead(pipeline_id=pid))["stage_id"] == s2

    for bad in ([s0, s1], [s0, s1, s1], [s2, s0, s1, str(uuid.uuid4())]):
        r = await api.put(f"/api/v1/pipelines/{pid}/stage-order", headers=ha,
                          json={"stage_ids": bad})
        assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.stage_ids"
    r = await api.put(f"/api/v1/pipelines/{pid}/stage-order", headers=hs,
                      json={"stage_ids": [s0, s1, s2]})
    assert r.status_code == 403

    updates = [e for e in lead_events.of_type("pipeline.updated") if e["subject"] == pid]
    await lead_events.assert_published("pipeline.updated",
                                       lambda e: e["subject"] == pid and e["sequence"] == 4)
    updates = sorted((e for e in lead_events.of_type("pipeline.updated")
                      if e["subject"] == pid), key=lambda e: e["sequence"])
    assert [(e["sequence"], e["data"]["changed"]) for e in updates] == [
        (2, ["name", "name_en"]), (3, ["stages"]), (4, ["stages"])]
    assert [s["id"] for s in updates[-1]["data"]["stages"]] == [s2, s0, s1]


async def test_delete_stage_moves_its_leads_as_stage_moves(api, tenant, create_lead,
                                                          lead_events):
    ha = tenant.headers(tenant.admin)
    pipe = await _pipeline(api, ha)
    pid, (s0, s1, s2) = pipe["id"], [s["id"] for s in pipe["stages"]]
    leads = [await create_lead(person, stage_id=s1)
             for person in (tenant.sales1, tenant.sales2, tenant.sales3)]
    url = f"/api/v1/pipelines/{pid}/stages/{s1}"

    r = await api.delete(url, headers=tenant.headers(tenant.manager))
    assert r.status_code == 403
    r = await api.delete(url, headers=ha)
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "stage_has_leads" and "3 lead(s)" in body["message"]
    assert "move_to_stage_id" in body["message"]
    assert body["fields"][0]["field"] == "query.move_to_stage_id"
    r = await api.delete(url, headers=ha, params={"move_to_stage_id": s1})
    assert r.status_code == 422
    r = await api.delete(url, headers=ha, params={"move_to_stage_id": str(uuid.uuid4())})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "query.move_to_stage_id"
    r = await api.delete(url, headers=ha, params={"move_to_stage_id": "nope"})
    assert r.status_code == 422

    r = await api.delete(url, headers=ha, params={"move_to_stage_id": s0})
    assert r.status_code == 200, r.text
    assert r.json()["leads_moved"] == 3
    assert [(s["id"], s["position"]) for s in r.json()["pipeline"]["stages"]] == [
        (s0, 0), (s2, 1)]
    for lead in leads:
        got = (await api.get(f"/api/v1/leads/{lead['id']}", headers=ha)).json()
        assert got["stage_id"] == s0 and got["version"] == lead["version"] + 1
        history = (await api.get(f"/api/v1/leads/{lead['id']}/history", headers=ha)).json()
        assert history[-1]["kind"] == "stage_changed"
        assert history[-1]["detail"] == {
            "from_pipeline_id": pid, "from_stage_id": s1, "to_pipeline_id": pid,
            "to_stage_id": s0, "because": "stage_deleted"}
        assert history[-1]["author"]["id"] == str(tenant.admin.id)
        moved = await lead_events.assert_published(
            "lead.stage_changed", lambda e, i=lead["id"]: e["subject"] == i)
        assert moved["data"]["from_stage_id"] == s1 and moved["data"]["to_stage_id"] == s0
        assert moved["sequence"] == lead["version"] + 1
    deleted = await lead_events.assert_published("pipeline.stage_deleted",
                                                 lambda e: e["subject"] == pid)
    assert deleted["data"]["stage_id"] == s1 and deleted["data"]["leads_moved"] == 3
    assert deleted["data"]["moved_to_stage_id"] == s0
    assert [s["id"] for s in deleted["data"]["stages"]] == [s0, s2]

    # An empty stage goes without a target; the last one does not go at all.
    r = await api.delete(f"/api/v1/pipelines/{pid}/stages/{s2}", headers=ha)
    assert r.status_code == 200 and r.json()["leads_moved"] == 0
    r = await api.delete(f"/api/v1/pipelines/{pid}/stages/{s0}", headers=ha)
    assert r.status_code == 409 and r.json()["code"] == "last_stage"
    # The stage is gone: moving a lead to it is 404.
    r = await api.post(f"/api/v1/leads/{leads[0]['id']}/stage", headers=ha,
                       json={"stage_id": s1})
    assert r.status_code == 404


async def test_delete_pipeline(api, tenant, create_lead, lead_events):
    ha = tenant.headers(tenant.admin)
    pipes = (await api.get("/api/v1/pipelines", headers=ha)).json()
    standard = pipes[0]
    r = await api.delete(f"/api/v1/pipelines/{standard['id']}", headers=ha)
    assert r.status_code == 409 and r.json()["code"] == "standard_pipeline"

    pipe = await _pipeline(api, ha, "โครงการ")
    pid = pipe["id"]
    lead = await create_lead(tenant.sales1, pipeline_id=pid, stage_id=pipe["stages"][2]["id"])
    r = await api.delete(f"/api/v1/pipelines/{pid}", headers=ha)
    assert r.status_code == 409 and r.json()["code"] == "pipeline_has_leads"
    assert "1 lead(s)" in r.json()["message"]
    r = await api.delete(f"/api/v1/pipelines/{pid}", headers=ha,
                         params={"move_to_stage_id": pipe["stages"][0]["id"]})
    assert r.status_code == 422  # a stage of the pipeline being deleted
    r = await api.delete(f"/api/v1/pipelines/{pid}", headers=ha,
                         params={"move_to_pipeline_id": standard["id"]})
    assert r.status_code == 200 and r.json() == {"leads_moved": 1}
    got = (await api.get(f"/api/v1/leads/{lead['id']}", headers=ha)).json()
    assert (got["pipeline_id"], got["stage_id"]) == (standard["id"],
                                                     standard["stages"][0]["id"])
    assert (await api.get(f"/api/v1/pipelines/{pid}", headers=ha)).status_code == 404
    event = await lead_events.assert_published("pipeline.deleted",
                                               lambda e: e["subject"] == pid)
    assert event["data"]["leads_moved"] == 1
    assert event["data"]["moved_to_pipeline_id"] == standard["id"]
    await lead_events.assert_published("lead.stage_changed",
                                       lambda e: e["subject"] == lead["id"])
    r = await api.delete(f"/api/v1/pipelines/{pid}", headers=ha)
    assert r.status_code == 404


async def test_limits_are_shown_and_enforced(api, tenant):
    ha = tenant.headers(tenant.admin)
    r = await api.get("/api/v1/pipelines/limits", headers=tenant.headers(tenant.sales1))
    assert r.status_code == 200
    assert r.json() == {"max_pipelines": 10, "pipelines": 0, "max_stages": 10}
    pipes = [await _pipeline(api, ha, f"p{i}", stages=("a",)) for i in range(10)]
    assert (await api.get("/api/v1/pipelines/limits", headers=ha)).json()["pipelines"] == 10
    r = await api.post("/api/v1/pipelines", headers=ha,
                       json={"name": "p11", "stages": [{"name": "a"}]})
    assert r.status_code == 409 and r.json()["code"] == "limit_reached"
    r = await api.delete(f"/api/v1/pipelines/{pipes[0]['id']}", headers=ha)
    assert r.status_code == 200
    assert (await api.get("/api/v1/pipelines/limits", headers=ha)).json()["pipelines"] == 9

    pid = pipes[1]["id"]
    for i in range(9):
        r = await api.post(f"/api/v1/pipelines/{pid}/stages", headers=ha, json={"name": f"s{i}"})
        assert r.status_code == 201
    r = await api.post(f"/api/v1/pipelines/{pid}/stages", headers=ha, json={"name": "s11"})
    assert r.status_code == 409 and r.json()["code"] == "limit_reached"
    assert "at most 10 stages" in r.json()["message"]
    r = await api.post("/api/v1/pipelines", headers=ha, json={
        "name": "big", "stages": [{"name": str(i)} for i in range(11)]})
    assert r.status_code == 422


async def test_bad_input_is_422_not_500(api, tenant):
    ha = tenant.headers(tenant.admin)
    pipe = await _pipeline(api, ha)
    pid, sid = pipe["id"], pipe["stages"][0]["id"]
    for body in ({"name": None}, {"name": ""}, {"name": "x" * 101}, {"colour": "red"},
                 {"name": 5}):
        r = await api.patch(f"/api/v1/pipelines/{pid}", headers=ha, json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["fields"], body
        r = await api.patch(f"/api/v1/pipelines/{pid}/stages/{sid}", headers=ha, json=body)
        assert r.status_code == 422, (body, r.text)
    for body in ({}, {"stage_ids": []}, {"stage_ids": "x"}, {"stage_ids": ["nope"]}):
        r = await api.put(f"/api/v1/pipelines/{pid}/stage-order", headers=ha, json=body)
        assert r.status_code == 422, (body, r.text)
    r = await api.patch(f"/api/v1/pipelines/{pid}/stages/{uuid.uuid4()}", headers=ha,
                        json={"name": "x"})
    assert r.status_code == 404
    other = (await api.get("/api/v1/pipelines", headers=ha)).json()[0]
    r = await api.patch(f"/api/v1/pipelines/{pid}/stages/{other['stages'][0]['id']}",
                        headers=ha, json={"name": "x"})
    assert r.status_code == 404  # a stage of another pipeline

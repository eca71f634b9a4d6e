"""Through the real gateway: an admin renames, reorders and deletes stages and retires a
label; a sales user under `own` visibility (the gateway's setting, in the signed context)
bulk-sends three of their leads and a colleague's, which is reported, not sent; sales users
are refused set-up changes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def test_setup_changes_and_bulk_send_under_own(gw, make_tenant):
    t = make_tenant()
    t.add_team("ทีมเหนือ")
    t.add_user("sales", "sales", "ทีมเหนือ")
    t.add_user("colleague", "sales", "ทีมเหนือ")
    t.add_user("manager", "manager", "ทีมเหนือ")
    t.set_visibility("own")

    r = gw.post("/api/v1/pipelines", headers=t.h("admin"), json={
        "name": "งานโครงการ", "stages": [{"name": "ใหม่"}, {"name": "สำรวจ"}, {"name": "เสนอ"}]})
    assert r.status_code == 201, r.text
    pipe = r.json()
    pid, (s0, s1, s2) = pipe["id"], [s["id"] for s in pipe["stages"]]
    r = gw.patch(f"/api/v1/pipelines/{pid}/stages/{s1}", headers=t.h("sales"),
                 json={"name": "x"})
    assert r.status_code == 403
    r = gw.patch(f"/api/v1/pipelines/{pid}/stages/{s1}", headers=t.h("admin"),
                 json={"name": "สำรวจหน้างาน", "name_en": "Site survey"})
    assert r.status_code == 200
    r = gw.put(f"/api/v1/pipelines/{pid}/stage-order", headers=t.h("admin"),
               json={"stage_ids": [s1, s0, s2]})
    assert r.status_code == 200
    assert [s["name"] for s in r.json()["stages"]] == ["สำรวจหน้างาน", "ใหม่", "เสนอ"]
    limits = gw.get("/api/v1/pipelines/limits", headers=t.h("sales")).json()
    assert limits == {"max_pipelines": 10, "pipelines": 1, "max_stages": 10}

    mine = [t.create_lead("sales", pipeline_id=pid) for _ in range(3)]
    assert {lead["stage_id"] for lead in mine} == {s1}  # the first stage after reordering
    theirs = t.create_lead("colleague", pipeline_id=pid)
    r = gw.delete(f"/api/v1/pipelines/{pid}/stages/{s1}", headers=t.h("admin"))
    assert r.status_code == 409 and r.json()["code"] == "stage_has_leads"
    assert "4 lead(s)" in r.json()["message"]
    r = gw.delete(f"/api/v1/pipelines/{pid}/stages/{s1}", headers=t.h("admin"),
                  params={"move_to_stage_id": s0})
    assert r.status_code == 200 and r.json()["leads_moved"] == 4

    r = gw.post("/api/v1/labels", headers=t.h("admin"),
                json={"name": "โครงการรัฐ", "scope": "system"})
    label = r.json()
    r = gw.post("/api/v1/leads/bulk", headers=t.h("sales"), json={
        "action": "add_label", "label_id": label["id"], "lead_ids": [mine[0]["id"]]})
    assert r.status_code == 200 and r.json()["done"] == 1
    r = gw.patch(f"/api/v1/labels/{label['id']}", headers=t.h("admin"), json={"retired": True})
    assert r.status_code == 200
    r = gw.post("/api/v1/leads/bulk", headers=t.h("sales"), json={
        "action": "add_label", "label_id": label["id"], "lead_ids": [mine[1]["id"]]})
    assert r.status_code == 409 and r.json()["code"] == "label_retired"

    ids = [lead["id"] for lead in mine] + [theirs["id"]]
    r = gw.post("/api/v1/leads/bulk", headers=t.h("sales"), json={
        "action": "send", "to_user_id": t.users["manager"], "lead_ids": ids})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert (answer["done"], answer["not_found"], answer["refused"]) == (3, 1, 0)
    assert answer["results"][3] == {"lead_id": theirs["id"], "status": "not_found",
                                    "code": "not_found", "message": "no such lead"}
    got = gw.get(f"/api/v1/leads/{theirs['id']}", headers=t.h("colleague")).json()
    assert got["owner_id"] == t.users["colleague"]
    # (a manager sees the team's leads: the manager's own are the three sent)
    inbox = gw.get("/api/v1/leads", headers=t.h("manager"),
                   params={"pipeline_id": pid, "owner_id": t.users["manager"]}).json()
    assert {x["id"] for x in inbox["items"]} == {lead["id"] for lead in mine}
    # The retired label stays on the lead that had it.
    got = gw.get(f"/api/v1/leads/{mine[0]['id']}", headers=t.h("manager")).json()
    assert got["label_ids"] == [label["id"]]

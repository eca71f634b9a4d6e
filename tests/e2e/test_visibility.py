"""The visibility matrix through the gateway: all/team/own × admin/manager/sales over list,
get, patch, actions, follow-ups and search. Invisible is 404; the Sent box is read-only."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def world(make_tenant):
    t = make_tenant()
    t.add_team("ทีมเหนือ")
    t.add_team("ทีมใต้")
    t.add_user("manager", "manager", "ทีมเหนือ")
    t.add_user("sales_a", "sales", "ทีมเหนือ")
    t.add_user("sales_b", "sales", "ทีมเหนือ")
    t.add_user("sales_c", "sales", "ทีมใต้")
    tag = uuid.uuid4().hex[:8]
    leads = {}
    for who in ("sales_a", "sales_b", "sales_c"):
        leads[who] = t.create_lead(who, company=f"ลูกค้าเป้าหมาย {tag}")["id"]
    sent = t.create_lead("sales_a", company=f"ลูกค้าเป้าหมาย {tag}")["id"]
    r = t.gw.post(f"/api/v1/leads/{sent}/send", headers=t.h("sales_a"),
                json={"to_user_id": t.users["sales_c"], "note": "ฝากดูแลด้วย"})
    assert r.status_code == 200, r.text
    leads["sent_a_to_c"] = sent
    return t, leads, tag


ALL = {"sales_a", "sales_b", "sales_c", "sent_a_to_c"}
# visibility -> actor -> (writable leads, read-only leads)
MATRIX = {
    "all": {"admin": (ALL, set()), "manager": (ALL, set()), "sales_a": (ALL, set())},
    "team": {"admin": (ALL, set()), "manager": ({"sales_a", "sales_b"}, set()),
             "sales_a": ({"sales_a", "sales_b"}, set())},
    "own": {"admin": (ALL, set()), "manager": ({"sales_a", "sales_b"}, set()),
            "sales_a": ({"sales_a"}, {"sent_a_to_c"})},
}
CASES = [(v, a) for v, actors in MATRIX.items() for a in actors]


def listed_ids(gw, headers, **params) -> set[str]:
    ids: set[str] = set()
    for box in ("inbox", "sent"):
        cursor = None
        while True:
            q = {"box": box, "limit": 200, **params}
            if cursor:
                q["cursor"] = cursor
            r = gw.get("/api/v1/leads", headers=headers, params=q)
            assert r.status_code == 200, r.text
            ids |= {item["id"] for item in r.json()["items"]}
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
    return ids


@pytest.mark.parametrize("visibility,actor", CASES)
def test_matrix(gw, world, visibility, actor):
    t, leads, tag = world
    t.set_visibility(visibility)
    writable, readonly = MATRIX[visibility][actor]
    h = t.h(actor)
    visible = writable | readonly

    # list and search show exactly the visible leads of this world
    ours = set(leads.values())
    assert listed_ids(gw, h) & ours == {leads[k] for k in visible}
    assert listed_ids(gw, h, q=tag) & ours == {leads[k] for k in visible}

    for key, lead_id in leads.items():
        get = gw.get(f"/api/v1/leads/{lead_id}", headers=h)
        followups = gw.get(f"/api/v1/leads/{lead_id}/followups", headers=h)
        patch = gw.patch(f"/api/v1/leads/{lead_id}", headers=h, json={"note": f"{actor} was here"})
        log = gw.post(f"/api/v1/leads/{lead_id}/followups", headers=h,
                      json={"channel": "phone", "note": "โทรแล้ว"})
        label = gw.post(f"/api/v1/leads/{lead_id}/lost", headers=h, json={"reason": ""})
        if key in writable:
            assert get.status_code == 200, (key, get.text)
            assert followups.status_code == 200
            assert patch.status_code == 200, (key, patch.text)
            assert log.status_code == 201, (key, log.text)
            assert label.status_code == 422  # visible, but a reason is required
        elif key in readonly:
            assert get.status_code == 200 and followups.status_code == 200
            assert patch.status_code == 403 and log.status_code == 403
        else:
            for r in (get, followups, patch, log, label):
                assert r.status_code == 404, (key, r.status_code, r.text)
                assert lead_id not in r.text


def test_another_tenants_admin_sees_nothing(gw, world, make_tenant):
    t, leads, tag = world
    other = make_tenant("บริษัท อื่น จำกัด")
    h = other.h("admin")
    assert not (listed_ids(gw, h, q=tag) & set(leads.values()))
    for lead_id in leads.values():
        assert gw.get(f"/api/v1/leads/{lead_id}", headers=h).status_code == 404
        r = gw.patch(f"/api/v1/leads/{lead_id}", headers=h, json={"note": "x"})
        assert r.status_code == 404
        r = gw.post(f"/api/v1/leads/{lead_id}/send", headers=h,
                    json={"to_user_id": other.users["admin"]})
        assert r.status_code == 404
    r = gw.get(f"/api/v1/users/{t.users['sales_a']}", headers=h)
    assert r.status_code == 404


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic YTpi"},
    {"Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"},
    {"X-API-Key": "tdk_not_a_real_key"},
])
def test_bad_or_missing_credentials_are_401(gw, world, headers):
    t, leads, _ = world
    for method, path in [("GET", "/api/v1/leads"), ("GET", f"/api/v1/leads/{leads['sales_a']}"),
                         ("POST", "/api/v1/leads"), ("GET", "/api/v1/me")]:
        r = gw.request(method, path, headers=headers, json={} if method == "POST" else None)
        assert r.status_code == 401, (path, r.text)
        assert r.json()["code"] == "unauthorized"


def test_forged_context_header_from_a_client_is_ignored(gw, world):
    t, leads, _ = world
    t.set_visibility("own")
    forged = {"X-Tidtam-Context": "eyJ0aWQiOiJ4In0.AAAA", **t.h("sales_b")}
    r = gw.get(f"/api/v1/leads/{leads['sales_c']}", headers=forged)
    assert r.status_code == 404


def test_leads_service_refuses_unsigned_requests(system, world):
    import httpx

    t, leads, _ = world
    for path in ("/api/v1/leads", f"/api/v1/leads/{leads['sales_a']}", "/api/v1/pipelines"):
        r = httpx.get(system.leads.url + path)
        assert r.status_code == 401, r.text
        r = httpx.get(system.leads.url + path, headers={"X-Tidtam-Context": "a.b"})
        assert r.status_code == 401


def test_deactivated_user_loses_access_at_once(gw, world):
    t, leads, _ = world
    t.add_user("leaver", "sales", "ทีมเหนือ")
    assert gw.get("/api/v1/leads", headers=t.h("leaver")).status_code == 200
    r = gw.delete(f"/api/v1/users/{t.users['leaver']}", headers=t.h("admin"))
    assert r.status_code in (200, 204), r.text
    assert gw.get("/api/v1/leads", headers=t.h("leaver")).status_code == 401
    assert gw.get("/api/v1/me", headers=t.h("leaver")).status_code == 401

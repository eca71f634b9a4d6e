"""The tenant's account_visibility (all | team | own) applied to accounts and contacts:
lists, reads, writes, search, duplicates, contacts, copy and timeline. What a caller may
not see is 404."""

from __future__ import annotations

import pytest
from accounts_support import thai_company

pytestmark = pytest.mark.integration

OWNERS = ["admin", "manager", "sales1", "sales2", "sales3"]
# viewer -> owners whose accounts they see, per visibility (team a: manager, sales1, sales2)
SEES = {
    "all": {v: set(OWNERS) for v in OWNERS},
    "team": {"admin": set(OWNERS), "manager": {"manager", "sales1", "sales2"},
             "sales1": {"manager", "sales1", "sales2"},
             "sales2": {"manager", "sales1", "sales2"}, "sales3": {"sales3"}},
    "own": {"admin": set(OWNERS), "manager": {"manager", "sales1", "sales2"},
            "sales1": {"sales1"}, "sales2": {"sales2"}, "sales3": {"sales3"}},
}


@pytest.fixture
async def owned(api, tenant):
    """One account (with a contact) per person, all with the same phone for duplicates."""
    out = {}
    for i, key in enumerate(OWNERS):
        body = thai_company(100 + i, owner_id=str(tenant.people[key].id),
                            phones=["053-111-222"], name=f"บริษัท มองเห็น{key} จำกัด")
        r = await api.post("/api/v1/accounts", json=body, headers=tenant.headers(tenant.admin))
        assert r.status_code == 201, r.text
        acc = r.json()
        c = await api.post(f"/api/v1/accounts/{acc['id']}/contacts", json={"name": "ผู้ติดต่อ"},
                           headers=tenant.headers(tenant.admin))
        out[key] = (acc, c.json())
    return out


@pytest.mark.parametrize("visibility", ["all", "team", "own"])
async def test_visibility_matrix(api, tenant, owned, visibility):
    for viewer in OWNERS:
        h = tenant.headers(tenant.people[viewer], account_visibility=visibility)
        expected = SEES[visibility][viewer]
        listed = (await api.get("/api/v1/accounts", params={"limit": 200}, headers=h)).json()
        got = {k for k, (acc, _) in owned.items()
               if acc["id"] in {a["id"] for a in listed["items"]}}
        assert got == expected, (visibility, viewer)
        searched = (await api.get("/api/v1/accounts", params={"q": "มองเห็น"},
                                  headers=h)).json()
        assert len(searched["items"]) == len(expected)
        dups = (await api.post("/api/v1/accounts/duplicates", json={"phones": ["053111222"]},
                               headers=h)).json()["items"]
        assert {d["account"]["id"] for d in dups} == {owned[k][0]["id"] for k in expected}
        for owner, (acc, contact) in owned.items():
            seen = owner in expected
            base = f"/api/v1/accounts/{acc['id']}"
            want = 200 if seen else 404
            assert (await api.get(base, headers=h)).status_code == want, (viewer, owner)
            assert (await api.patch(base, json={"line_id": f"{viewer}-{visibility}"},
                                    headers=h)).status_code == want
            assert (await api.get(f"{base}/contacts", headers=h)).status_code == want
            assert (await api.get(f"{base}/timeline", headers=h)).status_code == want
            assert (await api.get(f"{base}/contacts/{contact['id']}",
                                  headers=h)).status_code == want
            assert (await api.patch(f"{base}/contacts/{contact['id']}", json={"position": "x"},
                                    headers=h)).status_code == want
            assert (await api.post(f"{base}/contacts", json={"name": "ใหม่"},
                                   headers=h)).status_code == (201 if seen else 404)
            assert (await api.post(f"{base}/copy", json={"name": "สำเนา"},
                                   headers=h)).status_code == (201 if seen else 404)


async def test_sales_cannot_give_an_account_to_someone_they_cannot_see(api, tenant):
    h = tenant.headers(tenant.sales1, account_visibility="own")
    body = thai_company(120, owner_id=str(tenant.sales3.id))
    r = await api.post("/api/v1/accounts", json=body, headers=h)
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.owner_id"


async def test_conflict_with_an_invisible_account_does_not_leak_it(api, tenant):
    body = thai_company(121, owner_id=str(tenant.sales3.id))
    r = await api.post("/api/v1/accounts", json=body, headers=tenant.headers(tenant.admin))
    hidden = r.json()
    r = await api.post("/api/v1/accounts", json={**body, "owner_id": None},
                       headers=tenant.headers(tenant.sales1, account_visibility="own"))
    assert r.status_code == 409
    assert hidden["id"] not in r.json()["message"]
    assert "someone you cannot see" in r.json()["message"]

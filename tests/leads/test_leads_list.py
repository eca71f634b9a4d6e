"""GET /api/v1/leads: boxes, keyset pagination newest first, search in Thai and by phone."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.integration


async def _all_pages(api, headers, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        q = {**params, **({"cursor": cursor} if cursor else {})}
        r = await api.get("/api/v1/leads", headers=headers, params=q)
        assert r.status_code == 200, r.text
        items += r.json()["items"]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return items


async def test_keyset_pagination_newest_first(api, tenant, create_lead):
    made = [await create_lead(tenant.sales1, name=f"ลูกค้า {i}") for i in range(7)]
    h = tenant.headers(tenant.sales1)
    r = await api.get("/api/v1/leads", headers=h, params={"limit": 3})
    page = r.json()
    assert [i["id"] for i in page["items"]] == [m["id"] for m in made[::-1][:3]]
    assert page["next_cursor"]
    everything = await _all_pages(api, h, limit=3)
    assert [i["id"] for i in everything] == [m["id"] for m in made[::-1]]


@pytest.mark.parametrize("params, field", [
    ({"cursor": "not-a-cursor"}, "query.cursor"),
    ({"cursor": "WyJ4IiwieSJd"}, "query.cursor"),  # valid base64 JSON, nonsense inside
    ({"limit": 0}, "query.limit"),
    ({"limit": 201}, "query.limit"),
    ({"box": "trash"}, "query.box"),
    ({"label_id": "nope"}, "query.label_id"),
])
async def test_bad_list_parameters_are_422(api, tenant, params, field):
    r = await api.get("/api/v1/leads", headers=tenant.headers(tenant.sales1), params=params)
    assert r.status_code == 422, r.text
    assert field in [f["field"] for f in r.json()["fields"]]


async def test_search_thai_substrings_phone_email_company(api, tenant, create_lead):
    tag = uuid.uuid4().hex[:6]
    a = await create_lead(tenant.sales1, name=f"คุณวิชัย ศรีสุข {tag}", phone="089-765-4321",
                          company="บริษัท ทองดีการค้า จำกัด")
    b = await create_lead(tenant.sales1, name=f"Pim Wongsa {tag}", phone="02 555 0101",
                          email=f"pim.{tag}@siam-trading.co.th")
    h = tenant.headers(tenant.sales1)

    async def found(q):
        r = await api.get("/api/v1/leads", headers=h, params={"q": q, "limit": 200})
        assert r.status_code == 200, r.text
        return {i["id"] for i in r.json()["items"]}

    assert a["id"] in await found("ศรีสุข")          # Thai, mid-name, no word boundary
    assert a["id"] in await found("ทองดี")          # Thai substring of the company
    assert a["id"] in await found("089-765")         # phone typed in local form
    assert a["id"] in await found("0897654321")
    assert a["id"] in await found("+6689765")
    assert a["id"] in await found("๐๘๙๗๖๕")         # Thai digits
    assert b["id"] in await found("PIM.")            # email, any case
    assert b["id"] in await found("wongsa")
    assert a["id"] not in await found("wongsa")
    assert await found("100%_") == set()             # LIKE wildcards are literal


async def test_boxes_and_filters(api, tenant, create_lead):
    h1 = tenant.headers(tenant.sales1)
    inbox = await create_lead(tenant.sales1)
    lost = await create_lead(tenant.sales1)
    junk = await create_lead(tenant.sales1)
    sent = await create_lead(tenant.sales1)
    assert (await api.post(f"/api/v1/leads/{lost['id']}/lost", headers=h1,
                           json={"reason": "ราคาสูงเกินไป"})).status_code == 200
    assert (await api.post(f"/api/v1/leads/{junk['id']}/junk", headers=h1,
                           json={"reason": "สแปม"})).status_code == 200
    assert (await api.post(f"/api/v1/leads/{sent['id']}/send", headers=h1,
                           json={"to_user_id": str(tenant.sales2.id)})).status_code == 200

    async def box(name, headers=h1, **params):
        return {i["id"] for i in await _all_pages(api, headers, box=name, **params)}

    mine = {"owner_id": str(tenant.sales1.id)}
    assert await box("inbox", **mine) == {inbox["id"]}
    assert await box("lost", **mine) == {lost["id"]}
    assert await box("junk", **mine) == {junk["id"]}
    assert await box("sent") == {sent["id"]}
    h2 = tenant.headers(tenant.sales2)
    assert sent["id"] in await box("inbox", h2, owner_id=str(tenant.sales2.id))
    assert await box("sent", h2) == set()
    pipes = (await api.get("/api/v1/pipelines", headers=h1)).json()
    first = pipes[0]["stages"][0]["id"]
    assert inbox["id"] in await box("inbox", stage_id=first, pipeline_id=pipes[0]["id"])
    assert await box("inbox", stage_id=pipes[0]["stages"][1]["id"], **mine) == set()


async def test_search_follows_edits_boxes_owners_and_pages(api, tenant, create_lead):
    """The search reads a copy kept by a trigger (migration 0005): it must follow every
    change of what it searches, of the box and of the owner, and page like the list."""
    tag = uuid.uuid4().hex[:8]
    own = tenant.headers(tenant.sales1, "own")

    async def found(headers, **params):
        r = await api.get("/api/v1/leads", headers=headers, params=params)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]

    leads = [await create_lead(tenant.sales1, "own", name=f"คุณค้นหา {tag} {i}")
             for i in range(5)]
    seen, cursor = [], None
    while True:
        r = await api.get("/api/v1/leads", headers=own,
                          params={"q": tag, "limit": 2, **({"cursor": cursor} if cursor else {})})
        seen += [x["id"] for x in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert seen == [x["id"] for x in reversed(leads)]
    first = leads[0]["id"]
    r = await api.patch(f"/api/v1/leads/{first}", headers=own,
                        json={"name": f"คุณเปลี่ยนชื่อ {tag}x"})
    assert r.status_code == 200
    assert await found(own, q=f"{tag}x") == [first]
    r = await api.post(f"/api/v1/leads/{first}/lost", headers=own, json={"reason": "ราคา"})
    assert r.status_code == 200, r.text
    assert first not in await found(own, q=tag)
    assert await found(own, q=f"{tag}x", box="lost") == [first]
    second = leads[1]["id"]
    r = await api.post(f"/api/v1/leads/{second}/send", headers=own,
                       json={"to_user_id": str(tenant.sales2.id)})
    assert r.status_code == 200, r.text
    assert second not in await found(own, q=tag)
    assert second in await found(tenant.headers(tenant.sales2, "own"), q=tag)
    assert second in await found(own, q=tag, box="sent")

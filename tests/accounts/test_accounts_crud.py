"""Accounts over HTTP against the real service: create, read, list and its filters, edit,
delete, Thai fields and their errors, the tax ID + branch conflict, and the events."""

from __future__ import annotations

import uuid

import pytest
from accounts_support import tax_id, thai_company

pytestmark = pytest.mark.integration


async def _create(api, tenant, body, who=None, status=201):
    r = await api.post("/api/v1/accounts", json=body, headers=tenant.headers(who or tenant.admin))
    assert r.status_code == status, r.text
    return r.json()


async def test_create_and_read_a_thai_company(api, tenant, account_events):
    body = thai_company(1, credit_limit="150000.50", credit_days=30,
                        bill_discount={"kind": "percent", "value": 5},
                        anniversaries=[{"kind": "founding", "date": "2010-05-01"}],
                        labels=["VIP", "VIP", "ภาคเหนือ"], line_id="@thairung",
                        location={"lat": 18.79, "lon": 98.97},
                        phones=["๐๕๓-๒๑๑-๑๑๑ ต่อ 12", "081 234 5678"])
    body["name"] = "บริษัท ไทยรุ่งเรือง จำกัด (มหาชน)"
    made = await _create(api, tenant, body)
    assert made["branch"] == "00000" and made["branch_label"] == "สำนักงานใหญ่"
    assert made["phones"] == ["+6653211111;ext=12", "+66812345678"]
    assert made["labels"] == ["VIP", "ภาคเหนือ"]
    assert made["credit_limit"] == "150000.50"
    assert made["location"] == {"lat": 18.79, "lon": 98.97}
    assert made["owner_id"] == str(tenant.admin.id)
    assert made["address"]["province"] == "เชียงใหม่"
    got = await api.get(f"/api/v1/accounts/{made['id']}", headers=tenant.headers(tenant.admin))
    assert got.json() == made
    event = await account_events.assert_published("account.created",
                                                  lambda e: e["subject"] == made["id"])
    assert event["data"]["tax_id"] == made["tax_id"] and event["data"]["name"] == body["name"]


async def test_branch_label_and_person(api, tenant):
    branch = await _create(api, tenant, thai_company(2, branch="00003"))
    assert branch["branch_label"] == "สาขาที่ 00003"
    person = await _create(api, tenant, {"kind": "person", "name": "นายสมศักดิ์ ใจดี",
                                         "tax_id": tax_id(3, company=False)})
    assert person["kind"] == "person" and person["branch"] == "00000"


@pytest.mark.parametrize(("patch", "field"), [
    ({"tax_id": "0105536000316"}, "body.tax_id"),           # check digit wrong
    ({"tax_id": "010553600031"}, "body.tax_id"),            # 12 digits
    ({"tax_id": "01055360003AB"}, "body.tax_id"),           # letters
    ({"tax_id": tax_id(9, company=False)}, "body.tax_id"),  # a person's, for a company
    ({"branch": "0001"}, "body.branch"),
    ({"branch": "สาขา1"}, "body.branch"),
    ({"branch": "๐๐๐๐๑"}, "body.branch"),                  # Thai digits: tax IDs only
    ({"credit_days": True}, "body.credit_days"),            # JSON types as the schema says
    ({"force": 0}, "body.force"),
    ({"anniversaries": [{"kind": "birthday", "date": 0}]}, "body.anniversaries.0.date"),
    ({"address": {"postcode": "99999"}}, "body.address.postcode"),
    ({"address": {"postcode": "0500"}}, "body.address.postcode"),
    ({"phones": ["12345"]}, "body.phones.0"),
    ({"emails": ["not-an-email"]}, "body.emails.0"),
    ({"bill_discount": {"kind": "percent", "value": 150}}, "body.bill_discount"),
    ({"credit_limit": -1}, "body.credit_limit"),
    ({"location": {"lat": 91, "lon": 0}}, "body.location.lat"),
])
async def test_bad_thai_fields_are_clear_422s(api, tenant, patch, field):
    body = {**thai_company(4), **patch}
    r = await api.post("/api/v1/accounts", json=body, headers=tenant.headers(tenant.admin))
    assert r.status_code == 422, r.text
    fields = [f["field"] for f in r.json()["fields"]]
    assert any(f.startswith(field) for f in fields), fields


async def test_branch_without_tax_id_is_ignored(api, tenant):
    made = await _create(api, tenant, {**thai_company(8), "tax_id": None, "branch": "00001"})
    assert made["tax_id"] is None and made["branch"] is None


async def test_thai_digits_and_dashes_in_tax_id(api, tenant):
    tid = tax_id(5)
    spaced = f"{tid[0]}-{tid[1:5]}-{tid[5:10]}-{tid[10:12]}-{tid[12]}"
    thai = spaced.translate(str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"))
    made = await _create(api, tenant, {**thai_company(5), "tax_id": thai})
    assert made["tax_id"] == tid


async def test_same_tax_id_and_branch_is_409_unless_forced(api, tenant):
    first = await _create(api, tenant, thai_company(6))
    again = {**thai_company(6), "name": "ไทยรุ่งเรือง ซ้ำ"}
    r = await api.post("/api/v1/accounts", json=again, headers=tenant.headers(tenant.sales1))
    assert r.status_code == 409 and r.json()["code"] == "duplicate_tax_id"
    assert "force" in r.json()["message"]
    # Another branch of the same company is a different account.
    await _create(api, tenant, {**again, "branch": "00001"})
    forced = await _create(api, tenant, {**again, "force": True})
    assert forced["tax_id"] == first["tax_id"]
    # Moving an account onto a taken tax ID + branch is a conflict too.
    other = await _create(api, tenant, thai_company(7))
    r = await api.patch(f"/api/v1/accounts/{other['id']}", json={"tax_id": first["tax_id"]},
                        headers=tenant.headers(tenant.admin))
    assert r.status_code == 409


async def test_list_filters_and_search(api, tenant):
    h = tenant.headers(tenant.admin)
    a = await _create(api, tenant, thai_company(10, labels=["VIP"]))
    b = await _create(api, tenant, {**thai_company(11), "address": {"province": "ภูเก็ต"},
                                    "owner_id": str(tenant.sales1.id)})
    c = await _create(api, tenant, {"kind": "person", "name": "คุณวิภา ศรีสุข",
                                    "phones": ["089-999-1111"], "emails": ["wipa@example.com"]})

    async def ids(**params):
        r = await api.get("/api/v1/accounts", params=params, headers=h)
        assert r.status_code == 200, r.text
        return [x["id"] for x in r.json()["items"]]

    assert await ids(q="ไทยรุ่งเรือง10") == [a["id"]]
    assert await ids(q=a["tax_id"]) == [a["id"]]
    assert await ids(q="0899991111") == [c["id"]]
    assert await ids(q="089-999") == [c["id"]]
    assert await ids(q="WIPA@example") == [c["id"]]
    assert await ids(province="ภูเก็ต") == [b["id"]]
    assert await ids(label="VIP") == [a["id"]]
    assert await ids(owner_id=str(tenant.sales1.id)) == [b["id"]]
    assert await ids() == [c["id"], b["id"], a["id"]]
    page1 = (await api.get("/api/v1/accounts", params={"limit": 2}, headers=h)).json()
    assert len(page1["items"]) == 2 and page1["next_cursor"]
    page2 = (await api.get("/api/v1/accounts", params={"limit": 2,
                                                        "cursor": page1["next_cursor"]},
                           headers=h)).json()
    assert [x["id"] for x in page2["items"]] == [a["id"]] and page2["next_cursor"] is None


async def test_patch_only_what_is_sent(api, tenant, account_events):
    made = await _create(api, tenant, thai_company(20, credit_days=30))
    url = f"/api/v1/accounts/{made['id']}"
    r = await api.patch(url, json={"credit_days": 45, "website": "https://thairung.co.th",
                                   "branch": "00002"}, headers=tenant.headers(tenant.admin))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["credit_days"] == 45 and out["branch_label"] == "สาขาที่ 00002"
    assert out["name"] == made["name"] and out["version"] == made["version"] + 1
    event = await account_events.assert_published("account.updated",
                                                  lambda e: e["subject"] == made["id"])
    assert event["data"]["changed"] == ["branch", "credit_days", "website"]
    r = await api.patch(url, json={"name": None}, headers=tenant.headers(tenant.admin))
    assert r.status_code == 422


async def test_delete(api, tenant):
    made = await _create(api, tenant, thai_company(21))
    h = tenant.headers(tenant.admin)
    await api.post(f"/api/v1/accounts/{made['id']}/contacts", json={"name": "คุณเอ"}, headers=h)
    assert (await api.delete(f"/api/v1/accounts/{made['id']}", headers=h)).status_code == 204
    assert (await api.get(f"/api/v1/accounts/{made['id']}", headers=h)).status_code == 404
    assert (await api.delete(f"/api/v1/accounts/{made['id']}", headers=h)).status_code == 404


async def test_unknown_owner_is_404(api, tenant):
    r = await api.post("/api/v1/accounts", json={**thai_company(22),
                                                 "owner_id": str(uuid.uuid4())},
                       headers=tenant.headers(tenant.admin))
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.owner_id"


async def test_search_pages_newest_first_and_skips_merged(api, tenant):
    h = tenant.headers(tenant.admin)
    made = [await _create(api, tenant, {"name": f"ร้านกาแฟดอยช้าง สาขา {i}"}) for i in range(5)]
    seen, cursor = [], None
    while True:
        params = {"q": "กาแฟดอยช้าง", "limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await api.get("/api/v1/accounts", params=params, headers=h)).json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [a["id"] for a in reversed(made)]
    r = await api.post(f"/api/v1/accounts/{made[0]['id']}/merge",
                       json={"from_id": made[1]["id"]}, headers=h)
    assert r.status_code == 200
    page = (await api.get("/api/v1/accounts", params={"q": "กาแฟดอยช้าง"}, headers=h)).json()
    assert made[1]["id"] not in [a["id"] for a in page["items"]] and len(page["items"]) == 4
    # Another filter beside q takes the other path; the answer is the same.
    page = (await api.get("/api/v1/accounts", params={"q": "กาแฟดอยช้าง",
                                                       "owner_id": str(tenant.admin.id)},
                          headers=h)).json()
    assert len(page["items"]) == 4

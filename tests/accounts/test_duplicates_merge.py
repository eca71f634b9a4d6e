"""The duplicate check (Thai company affixes ignored), copy and merge."""

from __future__ import annotations

import pytest
from accounts_support import tax_id, thai_company

pytestmark = pytest.mark.integration


async def _create(api, tenant, body, who=None):
    r = await api.post("/api/v1/accounts", json=body, headers=tenant.headers(who or tenant.admin))
    assert r.status_code == 201, r.text
    return r.json()


async def _dups(api, tenant, **query):
    r = await api.post("/api/v1/accounts/duplicates", json=query,
                       headers=tenant.headers(tenant.admin))
    assert r.status_code == 200, r.text
    return r.json()["items"]


@pytest.mark.parametrize(("stored", "candidate"), [
    ("บริษัท ศรีสยามค้าไม้ จำกัด", "ศรีสยามค้าไม้"),
    ("บริษัท ศรีสยามค้าไม้ จำกัด (มหาชน)", "บมจ. ศรีสยาม ค้าไม้"),
    ("ห้างหุ้นส่วนจำกัด ศรีสยามค้าไม้", "หจก.ศรีสยามค้าไม้"),
    ("บจก. ศรีสยามค้าไม้", "บริษัท ศรีสยามค้าไม้ จำกัด"),
    ("Sri Siam Timber Co., Ltd.", "SRI SIAM TIMBER"),
    ("Sri Siam Timber Public Company Limited", "sri siam timber co ltd"),
])
async def test_same_name_with_other_affixes(api, tenant, stored, candidate):
    made = await _create(api, tenant, {"name": stored})
    found = await _dups(api, tenant, name=candidate)
    assert found and found[0]["account"]["id"] == made["id"]
    assert found[0]["reasons"] == ["name"] and found[0]["score"] == 90


async def test_similar_but_not_same_name_scores_lower(api, tenant):
    made = await _create(api, tenant, {"name": "บริษัท เชียงใหม่การเกษตร จำกัด"})
    found = await _dups(api, tenant, name="เชียงใหม่การเกษตรภัณฑ์")
    hit = next(d for d in found if d["account"]["id"] == made["id"])
    assert 32 <= hit["score"] < 90 and hit["reasons"] == ["name"]
    assert not [d for d in await _dups(api, tenant, name="ภูเก็ตประมง")
                if d["account"]["id"] == made["id"]]


async def test_tax_id_branch_phone_email(api, tenant):
    made = await _create(api, tenant, thai_company(200, branch="00002"))
    contact = await api.post(f"/api/v1/accounts/{made['id']}/contacts",
                             json={"name": "คุณดี", "emails": ["Dee@Example.com"],
                                   "phones": ["0899990000"]},
                             headers=tenant.headers(tenant.admin))
    assert contact.status_code == 201
    same = await _dups(api, tenant, tax_id=made["tax_id"], branch="00002")
    assert same[0]["account"]["id"] == made["id"] and same[0]["score"] == 100
    assert same[0]["reasons"] == ["tax_id_branch"]
    other_branch = await _dups(api, tenant, tax_id=made["tax_id"])  # head office
    assert other_branch[0]["reasons"] == ["tax_id"] and other_branch[0]["score"] == 60
    by_contact = await _dups(api, tenant, emails=["dee@example.com"], phones=["089-999-0000"])
    assert by_contact[0]["account"]["id"] == made["id"]
    assert set(by_contact[0]["reasons"]) == {"phone", "email"} and by_contact[0]["score"] == 90
    everything = await _dups(api, tenant, name=made["name"], tax_id=made["tax_id"],
                             branch="00002", phones=made["phones"])
    assert everything[0]["score"] == 100 and len(everything[0]["reasons"]) == 3
    assert not await _dups(api, tenant, tax_id=tax_id(201))
    editing = await _dups(api, tenant, tax_id=made["tax_id"], branch="00002",
                          exclude_id=made["id"])
    assert not editing


async def test_nothing_asked_nothing_found(api, tenant):
    await _create(api, tenant, thai_company(202))
    for body in ({}, {"name": None, "phones": [], "emails": []}):
        r = await api.post("/api/v1/accounts/duplicates", json=body,
                           headers=tenant.headers(tenant.admin))
        assert r.status_code == 200 and r.json() == {"items": []}


async def test_copy_takes_terms_not_identity(api, tenant):
    original = await _create(api, tenant, thai_company(
        210, credit_limit=50000, credit_days=60, labels=["กลุ่มA"], website="https://a.co.th",
        bill_discount={"kind": "amount", "value": 500}))
    await api.post(f"/api/v1/accounts/{original['id']}/contacts", json={"name": "คุณเอ"},
                   headers=tenant.headers(tenant.admin))
    r = await api.post(f"/api/v1/accounts/{original['id']}/copy",
                       json={"name": "บริษัท ไทยรุ่งเรือง ขนส่ง จำกัด"},
                       headers=tenant.headers(tenant.sales1))
    assert r.status_code == 201, r.text
    copy = r.json()
    assert copy["id"] != original["id"] and copy["name"] == "บริษัท ไทยรุ่งเรือง ขนส่ง จำกัด"
    for same in ("address", "credit_limit", "credit_days", "bill_discount", "labels", "website",
                 "kind"):
        assert copy[same] == original[same], same
    assert copy["tax_id"] is None and copy["phones"] == [] and copy["emails"] == []
    assert copy["owner_id"] == str(tenant.sales1.id)
    contacts = await api.get(f"/api/v1/accounts/{copy['id']}/contacts",
                             headers=tenant.headers(tenant.admin))
    assert contacts.json()["items"] == []


async def test_merge(api, tenant, account_events):
    h = tenant.headers(tenant.admin)
    keep = await _create(api, tenant, {"name": "บริษัท รวมกัน จำกัด", "labels": ["VIP"]})
    gone = await _create(api, tenant, thai_company(220, labels=["ภาคเหนือ"]))
    moved = (await api.post(f"/api/v1/accounts/{gone['id']}/contacts",
                            json={"name": "คุณย้าย", "emails": ["move@example.com"]},
                            headers=h)).json()
    r = await api.post(f"/api/v1/accounts/{keep['id']}/merge", json={"from_id": gone["id"]},
                       headers=tenant.headers(tenant.sales1))
    assert r.status_code == 403
    r = await api.post(f"/api/v1/accounts/{keep['id']}/merge", json={"from_id": keep["id"]},
                       headers=h)
    assert r.status_code == 409 and r.json()["code"] == "merge_into_itself"
    r = await api.post(f"/api/v1/accounts/{keep['id']}/merge", json={"from_id": gone["id"]},
                       headers=tenant.headers(tenant.manager))
    assert r.status_code == 200, r.text
    merged = r.json()
    assert merged["tax_id"] == gone["tax_id"]  # filled in from the other
    assert merged["labels"] == ["VIP", "ภาคเหนือ"] and merged["phones"] == gone["phones"]
    contacts = (await api.get(f"/api/v1/accounts/{keep['id']}/contacts", headers=h)).json()
    assert [c["id"] for c in contacts["items"]] == [moved["id"]]
    assert contacts["items"][0]["is_primary"] is False
    old = await api.get(f"/api/v1/accounts/{gone['id']}", headers=h)
    assert old.status_code == 404 and keep["id"] in old.json()["message"]
    found = await _dups(api, tenant, emails=["move@example.com"])
    assert [d["account"]["id"] for d in found] == [keep["id"]]
    event = await account_events.assert_published("account.merged",
                                                  lambda e: e["subject"] == keep["id"])
    assert event["data"]["from_id"] == gone["id"]
    assert event["data"]["contact_ids"] == [moved["id"]]
    # The merged-in tax ID is the survivor's now: a new account with it conflicts.
    r = await api.post("/api/v1/accounts", json=thai_company(220), headers=h)
    assert r.status_code == 409 and keep["id"] in r.json()["message"]

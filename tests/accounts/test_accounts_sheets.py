"""Account imports on the real accounts service (crmkit.sheets mounted by accounts): each
row through the API's create with its contact, tax ID + branch duplicates, the contact
quota (rows past it reported, not imported), events with the import's id as correlation,
and an export of what the caller may see."""

from __future__ import annotations

import asyncio
import io
import uuid

import asyncpg
import openpyxl
import pytest
from accounts_support import make_tenant
from stdnum.th import moa

from crmkit.testing.sheets import xlsx

pytestmark = pytest.mark.integration
IMPORTS = "/api/v1/imports"
Q = {"entity": "account"}
HEADER = ["ชื่อบริษัท", "เลขประจำตัวผู้เสียภาษี", "สาขา", "เบอร์โทร", "จังหวัด", "ชื่อผู้ติดต่อ",
          "โทรศัพท์มือถือ"]


def _tax_id(n: int) -> str:
    body = f"0105{n:08d}"
    return body + moa.calc_check_digit(body)


def _rows(n: int, tag: str, base: int) -> list[list[str]]:
    return [[f"บริษัท {tag} {i} จำกัด", _tax_id(base + i), "00000", f"02{i:07d}",
             "เชียงใหม่", f"คุณติดต่อ {i}", f"08{i:08d}"] for i in range(n)]


async def _run(api, headers, path, **start):
    with path.open("rb") as f:
        r = await api.post(IMPORTS, params=Q, headers=headers, files={"file": (path.name, f)})
    assert r.status_code == 201, r.text
    job = r.json()
    r = await api.post(f"{IMPORTS}/{job['id']}/start", params=Q, headers=headers,
                       json={"mapping": job["mapping"], **start})
    assert r.status_code == 200, r.text
    for _ in range(300):
        got = (await api.get(f"{IMPORTS}/{job['id']}", params=Q, headers=headers)).json()
        if got["status"] != "running":
            return job, got
        await asyncio.sleep(0.1)
    raise AssertionError("the import did not finish")


async def test_accounts_with_contacts_duplicates_and_events(api, tenant, tmp_path,
                                                           account_events):
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    base = int(uuid.uuid4().int % 10**7) * 10
    rows = _rows(4, tag, base)
    rows[2][1] = "0105536000001"  # a wrong check digit
    path = xlsx(tmp_path / "a.xlsx", [HEADER, *rows])
    job, done = await _run(api, h, path)
    assert job["mapping"] == {"ชื่อบริษัท": "name", "เลขประจำตัวผู้เสียภาษี": "tax_id",
                              "สาขา": "branch", "เบอร์โทร": "phones",
                              "จังหวัด": "address.province", "ชื่อผู้ติดต่อ": "contact.name",
                              "โทรศัพท์มือถือ": "contact.phone"}
    assert (done["status"], done["created"], done["failed"]) == ("done", 3, 1), done
    found = (await api.get("/api/v1/accounts", headers=h, params={"q": tag})).json()["items"]
    assert len(found) == 3 and {a["address"]["province"] for a in found} == {"เชียงใหม่"}
    account = found[0]
    people = (await api.get(f"/api/v1/accounts/{account['id']}/contacts", headers=h)).json()
    assert people["items"][0]["name"].startswith("คุณติดต่อ")
    made = await account_events.assert_published("account.created",
                                         lambda e: e["subject"] == account["id"])
    assert made["correlationid"] == job["id"]
    # Again with skip: nothing new; with update: the names change.
    _, again = await _run(api, h, path)
    assert (again["created"], again["skipped"]) == (0, 3), again
    renamed = [[r[0] + " ใหม่", *r[1:]] for r in rows]
    _, upd = await _run(api, h, xlsx(tmp_path / "b.xlsx", [HEADER, *renamed]),
                        duplicates="update")
    assert upd["updated"] == 3, upd
    found = (await api.get("/api/v1/accounts", headers=h, params={"q": tag})).json()["items"]
    assert all(a["name"].endswith("ใหม่") for a in found)


async def test_rows_past_the_contact_quota_are_reported(api, tmp_path, gateway_events,
                                                        accounts_db):
    tenant = await make_tenant(gateway_events, accounts_db.owner_url, plan="free",
                               contact_limit=2)
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    base = int(uuid.uuid4().int % 10**7) * 10
    path = xlsx(tmp_path / "q.xlsx", [HEADER, *_rows(4, tag, base)])
    _, done = await _run(api, h, path)
    assert (done["created"], done["failed"]) == (2, 2), done
    found = (await api.get("/api/v1/accounts", headers=h, params={"q": tag})).json()["items"]
    assert len(found) == 2  # the rows past the limit left no account behind
    r = await api.get(f"{IMPORTS}/{done['id']}/errors.xlsx", params=Q, headers=h)
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    fixes = [row[-1] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert len(fixes) == 2 and all("limit" in f for f in fixes)


async def test_export_accounts_only_what_the_caller_sees(api, tenant, tmp_path):
    tag = uuid.uuid4().hex[:6]
    for person, name in ((tenant.sales1, f"=CMD {tag}"), (tenant.sales2, f"อื่น {tag}")):
        r = await api.post("/api/v1/accounts", headers=tenant.headers(person), json={
            "name": name, "tax_id": _tax_id(int(uuid.uuid4().int % 10**7) * 10),
            "phones": ["02-123-4567"]})
        assert r.status_code == 201, r.text
    h1 = tenant.headers(tenant.sales1, account_visibility="own")
    r = await api.post("/api/v1/exports", params=Q, headers=h1, json={
        "columns": ["name", "tax_id", "phones"], "filters": {"q": tag}})
    assert r.status_code == 202, r.text
    for _ in range(100):
        job = (await api.get(f"/api/v1/exports/{r.json()['id']}", params=Q,
                             headers=h1)).json()
        if job["status"] != "running":
            break
        await asyncio.sleep(0.1)
    assert job["rows"] == 1, job
    got = await api.get(job["download_url"], headers=h1)
    ws = openpyxl.load_workbook(io.BytesIO(got.content)).active
    rows = list(ws.iter_rows(min_row=2))
    assert rows[0][0].value == f"=CMD {tag}" and rows[0][0].data_type == "s"
    assert rows[0][1].data_type == "s" and rows[0][1].value.startswith("0")


async def test_set_based_import_events_twins_and_the_same_file_twice(api, tenant, tmp_path,
                                                                      account_events,
                                                                      accounts_db):
    """One batch: an account.created and a contact.created per row (the import's id as
    their correlation, the contact primary and keyed), a second row with the same tax ID +
    branch skipped, and the same file again with `skip` changes nothing (no row, no event)."""
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    base = int(uuid.uuid4().int % 10**7) * 10
    rows = _rows(3, tag, base)
    twin = [f"บริษัท {tag} ซ้ำ จำกัด", *rows[0][1:]]
    path = xlsx(tmp_path / "t.xlsx", [HEADER, *rows, twin])
    job, done = await _run(api, h, path)
    assert (done["created"], done["skipped"], done["failed"]) == (3, 1, 0), done
    found = (await api.get("/api/v1/accounts", headers=h, params={"q": tag})).json()["items"]
    assert len(found) == 3 and not any("ซ้ำ" in a["name"] for a in found)
    for account in found:
        made = await account_events.assert_published(
            "account.created", lambda e, a=account: e["subject"] == a["id"])
        assert made["correlationid"] == job["id"] and made["data"]["name"] == account["name"]
        person = await account_events.assert_published(
            "contact.created", lambda e, a=account: e["data"]["account_id"] == a["id"])
        assert person["correlationid"] == job["id"] and person["data"]["is_primary"] is True
        people = (await api.get(f"/api/v1/accounts/{account['id']}/contacts",
                                headers=h)).json()["items"]
        assert [p["id"] for p in people] == [person["subject"]]
    # the contact's mobile is a key: the accounts search finds the account by it
    mobile = rows[1][6]
    by_phone = (await api.get("/api/v1/accounts", headers=h, params={"q": mobile})).json()
    assert [a["name"] for a in by_phone["items"]] == [rows[1][0]]
    conn = await asyncpg.connect(accounts_db.owner_url.replace("postgresql+asyncpg",
                                                               "postgresql"))
    try:
        count = "SELECT count(*) FROM outbox WHERE payload->>'correlationid' = $1"
        assert await conn.fetchval(count, job["id"]) == 6
        again, twice = await _run(api, h, path)
        assert (twice["created"], twice["skipped"], twice["failed"]) == (0, 4, 0), twice
        assert await conn.fetchval(count, again["id"]) == 0
    finally:
        await conn.close()
    found = (await api.get("/api/v1/accounts", headers=h, params={"q": tag})).json()["items"]
    assert len(found) == 3


async def test_quota_counts_the_batch_once_and_rows_without_contacts_pass(
        api, tmp_path, gateway_events, accounts_db):
    """Limit 3, one contact already: of four rows with contacts two get in, the two past
    the limit fail; a row without a contact takes no quota and is made."""
    tenant = await make_tenant(gateway_events, accounts_db.owner_url, plan="free",
                               contact_limit=3)
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    base = int(uuid.uuid4().int % 10**7) * 10
    first = _rows(1, tag + "a", base)
    _, done = await _run(api, h, xlsx(tmp_path / "1.xlsx", [HEADER, *first]))
    assert done["created"] == 1, done
    rows = _rows(4, tag, base + 100)
    bare = [f"บริษัท {tag} ไม่มีผู้ติดต่อ จำกัด", _tax_id(base + 200), "00000", "021234567",
            "เชียงใหม่", "", ""]
    _, done = await _run(api, h, xlsx(tmp_path / "2.xlsx", [HEADER, *rows, bare]))
    assert (done["created"], done["failed"]) == (3, 2), done
    names = {a["name"] for a in (await api.get("/api/v1/accounts", headers=h, params={
        "q": tag})).json()["items"]}
    assert names == {first[0][0], rows[0][0], rows[1][0], bare[0]}
    conn = await asyncpg.connect(accounts_db.owner_url.replace("postgresql+asyncpg",
                                                               "postgresql"))
    try:
        counted = await conn.fetchval("SELECT contact_count FROM tenant_plans "
                                      "WHERE tenant_id = $1", tenant.id)
    finally:
        await conn.close()
    assert counted == 3

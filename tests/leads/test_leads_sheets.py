"""Lead imports and exports on the real leads service (crmkit.sheets mounted by leads):
mapping from Thai headers, the preview, skip/update/create, owners by email, events per row
with the import's id as correlation, the error report, cancel, Idempotency-Key, hostile
files (time and the service's memory), and exports: visibility, no formula, maker only."""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from pathlib import Path

import openpyxl
import orjson
import pytest

import crmkit.testing.sheets as make
from crmkit.testing.sheets import csv_file, xlsx
from crmkit.testing.tenants import fetchval, pg_dsn

pytestmark = pytest.mark.integration
IMPORTS = "/api/v1/imports"
Q = {"entity": "lead"}
HEADER = ["ชื่อ", "เบอร์โทร", "อีเมล", "ชื่อบริษัท", "ที่มา", "ระดับ"]


def _rows(n: int, tag: str, bad: set[int] = frozenset()) -> list[list[str]]:
    return [[f"คุณทดสอบ {tag} {i}", "12345" if i in bad else f"08{i:08d}",
             f"{tag}.{i}@example.co.th", "บริษัท ตัวอย่าง จำกัด", "website", "A"]
            for i in range(n)]


async def _upload(api, headers, path: Path, name: str | None = None, **extra):
    with path.open("rb") as f:
        return await api.post(IMPORTS, params=Q, headers={**headers, **extra},
                              files={"file": (name or path.name, f)})


async def _wait(api, headers, job_id, *, until=("done", "failed", "cancelled")):
    for _ in range(600):
        r = await api.get(f"{IMPORTS}/{job_id}", params=Q, headers=headers)
        assert r.status_code == 200, r.text
        if r.json()["status"] in until:
            return r.json()
        await asyncio.sleep(0.1)
    raise AssertionError("the import did not finish")


async def _run(api, headers, path, **start):
    r = await _upload(api, headers, path)
    assert r.status_code == 201, r.text
    job = r.json()
    body = {"mapping": job["mapping"], "duplicates": "skip", **start}
    r = await api.post(f"{IMPORTS}/{job['id']}/start", params=Q, headers=headers, json=body)
    assert r.status_code == 200, r.text
    return job, await _wait(api, headers, job["id"])


async def test_upload_finds_header_suggests_mapping_and_previews(api, tenant, tmp_path):
    h = tenant.headers(tenant.admin)
    r = await api.post("/api/v1/custom-fields", params=Q, headers=h, json={
        "key": "grade", "label_th": "ระดับ", "label_en": "Grade", "type": "text"})
    assert r.status_code == 201, r.text
    path = xlsx(tmp_path / "fair.xlsx", [HEADER, *_rows(3, "pv", bad={1})],
                title="รายชื่อจากงานแฟร์")
    r = await _upload(api, h, path)
    assert r.status_code == 201, r.text
    job = r.json()
    assert job["status"] == "uploaded" and job["kind"] == "xlsx" and job["sheets"] == ["ลูกค้า"]
    assert job["header_row"] == 2
    assert job["mapping"] == {"ชื่อ": "name", "เบอร์โทร": "phone", "อีเมล": "email",
                              "ชื่อบริษัท": "company", "ที่มา": "source",
                              "ระดับ": "custom.grade"}
    assert [p["status"] for p in job["preview"]] == ["ok", "failed", "ok"]
    bad = job["preview"][1]
    assert bad["row"] == 4 and bad["errors"][0]["code"] == "invalid_phone"
    assert bad["errors"][0]["message_th"].startswith("เบอร์โทรไม่ถูกต้อง")
    # Nothing is imported by the upload.
    listed = (await api.get("/api/v1/leads", headers=h, params={"q": "คุณทดสอบ pv"})).json()
    assert listed["items"] == []


async def test_import_events_report_and_the_same_file_twice(api, tenant, tmp_path,
                                                            lead_events):
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    path = xlsx(tmp_path / "a.xlsx", [HEADER[:5], *[r[:5] for r in _rows(30, tag, {7})]])
    job, done = await _run(api, h, path)
    assert (done["status"], done["total"], done["done"]) == ("done", 30, 30), done
    assert (done["created"], done["failed"], done["skipped"]) == (29, 1, 0)
    created = [e for e in lead_events.of_type("lead.created")
               if e["data"]["email"].startswith(tag)]
    for _ in range(50):
        if len(created) >= 29:
            break
        await asyncio.sleep(0.1)
        created = [e for e in lead_events.of_type("lead.created")
                   if e["data"]["email"].startswith(tag)]
    assert len(created) == 29
    assert {e["correlationid"] for e in created} == {job["id"]}
    assert created[0]["data"]["phone"].startswith("+668")
    # The error report: the row as read, its number, what to fix in Thai and English.
    r = await api.get(f"{IMPORTS}/{job['id']}/errors.xlsx", params=Q, headers=h)
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == tuple(HEADER[:5])
    assert rows[1][1] == "12345" and rows[1][5] == 9  # header is row 1: data row 7 is 9
    assert "เบอร์โทร" in rows[1][6] and "phone" in rows[1][7]
    # The same file again, skip: nothing changes.
    _, again = await _run(api, h, path)
    assert (again["created"], again["skipped"], again["failed"]) == (0, 29, 1)
    listed = (await api.get("/api/v1/leads", headers=h, params={"q": tag, "limit": 200})).json()
    assert len(listed["items"]) == 29


async def test_update_and_create_policies(api, tenant, tmp_path):
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    first = xlsx(tmp_path / "1.xlsx", [HEADER[:5], *[r[:5] for r in _rows(3, tag)]])
    await _run(api, h, first)
    changed = [[f"ชื่อใหม่ {i}", r[1], r[2], "บริษัท ใหม่", "website"]
               for i, r in enumerate(_rows(3, tag))]
    second = xlsx(tmp_path / "2.xlsx", [HEADER[:5], *changed])
    _, upd = await _run(api, h, second, duplicates="update")
    assert (upd["updated"], upd["created"]) == (3, 0), upd
    listed = (await api.get("/api/v1/leads", headers=h, params={"q": tag})).json()["items"]
    assert sorted(x["name"] for x in listed) == ["ชื่อใหม่ 0", "ชื่อใหม่ 1", "ชื่อใหม่ 2"]
    assert {x["company"] for x in listed} == {"บริษัท ใหม่"}
    _, made = await _run(api, h, second, duplicates="create")
    assert made["created"] == 3
    listed = (await api.get("/api/v1/leads", headers=h, params={"q": tag})).json()["items"]
    assert len(listed) == 6


async def test_owner_by_email_column_and_cp874_csv(api, tenant, tmp_path):
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    rows = [["ชื่อ", "เบอร์โทร", "อีเมล", "ผู้ดูแล"],
            [f"สมชาย {tag}", "0891111111", f"{tag}.1@example.com", tenant.sales1.email],
            [f"สมหญิง {tag}", "0892222222", f"{tag}.2@example.com", "nobody@example.com"]]
    path = csv_file(tmp_path / "thai.csv", rows, "cp874")
    r = await _upload(api, h, path)
    assert r.status_code == 201, r.text
    job = r.json()
    mapping = {**job["mapping"], "ผู้ดูแล": None}
    r = await api.post(f"{IMPORTS}/{job['id']}/start", params=Q, headers=h, json={
        "mapping": mapping, "owner": {"column": "ผู้ดูแล"}})
    assert r.status_code == 200, r.text
    done = await _wait(api, h, job["id"])
    assert (done["created"], done["failed"]) == (1, 1)
    lead = (await api.get("/api/v1/leads", headers=h, params={"q": tag})).json()["items"][0]
    assert lead["name"] == f"สมชาย {tag}" and lead["owner_id"] == str(tenant.sales1.id)


async def test_start_twice_cancel_and_others_jobs(api, tenant, tmp_path):
    h = tenant.headers(tenant.admin)
    path = xlsx(tmp_path / "a.xlsx", [HEADER[:3], *[r[:3] for r in _rows(2, "cx")]])
    job = (await _upload(api, h, path)).json()
    other = tenant.headers(tenant.sales1)
    assert (await api.get(f"{IMPORTS}/{job['id']}", params=Q, headers=other)).status_code == 404
    r = await api.post(f"{IMPORTS}/{job['id']}/cancel", params=Q, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    r = await api.post(f"{IMPORTS}/{job['id']}/start", params=Q, headers=h,
                       json={"mapping": job["mapping"]})
    assert r.status_code == 409
    r = await api.post(f"{IMPORTS}/{job['id']}/start", params={"entity": "account"},
                       headers=h, json={"mapping": {}})
    assert r.status_code == 404
    job = (await _upload(api, h, path)).json()
    r = await api.post(f"{IMPORTS}/{job['id']}/start", params=Q, headers=h,
                       json={"mapping": {"ชื่อ": "no_such_field"}})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body.mapping.ชื่อ"


async def test_upload_idempotency_key(api, tenant, tmp_path):
    h = tenant.headers(tenant.admin)
    a = xlsx(tmp_path / "a.xlsx", [HEADER[:3], *[r[:3] for r in _rows(2, "ka")]])
    b = xlsx(tmp_path / "b.xlsx", [HEADER[:3], *[r[:3] for r in _rows(3, "kb")]])
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await _upload(api, h, a, **key)
    again = await _upload(api, h, a, **key)
    assert first.status_code == 201 and again.json()["id"] == first.json()["id"]
    other = await _upload(api, h, b, **key)
    assert other.status_code == 422
    assert other.json()["fields"][0]["field"] == "header.Idempotency-Key"


def _rss_mib(pid: int, field: str = "VmRSS") -> float:
    """The process's resident memory now (VmRSS) or at its peak so far (VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def test_hostile_uploads_refused_within_2s_memory_bounded(api, tenant, tmp_path,
                                                               leads_service):
    h = tenant.headers(tenant.admin)
    idle = _rss_mib(leads_service.proc.pid)
    pdf = tmp_path / "x.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 1000)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    header_only = csv_file(tmp_path / "h.csv", [["ชื่อ", "เบอร์โทร"]], "utf-8")
    many = csv_file(tmp_path / "many.csv", [["ชื่อ"]] + [[f"n{i}"] for i in range(200_001)],
                    "utf-8")
    files = {"zip_bomb": make.zip_bomb(tmp_path), "xml_entities": make.billion_laughs(tmp_path),
             "xxe": make.xxe(tmp_path), "too_many_rows": make.claims_grid(tmp_path, rows=True),
             "too_many_columns": make.claims_grid(tmp_path, rows=False),
             "encrypted_file": make.encrypted(tmp_path), "wrong_type": pdf,
             "empty_file": empty, "rows_past_limit": many}
    peak = idle
    for expected, path in files.items():
        started = time.perf_counter()
        r = await _upload(api, h, path)
        spent = time.perf_counter() - started
        peak = max(peak, _rss_mib(leads_service.proc.pid))
        assert r.status_code == 422, (expected, r.text)
        code = r.json()["fields"][0]["code"]
        assert code == {"xxe": "xml_entities", "rows_past_limit": "too_many_rows"}.get(
            expected, expected), r.text
        assert spent < 2, (expected, spent)
    assert "200,000" in r.json()["message"]
    r = await _upload(api, h, header_only)
    assert r.status_code == 201 and r.json()["preview"] == []
    r = await api.post(f"{IMPORTS}/{r.json()['id']}/start", params=Q, headers=h,
                       json={"mapping": r.json()["mapping"]})
    done = await _wait(api, h, r.json()["id"])
    assert (done["status"], done["total"], done["created"]) == ("done", 0, 0)
    peak = max(peak, _rss_mib(leads_service.proc.pid, "VmHWM"))  # the peak, between polls too
    assert peak - idle < 256, (idle, peak)


async def test_upload_over_50_mb_is_413(api, tenant):
    body = b"x" * (50 * 1024 * 1024 + 1)
    r = await api.post(IMPORTS, params=Q, headers=tenant.headers(tenant.admin),
                       files={"file": ("big.csv", body)})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"


EXPORTS = "/api/v1/exports"


async def _export(api, headers, **body):
    r = await api.post(EXPORTS, params=Q, headers=headers, json=body)
    assert r.status_code == 202, r.text
    for _ in range(300):
        got = (await api.get(f"{EXPORTS}/{r.json()['id']}", params=Q, headers=headers)).json()
        if got["status"] != "running":
            return got
        await asyncio.sleep(0.1)
    raise AssertionError("the export did not finish")


async def test_export_visibility_no_formula_and_maker_only(api, tenant, create_lead):
    tag = uuid.uuid4().hex[:6]
    evil = f'=HYPERLINK("http://evil.example","{tag}")'
    await create_lead(tenant.sales1, name=evil, company=f"{tag} co", potential="12500.50")
    await create_lead(tenant.sales1, name=f"+{tag} plus", company=f"{tag} co")
    await create_lead(tenant.sales2, name=f"ของคนอื่น {tag}", company=f"{tag} co")
    h1 = tenant.headers(tenant.sales1, "own")
    job = await _export(api, h1, format="xlsx", language="en", filters={"q": tag},
                        columns=["name", "phone", "potential", "created_at"])
    assert job["status"] == "done" and job["rows"] == 2, job
    r = await api.get(job["download_url"], headers=h1)
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows())
    assert [c.value for c in rows[0]] == ["Name", "Phone", "Potential value", "Created"]
    names = {row[0].value for row in rows[1:]}
    assert names == {evil, f"+{tag} plus"}  # not the colleague's
    assert not any(c.data_type == "f" for row in rows for c in row)
    money = next(row[2] for row in rows[1:] if row[0].value == evil)
    assert money.value == 12500.5 and "฿" in money.number_format
    phone = rows[1][1]
    assert phone.data_type == "s" and phone.value.startswith("+66")
    assert rows[1][3].is_date
    # Only its maker: another user is told it does not exist.
    h2 = tenant.headers(tenant.sales2)
    assert (await api.get(job["download_url"], headers=h2)).status_code == 404
    assert (await api.get(f"{EXPORTS}/{job['id']}", params=Q, headers=h2)).status_code == 404
    # CSV: UTF-8 with BOM, Thai headers, neutralised.
    job = await _export(api, h1, format="csv", filters={"q": tag}, columns=["name"])
    r = await api.get(job["download_url"], headers=h1)
    text = r.content.decode("utf-8-sig")
    assert r.content.startswith(b"\xef\xbb\xbf") and text.splitlines()[0] == "ชื่อ"
    assert f"'+{tag} plus" in text and "'=HYPERLINK" in text


async def test_export_custom_fields_as_typed_columns(api, tenant, create_lead):
    """Custom fields as columns, each read by the export's query as its JSON value
    (`custom -> key`): a number a number, a date an Excel date, a multi_select joined, a
    checkbox a boolean, a text as text (a formula-like one too), a blank one blank; and the
    box, the owner and the ID beside them."""
    h = tenant.headers(tenant.admin)
    for key, type_, more in (("budget", "number", {}), ("visit", "date", {}),
                             ("tags", "multi_select", {"options": ["ร้านอาหาร", "โรงแรม"]}),
                             ("vip", "checkbox", {}), ("grade", "text", {})):
        r = await api.post("/api/v1/custom-fields", params=Q, headers=h, json={
            "key": key, "label_th": f"ช่อง {key}", "label_en": key.title(), "type": type_,
            **more})
        assert r.status_code == 201, r.text
    tag = uuid.uuid4().hex[:6]
    full = await create_lead(name=f"ลูกค้า {tag} 1", custom={
        "budget": 12500.5, "visit": "2026-12-24", "tags": ["ร้านอาหาร", "โรงแรม"],
        "vip": True, "grade": "=1+1"})
    await create_lead(name=f"ลูกค้า {tag} 2", custom={"budget": 7})
    job = await _export(api, h, format="xlsx", language="en", filters={"q": tag},
                        columns=["name", "custom.budget", "custom.visit", "custom.tags",
                                 "custom.vip", "custom.grade", "box", "owner_id", "id"])
    assert job["status"] == "done" and job["rows"] == 2, job
    r = await api.get(job["download_url"], headers=h)
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows())
    assert [c.value for c in rows[0]] == ["Name", "Budget", "Visit", "Tags", "Vip", "Grade",
                                          "Box", "Owner", "ID"]
    got = {row[0].value: row for row in rows[1:]}
    one, two = got[f"ลูกค้า {tag} 1"], got[f"ลูกค้า {tag} 2"]
    assert one[1].value == 12500.5 and one[1].data_type == "n"
    assert one[2].is_date and one[2].value.date().isoformat() == "2026-12-24"
    assert one[3].value == "ร้านอาหาร, โรงแรม" and one[4].value is True
    assert (one[5].value, one[5].data_type) == ("=1+1", "s")
    assert one[6].value == "inbox" and one[7].value == full["owner_id"]
    assert one[8].value == full["id"]
    assert two[1].value == 7 and [c.value for c in two[2:6]] == [None] * 4
    assert not any(c.data_type == "f" for row in rows for c in row)


async def test_export_refuses_unknown_columns_and_filters(api, tenant):
    h = tenant.headers(tenant.admin)
    r = await api.post(EXPORTS, params=Q, headers=h, json={"columns": ["nope"]})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.columns.0"
    for filters in ({"box": "trash"}, {"nope": "1"}, {"cf.grade": 3}):
        r = await api.post(EXPORTS, params=Q, headers=h, json={"columns": ["name"],
                                                                "filters": filters})
        assert r.status_code == 422, (filters, r.text)


async def test_a_job_lost_with_its_process_is_resumed_when_read(api, tenant, tmp_path,
                                                                leads_db):
    """A running job that no task of this process runs, silent for longer than the stale
    time (its process was restarted), is taken over when read and goes on after the rows
    it had done: row 1 counted as done is not imported again, row 2 is."""
    h = tenant.headers(tenant.admin)
    rows = _rows(2, "lost")
    path = xlsx(tmp_path / "a.xlsx", [HEADER[:3], *[r[:3] for r in rows]])
    job = (await _upload(api, h, path)).json()
    await fetchval(leads_db.owner_url, "UPDATE import_jobs SET status = 'running', done = 1, "
                   "created = 1, heartbeat_at = now() - interval '11 minutes', options = "
                   "options || '{\"policy\": \"skip\", \"defaults\": {}}'::jsonb "
                   "WHERE id = $1", uuid.UUID(job["id"]))
    got = (await api.get(f"{IMPORTS}/{job['id']}", params=Q, headers=h)).json()
    assert got["status"] == "running", got
    got = await _wait(api, h, job["id"])
    assert (got["status"], got["done"], got["created"]) == ("done", 2, 2), got
    names = {x["name"] for x in (await api.get("/api/v1/leads", headers=h, params={
        "q": "lost", "limit": 50})).json()["items"]}
    assert names == {rows[1][0]}, names


async def test_events_built_by_the_database_are_the_contracts(api, tenant, tmp_path,
                                                              leads_db):
    """The staged import builds each `lead.created` (and, for a lead owned by another than
    the importer, `lead.assigned`) payload in SQL: it must be what the API's create builds
    in Python from the same lead (the contract, the CloudEvent, its correlation), but for
    the event's own id and time; created comes before assigned in the outbox."""
    from crmkit.events import CloudEvent, make_event
    from tidtam_contracts.leads import LeadAssignedV1, LeadCreatedV2
    from tidtam_leads.leads.events import lead_fields

    h = tenant.headers(tenant.admin)
    r = await api.post("/api/v1/custom-fields", params=Q, headers=h, json={
        "key": "tier", "label_th": "ชั้น", "label_en": "Tier", "type": "text"})
    assert r.status_code == 201, r.text
    tag = uuid.uuid4().hex[:6]
    path = xlsx(tmp_path / "ev.xlsx", [
        ["ชื่อ", "เบอร์โทร", "อีเมล", "ชื่อบริษัท", "ที่มา", "มูลค่าที่คาดหวัง", "ชั้น", "ผู้ดูแล"],
        [f"คุณเหตุการณ์ {tag}", "0812345678", f"{tag}@example.co.th", "", "website",
         "1234.5", "ทอง", tenant.sales1.email],
        [f"คุณไม่มีมูลค่า {tag}", "0812345679", f"{tag}.2@example.co.th", "บริษัท ก",
         "website", "", "", tenant.admin.email]])
    r = await _upload(api, h, path)
    assert r.status_code == 201, r.text
    job = r.json()
    r = await api.post(f"{IMPORTS}/{job['id']}/start", params=Q, headers=h, json={
        "mapping": {**job["mapping"], "ผู้ดูแล": None}, "owner": {"column": "ผู้ดูแล"}})
    assert r.status_code == 200, r.text
    done = await _wait(api, h, job["id"])
    assert done["created"] == 2, done
    conn = await asyncpg_connect(leads_db.owner_url)
    try:
        leads = await conn.fetch("SELECT * FROM leads WHERE email LIKE $1", f"{tag}%")
        assert len(leads) == 2
        assigned = 0
        for row in leads:
            stored = await conn.fetch(
                "SELECT event_id, event_type, payload FROM outbox "
                "WHERE payload->>'subject' = $1 ORDER BY id", str(row["id"]))
            by_sales = row["owner_id"] == tenant.sales1.id
            assert [e["event_type"] for e in stored] == (
                ["lead.created", "lead.assigned"] if by_sales else ["lead.created"])
            for e in stored:
                payload = e["payload"]
                assert payload["id"] == str(e["event_id"])
                CloudEvent.model_validate(payload)
                if e["event_type"] == "lead.created":
                    data = LeadCreatedV2.model_validate({**lead_fields(row),
                                                         "by_user_id": tenant.admin.id})
                else:
                    assigned += 1
                    data = LeadAssignedV1.model_validate({
                        **lead_fields(row), "from_user_id": None,
                        "by_user_id": tenant.admin.id})
                type(data).model_validate(payload["data"])
                expected = orjson.loads(make_event(
                    service="leads", data=data, tenant_id=tenant.id, subject=str(row["id"]),
                    sequence=row["version"], correlation_id=job["id"],
                ).model_dump_json(exclude_none=True))
                for key in ("id", "time"):
                    payload.pop(key), expected.pop(key)
                assert payload == expected
        assert assigned == 1
    finally:
        await conn.close()
    assert sorted(str(x["custom"]) for x in leads) == ["{'tier': 'ทอง'}", "{}"]
    assert sorted(str(x["potential"]) for x in leads) == ["1234.50", "None"]


async def test_duplicates_inside_one_file_and_against_the_database(api, tenant, tmp_path):
    """Duplicates found by the staging table's join (phone, else email) and within the file
    itself: the first row of a phone or email is made, later ones are skipped (or, with
    `update`, update the lead already there; with `create`, made too)."""
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    head = HEADER[:5]
    path = xlsx(tmp_path / "twins.xlsx", [head,
        [f"คุณหนึ่ง {tag}", "0891111111", f"{tag}.1@example.co.th", "", "website"],
        [f"คุณหนึ่งซ้ำเบอร์ {tag}", "089-111-1111", f"{tag}.x@example.co.th", "", "website"],
        [f"คุณหนึ่งซ้ำอีเมล {tag}", "0892222222", f"{tag.upper()}.1@EXAMPLE.co.th", "",
         "website"],
        [f"คุณสอง {tag}", "0893333333", f"{tag}.2@example.co.th", "", "website"]])
    _, done = await _run(api, h, path)
    assert (done["created"], done["skipped"], done["failed"]) == (2, 2, 0), done
    listed = (await api.get("/api/v1/leads", headers=h, params={"q": tag})).json()["items"]
    assert sorted(x["name"] for x in listed) == [f"คุณสอง {tag}", f"คุณหนึ่ง {tag}"]
    # Against the database: one matches by phone only, one by email only, one is new.
    again = xlsx(tmp_path / "again.xlsx", [head,
        [f"ชื่อใหม่ทางเบอร์ {tag}", "+66 89 111 1111", f"{tag}.new@example.co.th", "บริษัท ข",
         "website"],
        [f"ชื่อใหม่ทางอีเมล {tag}", "0894444444", f"{tag}.2@example.co.th", "บริษัท ข",
         "website"],
        [f"คุณสาม {tag}", "0895555555", f"{tag}.3@example.co.th", "", "website"]])
    _, skip = await _run(api, h, again)
    assert (skip["created"], skip["skipped"], skip["updated"]) == (1, 2, 0), skip
    _, upd = await _run(api, h, again, duplicates="update")
    assert (upd["created"], upd["skipped"], upd["updated"]) == (0, 0, 3), upd
    listed = (await api.get("/api/v1/leads", headers=h, params={"q": tag})).json()["items"]
    names = sorted(x["name"] for x in listed)
    assert names == sorted([f"ชื่อใหม่ทางเบอร์ {tag}", f"ชื่อใหม่ทางอีเมล {tag}",
                            f"คุณสาม {tag}"]), names
    assert all(x["company"] == "บริษัท ข" for x in listed if x["name"] != f"คุณสาม {tag}")
    # `create` makes every row, twins in the file too.
    _, made = await _run(api, h, path, duplicates="create")
    assert (made["created"], made["skipped"]) == (4, 0), made


async def asyncpg_connect(url: str):
    """A connection of the test's own that reads json and jsonb as Python values."""
    import asyncpg
    import orjson
    conn = await asyncpg.connect(pg_dsn(url))
    for kind in ("json", "jsonb"):
        await conn.set_type_codec(kind, schema="pg_catalog", encoder=lambda v: v,
                                  decoder=orjson.loads)
    return conn


async def test_the_job_keeps_where_its_time_went(api, tenant, tmp_path, leads_db):
    """When it ends, the job's options hold the seconds of each phase of its run (the
    bench prints them): reading, checking, staging, duplicates, inserting, the job's own."""
    h = tenant.headers(tenant.admin)
    path = xlsx(tmp_path / "p.xlsx", [HEADER[:3], *[r[:3] for r in _rows(3, "phases")]])
    job, done = await _run(api, h, path)
    assert (done["status"], done["created"]) == ("done", 3), done
    conn = await asyncpg_connect(leads_db.owner_url)
    try:
        phases = await conn.fetchval("SELECT options -> 'phases' FROM import_jobs "
                                     "WHERE id = $1", uuid.UUID(job["id"]))
    finally:
        await conn.close()
    assert {"read", "check", "stage", "duplicates", "insert", "job", "commit"} <= set(phases)
    assert all(isinstance(v, float | int) and v >= 0 for v in phases.values()), phases


async def test_update_policy_set_based_history_events_and_no_change(api, tenant, tmp_path,
                                                                     lead_events):
    """`update` in one batch: each matched lead changed as the PATCH would (its version
    bumped, an `updated` history entry naming what changed, a `lead.updated` with
    `changed` and the import's id); a lead matched by two rows of the file takes the first;
    a file that changes nothing leaves no event."""
    h = tenant.headers(tenant.admin)
    tag = uuid.uuid4().hex[:6]
    rows = [r[:5] for r in _rows(2, tag)]
    await _run(api, h, xlsx(tmp_path / "1.xlsx", [HEADER[:5], *rows]))
    before = {x["name"]: x for x in (await api.get("/api/v1/leads", headers=h, params={
        "q": tag})).json()["items"]}
    renamed = [[f"ชื่อใหม่ {tag} {i}", *r[1:3], "บริษัท ใหม่", "website"]
               for i, r in enumerate(rows)]
    again = [f"ชื่อที่สอง {tag}", *rows[0][1:]]  # the first lead again, later in the file
    job, upd = await _run(api, h, xlsx(tmp_path / "2.xlsx", [HEADER[:5], *renamed, again]),
                          duplicates="update")
    assert (upd["updated"], upd["created"], upd["failed"]) == (3, 0, 0), upd
    after = (await api.get("/api/v1/leads", headers=h, params={"q": tag})).json()["items"]
    assert sorted(x["name"] for x in after) == [renamed[0][0], renamed[1][0]]
    for lead in after:
        old = before[rows[int(lead["name"][-1])][0]]
        assert lead["id"] == old["id"] and lead["company"] == "บริษัท ใหม่"
        event = await lead_events.assert_published(
            "lead.updated", lambda e, i=lead["id"]: e["subject"] == i)
        assert event["correlationid"] == job["id"]
        assert event["data"]["changed"] == ["company", "name"]
        assert event["data"]["name"] == lead["name"]
        assert event["sequence"] == event["data"]["version"] > 1
        entries = (await api.get(f"/api/v1/leads/{lead['id']}/history",
                                 headers=h)).json()
        assert any(e["kind"] == "updated" and e["detail"]["changed"] == ["company", "name"]
                   for e in entries), entries
    seen = len(lead_events.of_type("lead.updated"))
    job, same = await _run(api, h, xlsx(tmp_path / "3.xlsx", [HEADER[:5], *renamed]),
                           duplicates="update")
    assert same["updated"] == 2, same
    await asyncio.sleep(1)
    assert [e for e in lead_events.of_type("lead.updated")[seen:]
            if e.get("correlationid") == job["id"]] == []

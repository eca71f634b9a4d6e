"""Imports and exports through the gateway: routed to the owning service by `entity`, a
file uploaded through the gateway's 50 MB limit for this path only, and an account import
whose rows become accounts with contacts that the leads side can use."""

from __future__ import annotations

import uuid

import openpyxl
import pytest

from crmkit.testing.sheets import xlsx

from .conftest import until

pytestmark = pytest.mark.e2e


def test_import_and_export_through_the_gateway(gw, make_tenant, tmp_path):
    t = make_tenant()
    h = t.h("admin")
    tag = uuid.uuid4().hex[:6]
    rows = [["ชื่อ", "เบอร์โทร", "อีเมล", "ที่มา"]] + [
        [f"ลูกค้า {tag} {i}", f"089{i:07d}", f"{tag}.{i}@example.com", "website"]
        for i in range(5)]
    path = xlsx(tmp_path / "leads.xlsx", rows)
    with path.open("rb") as f:
        r = gw.post("/api/v1/imports", params={"entity": "lead"}, headers=h,
                    files={"file": ("leads.xlsx", f)})
    assert r.status_code == 201, r.text
    job = r.json()
    r = gw.post(f"/api/v1/imports/{job['id']}/start", params={"entity": "lead"}, headers=h,
                json={"mapping": job["mapping"]})
    assert r.status_code == 200, r.text
    done = until(lambda: gw.get(f"/api/v1/imports/{job['id']}", params={"entity": "lead"},
                                headers=h), lambda j: j["status"] != "running")
    assert (done["status"], done["created"]) == ("done", 5), done
    # The accounts service has no such job: the same id asked as an account import is 404.
    r = gw.get(f"/api/v1/imports/{job['id']}", params={"entity": "account"}, headers=h)
    assert r.status_code == 404
    r = gw.get(f"/api/v1/imports/{job['id']}", headers=h)
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "query.entity"
    # A body over 1 MB goes through on this path (the JSON limit stays elsewhere).
    big = tmp_path / "big.csv"
    big.write_text("ชื่อ,อีเมล\n" + "".join(f"x{i},{i}@e.com\n" for i in range(80_000)),
                   encoding="utf-8")
    assert big.stat().st_size > 1024 * 1024
    with big.open("rb") as f:
        r = gw.post("/api/v1/imports", params={"entity": "lead"}, headers=h,
                    files={"file": ("big.csv", f)})
    assert r.status_code == 201 and r.json()["total"] == 80_000, r.text
    r = gw.post("/api/v1/leads", headers=h, content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                params={"entity": "lead"})
    assert r.status_code == 413
    r = gw.post("/api/v1/exports", params={"entity": "lead"}, headers=h,
                json={"columns": ["name", "phone"], "filters": {"q": tag}})
    assert r.status_code == 202, r.text
    export = until(lambda: gw.get(f"/api/v1/exports/{r.json()['id']}",
                                  params={"entity": "lead"}, headers=h),
                   lambda j: j["status"] != "running")
    got = gw.get(export["download_url"], headers=h)
    assert got.status_code == 200
    out = tmp_path / "out.xlsx"
    out.write_bytes(got.content)
    names = [row[0] for row in openpyxl.load_workbook(out).active.iter_rows(
        min_row=2, values_only=True)]
    assert sorted(names) == sorted(f"ลูกค้า {tag} {i}" for i in range(5))

"""The insights reports through the gateway: the visibility matrix (a sales user sees their
own figures, a manager their team's, an admin everyone's; a filter asking for more narrows
to what one may see), the .xlsx export in Thai and English, and admins' targets."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import httpx
import openpyxl
import pytest

from .insights_support import INSIGHTS, until

pytestmark = pytest.mark.integration


def _created(answer: dict[str, Any]) -> int:
    return int(answer["totals"]["created"])


def test_visibility_matrix_sales_own_manager_team_admin_all(
        make_tenant: Callable[[], Any], gw: httpx.Client) -> None:
    t = make_tenant()
    t.add_team("A")
    t.add_team("B")
    t.add_user("manager", "manager", "A")
    t.add_user("s1", "sales", "A")
    t.add_user("s2", "sales", "A")
    t.add_user("s3", "sales", "B")
    t.set_visibility("own")
    for who, n in (("s1", 1), ("s2", 2), ("s3", 3)):
        for _ in range(n):
            t.lead(who, source="line")
        deal = t.deal(who, amount="1000.50", probability=50)
        t.post(who, f"/api/v1/deals/{deal['id']}/won", {"closed_on": "2026-03-15"})

    until(lambda: t.report("admin", "funnel"), lambda a: _created(a) == 6)
    won = until(lambda: t.report("admin", "won", **{"from": "2026-03-01", "to": "2026-03-31"}),
                lambda a: a["totals"]["won_count"] == 3)
    assert won["totals"]["won_amount"] == "3001.50"
    assert {r["user"] for r in won["rows"]} == {t.users[w] for w in ("s1", "s2", "s3")}
    assert all(r["user_name"].endswith("คนขาย") for r in won["rows"])

    expect = {  # who → (all, team A filter, user s3 filter)
        "admin": (6, 3, 3), "manager": (3, 3, 0), "s1": (1, 1, 0), "s3": (3, 0, 3)}
    for who, (everyone, team_a, user_s3) in expect.items():
        assert _created(t.report(who, "funnel").json()) == everyone, who
        assert _created(t.report(who, "funnel", team_id=t.teams["A"]).json()) == team_a, who
        assert _created(t.report(who, "funnel", user_id=t.users["s3"]).json()) == user_s3, who
    mine = t.report("manager", "won", **{"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert {r["user"] for r in mine["rows"]} == {t.users["s1"], t.users["s2"]}
    teams = t.report("admin", "won", group_by="team",
                     **{"from": "2026-03-01", "to": "2026-03-31"}).json()
    assert {(r["team_name"], r["won_count"]) for r in teams["rows"]} == {("A", 2), ("B", 1)}
    assert teams["columns"][0] == {"key": "team", "kind": "team"}

    r = gw.get(f"{INSIGHTS}/funnel", params={"from": "2026-02-01", "to": "2026-01-01"},
               headers=t.h("admin"))
    assert r.status_code == 422 and r.json()["fields"][0]["code"] == "from_after_to"
    assert gw.get(f"{INSIGHTS}/funnel").status_code == 401
    assert gw.get(INSIGHTS, headers=t.h("s1")).json()["reports"][0] == "funnel"


def test_export_in_thai_and_english_and_targets_for_admins(
        make_tenant: Callable[[], Any], gw: httpx.Client) -> None:
    t = make_tenant()
    s1 = t.add_user("s1", "sales")
    deal = t.deal("s1", amount="2500")
    t.post("s1", f"/api/v1/deals/{deal['id']}/won", {"closed_on": "2026-04-02"})
    body = {"user_id": s1, "month": "2026-04", "amount": "10000"}
    assert gw.put(f"{INSIGHTS}/targets", headers=t.h("s1"), json=body).status_code == 403
    r = until(lambda: gw.put(f"{INSIGHTS}/targets", headers=t.h("admin"), json=body),
              lambda a: True)
    assert r == {"user_id": s1, "month": "2026-04", "amount": "10000.00"}
    assert gw.put(f"{INSIGHTS}/targets", headers=t.h("admin"), json=body).status_code == 200
    bad = gw.put(f"{INSIGHTS}/targets", headers=t.h("admin"), json={**body, "month": "2026-13"})
    assert bad.status_code == 422
    targets = until(lambda: t.report("admin", "targets", month="2026-04"),
                    lambda a: a["rows"] and a["rows"][0]["won_amount"] == "2500.00")
    assert targets["rows"] == [{"user": s1, "month": "2026-04", "target": "10000.00",
                                "won_amount": "2500.00", "attainment": 25.0,
                                "user_name": "s1 คนขาย"}]
    assert (targets["from"], targets["to"]) == ("2026-04-01", "2026-04-30")

    params = {"from": "2026-04-01", "to": "2026-04-30"}
    r = gw.get(f"{INSIGHTS}/won/export", headers=t.h("admin"), params=params)
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[1][:3] == ("พนักงานขาย", "ปิดได้ (ดีล)", "มูลค่าที่ปิดได้")
    assert rows[2][:3] == ("s1 คนขาย", 1, 2500)
    assert rows[-1][0] == "รวมทั้งหมด"
    r = gw.get(f"{INSIGHTS}/won/export", headers={**t.h("admin"), "Accept-Language": "en-GB"},
               params=params)
    assert list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)[1][0] == (
        "Salesperson")
    r = gw.get(f"{INSIGHTS}/won/export", headers=t.h("admin"), params={**params, "lang": "en"})
    assert list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)[1][0] == (
        "Salesperson")


def test_export_of_a_name_with_control_characters(
        make_tenant: Callable[[], Any], gw: httpx.Client) -> None:
    """A user's name may hold a control character (only NUL is refused); XML cannot, so the
    export leaves it out rather than failing (the contract fuzz found this as a 500)."""
    t = make_tenant()
    s1 = t.add_user("s1", "sales")
    r = gw.patch(f"/api/v1/users/{s1}", headers=t.h("admin"), json={"name": "s\x01one"})
    assert r.status_code == 200, r.text
    deal = t.deal("s1", amount="100")
    t.post("s1", f"/api/v1/deals/{deal['id']}/won", {"closed_on": "2026-05-02"})
    params = {"from": "2026-05-01", "to": "2026-05-31"}
    until(lambda: t.report("admin", "won", **params),
          lambda a: a["rows"] and a["rows"][0]["user_name"] == "s\x01one")
    r = gw.get(f"{INSIGHTS}/won/export", headers=t.h("admin"), params=params)
    assert r.status_code == 200, r.text
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[2][:3] == ("sone", 1, 100)

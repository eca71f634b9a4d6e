"""The calendar's month mode (`per_day`): per day, the counts by type and the first N items
equal what the full answer has for that day, in its order; 29 February anniversaries
counted on 28 February in other years; bounds → 422; the same visibility."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from act_support import known_account
from test_calendar import headers, task_at

pytestmark = pytest.mark.integration

TYPES = ("activity", "next_contact", "anniversary")


async def both(api, h, first: str, last: str, per_day: int) -> tuple[dict, dict]:
    params = {"from": first, "to": last}
    full = await api.get("/api/v1/calendar", headers=h, params=params)
    month = await api.get("/api/v1/calendar", headers=h, params={**params, "per_day": per_day})
    assert full.status_code == 200 and month.status_code == 200, (full.text, month.text)
    assert "days" not in full.json() and "per_day" not in full.json()
    return full.json(), month.json()


def same_as_full(full: dict, month: dict, per_day: int) -> dict[str, dict]:
    """Checks the month answer against the full one; returns its days by day."""
    by_day: dict[str, list[dict]] = {}
    for item in full["items"]:
        by_day.setdefault(item["day"], []).append(item)
    days = {d["day"]: d for d in month["days"]}
    assert [d["day"] for d in month["days"]] == sorted(by_day) == sorted(days)
    assert month["per_day"] == per_day
    expected_items = []
    for day, items in sorted(by_day.items()):
        counts = {t: sum(i["type"] == t for i in items) for t in TYPES}
        assert days[day] == {"day": day, "total": len(items), "counts": counts,
                             "more": max(len(items) - per_day, 0)}
        expected_items += items[:per_day]
    assert month["items"] == expected_items
    return days


async def test_month_counts_and_first_items_equal_the_full_answer(api, tenant,
                                                                  gateway_events, act_db):
    p = tenant.sales1
    # 7 tasks on 2027-02-10 (Bangkok), given out of order; 2 on the 11th; 1 on the 28th
    for hour in (9, 3, 7, 1, 5, 8, 2):
        await task_at(api, tenant, p, datetime(2027, 2, 10, hour, tzinfo=UTC), f"งาน {hour}")
    for hour in (4, 6):
        await task_at(api, tenant, p, datetime(2027, 2, 11, hour, tzinfo=UTC), f"พรุ่งนี้ {hour}")
    r = await api.post("/api/v1/activities", headers=tenant.headers(p), json={
        "kind": "meeting", "subject": "ทั้งวัน", "all_day": True,
        "starts_at": "2027-02-10T00:00:00+07:00", "ends_at": "2027-02-10T23:00:00+07:00"})
    assert r.status_code == 201, r.text
    await task_at(api, tenant, p, datetime(2027, 2, 28, 2, tzinfo=UTC), "สิ้นเดือน")
    await known_account(gateway_events, tenant, act_db, tenant.sales3, name="บริษัท อธิกสุรทิน จำกัด",
                        anniversaries=[{"kind": "founding", "date": "2000-02-29"}])
    h = headers(tenant, p)
    full, month = await both(api, h, "2027-02-01", "2027-02-28", 3)
    days = same_as_full(full, month, 3)
    assert days["2027-02-10"]["total"] == 8 and days["2027-02-10"]["more"] == 5
    # all-day first, then by time
    assert [i["title"] for i in month["items"] if i["day"] == "2027-02-10"] == [
        "ทั้งวัน", "งาน 1", "งาน 2"]
    assert days["2027-02-11"]["more"] == 0
    # 29 February falls on 28 February in 2027, counted there
    assert days["2027-02-28"]["counts"] == {"activity": 1, "next_contact": 0, "anniversary": 1}
    # a leap year: on the 29th
    _, leap = await both(api, h, "2028-02-28", "2028-03-01", 1)
    assert [(d["day"], d["counts"]["anniversary"]) for d in leap["days"]] == [("2028-02-29", 1)]
    for n in (1, 2, 50):
        same_as_full(*await both(api, h, "2027-02-01", "2027-02-28", n), n)
    # the same visibility: a caller who may not see the account sees none of its dates
    hidden = headers(tenant, p, account="own", lead="own")
    full_own, own = await both(api, hidden, "2027-02-01", "2027-02-28", 3)
    assert same_as_full(full_own, own, 3)["2027-02-28"]["counts"] == {
        "activity": 1, "next_contact": 0, "anniversary": 0}
    # a colleague's month: as for the full answer
    for who, status in (("manager", 200), ("sales2", 404)):
        r = await api.get("/api/v1/calendar", headers=headers(tenant, getattr(tenant, who)),
                          params={"from": "2027-02-01", "to": "2027-02-28", "per_day": 3,
                                  "user_id": str(p.id)})
        assert r.status_code == status, who
    full_m, month_m = await both(api, headers(tenant, tenant.manager), "2027-02-01",
                                 "2027-02-28", 3)
    same_as_full(full_m, month_m, 3)


async def test_empty_month_and_per_day_bounds(api, tenant):
    h = headers(tenant, tenant.sales2)
    full, month = await both(api, h, "2031-01-01", "2031-01-31", 3)
    assert full["items"] == [] and month["items"] == [] and month["days"] == []
    for bad in ("0", "51", "-1", "x"):
        r = await api.get("/api/v1/calendar", headers=h, params={
            "from": "2031-01-01", "to": "2031-01-31", "per_day": bad})
        assert r.status_code == 422, bad
        assert r.json()["fields"][0]["field"] == "query.per_day", r.text

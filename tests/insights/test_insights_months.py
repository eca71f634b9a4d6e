"""Months and days in the tenant's time zone (Asia/Bangkok, UTC+7): a deal won at
2026-01-31T17:30Z (00:30 on 1 February in Bangkok) counts in February, one won half an hour
earlier in January; a lead or an activity made at that moment counts on 1 February. The
events are the producers' own, published to the system's broker with chosen times."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest

from crmkit.testing.system import System
from crmkit.testing.tenants import GatewayEvents

from .insights_support import until

pytestmark = pytest.mark.integration
LEADS = "/services/leads"
BOUNDARY = "2026-01-31T17:30:00Z"  # 2026-02-01 00:30 in Bangkok
BEFORE = "2026-01-31T16:59:00Z"  # 2026-01-31 23:59 in Bangkok


def _lead(owner: str, pipeline: dict[str, Any], at: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "name": "ลูกค้า", "phone": "+66812345678",
            "email": "a@example.co.th", "company": None, "note": None, "source": "facebook",
            "owner_id": owner, "box": "inbox", "reason": None, "sent_by": [],
            "pipeline_id": pipeline["id"], "stage_id": pipeline["stages"][0]["id"],
            "potential": None, "custom": {}, "account_id": None, "contact_id": None,
            "conversion_status": None, "version": 1, "created_at": at, "updated_at": at}


def _deal(owner: str, pipeline: dict[str, Any], won_at: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "name": "ดีล", "account_id": str(uuid.uuid4()),
            "contact_id": None, "owner_id": owner, "pipeline_id": pipeline["id"],
            "stage_id": pipeline["stages"][-1]["id"], "amount": "500.25",
            "expected_close": None, "probability": None, "status": "won",
            "lost_reason": None, "closed_on": None, "lead_id": None, "version": 2,
            "created_at": "2026-01-20T03:00:00Z", "updated_at": won_at, "changes": {}}


def _activity(owner: str, at: str) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "kind": "call", "subject": "โทรหา", "note": None,
            "lead_id": None, "account_id": None, "contact_id": None, "owner_id": owner,
            "starts_at": None, "ends_at": None, "due_at": at, "all_day": False,
            "place": None, "reminders": [], "status": "planned", "result": None,
            "created_by": owner, "version": 1, "created_at": at, "updated_at": at}


async def test_a_deal_won_at_half_past_midnight_in_bangkok_counts_in_february(
        make_tenant: Callable[[], Any], system: System) -> None:
    t = make_tenant()
    s1 = t.add_user("s1", "sales")
    pipeline = t.gw.get("/api/v1/pipelines", headers=t.h("admin")).json()
    pipeline = pipeline["items"][0] if isinstance(pipeline, dict) else pipeline[0]
    tenant = uuid.UUID(t.id)
    events = GatewayEvents(system.amqp_url)
    await events.start()
    try:
        for at in (BOUNDARY, BEFORE):
            lead = _lead(s1, pipeline, at)
            await events.publish("lead.created", tenant, lead["id"], lead, source=LEADS,
                                 dataversion="2")
            deal = _deal(s1, pipeline, at)
            await events.publish("deal.won", tenant, deal["id"], deal, sequence=2,
                                 source=LEADS)
            activity = _activity(s1, at)
            await events.publish("activity.created", tenant, activity["id"], activity,
                                 source="/services/activities")
    finally:
        await events.stop()

    def window(report: str, first: str, last: str,
               **more: str) -> Callable[[], httpx.Response]:
        return lambda: t.report("admin", report, **{"from": first, "to": last, **more})

    won = until(window("won", "2026-01-01", "2026-02-28", group_by="month"),
                lambda a: a["totals"]["won_count"] == 2)
    assert [(r["month"], r["won_count"], r["won_amount"]) for r in won["rows"]] == [
        ("2026-01", 1, "500.25"), ("2026-02", 1, "500.25")]
    # created 20 January at 10:00 Bangkok; closed 31 January and 1 February
    assert [r["avg_days_to_close"] for r in won["rows"]] == [11.0, 12.0]
    assert won["time_zone"] == "Asia/Bangkok"
    february = window("funnel", "2026-02-01", "2026-02-28")
    assert until(february, lambda a: a["totals"]["created"] == 1)["rows"][0]["source"] == (
        "facebook")
    assert t.report("admin", "funnel", **{"from": "2026-01-31", "to": "2026-01-31"}).json()[
        "totals"]["created"] == 1
    calls = until(window("activities", "2026-02-01", "2026-02-01"),
                  lambda a: a["totals"]["total"] == 1)
    assert calls["rows"][0]["call"] == 1 and calls["rows"][0]["user"] == s1
    assert t.report("admin", "activities", **{"from": "2026-01-01", "to": "2026-01-31"}).json()[
        "totals"]["call"] == 1
    targets = t.report("admin", "targets", month="2026-02").json()
    assert [(r["month"], r["won_amount"], r["target"]) for r in targets["rows"]] == [
        ("2026-02", "500.25", None)]
    assert datetime.fromisoformat(won["from"]).month == 1

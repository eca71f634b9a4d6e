"""Reminders on the real service, database and broker: `activity.reminder_due` at its time;
exactly once when the worker is SIGKILLed at the due time (before and after its commit) and
started again; reminders that fell due while the service was down fire on restart, marked
late. Each test here runs its own service processes on a database and vhost of their own."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from act_support import ACTIVITIES_DIR, make_tenant, run_service

from crmkit.testing.capture import EventCapture
from crmkit.testing.tenants import GatewayEvents, fetchval

pytestmark = pytest.mark.slow


@pytest.fixture
def own_db(make_service_db):
    return make_service_db(f"activities_rem_{uuid.uuid4().hex[:6]}", ACTIVITIES_DIR)


@pytest.fixture
def own_amqp(make_vhost):
    return make_vhost(f"activities_rem_{uuid.uuid4().hex[:6]}")


@pytest.fixture
async def setup(own_db, own_amqp, tmp_path):
    gateway = GatewayEvents(own_amqp)
    await gateway.start()
    capture = EventCapture(own_amqp, "activity.reminder_due")
    await capture.start()
    procs = []

    def start(**env):
        proc = run_service(own_db, own_amqp, log_path=tmp_path / "activities.log",
                           TIDTAM_REMINDER_POLL_SECONDS="0.5", **env)
        procs.append(proc)
        return proc

    yield own_db, gateway, capture, start
    for proc in procs:
        proc.stop()
    await capture.stop()
    await gateway.stop()


async def _plan(url: str, tenant, fire_in: float) -> tuple[str, datetime]:
    """A call whose 1-minute reminder falls due in `fire_in` seconds."""
    due = datetime.now(UTC) + timedelta(minutes=1, seconds=fire_in)
    async with httpx.AsyncClient(base_url=url, timeout=30) as api:
        r = await api.post("/api/v1/activities", headers=tenant.headers(tenant.sales1), json={
            "kind": "call", "subject": "โทรยืนยันนัด", "due_at": due.isoformat(),
            "reminders": [1]})
    assert r.status_code == 201, r.text
    return r.json()["id"], due - timedelta(minutes=1)


async def _died(proc, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while proc.proc.poll() is None:
        assert asyncio.get_running_loop().time() < deadline, "the failpoint never fired"
        await asyncio.sleep(0.05)


def _ids(capture, activity_id: str) -> set[str]:
    return {e["id"] for e in capture.of_type("activity.reminder_due")
            if e["subject"] == activity_id}


async def test_a_reminder_fires_at_its_time(setup):
    db, gateway, capture, start = setup
    proc = start()
    tenant = await make_tenant(gateway, db.owner_url)
    aid, fire_at = await _plan(proc.url, tenant, 3)
    event = await capture.assert_published("activity.reminder_due",
                                           lambda e: e["subject"] == aid, timeout=20)
    data = event["data"]
    assert data["minutes"] == 1 and data["late"] is False and data["subject"] == "โทรยืนยันนัด"
    assert datetime.fromisoformat(data["fire_at"]) == fire_at
    fired = await fetchval(db.owner_url, "SELECT fired_at FROM activity_reminders WHERE "
                           "activity_id = $1", uuid.UUID(aid))
    assert fire_at <= fired < fire_at + timedelta(seconds=5)


@pytest.mark.parametrize("point", ["reminders.after_claim", "reminders.after_commit"])
async def test_exactly_once_across_a_sigkill_at_the_due_time(setup, point):
    db, gateway, capture, start = setup
    doomed = start(TIDTAM_FAILPOINTS=f"{point}=1")
    tenant = await make_tenant(gateway, db.owner_url)
    aid, _ = await _plan(doomed.url, tenant, 3)
    await _died(doomed)           # SIGKILLed by the failpoint, at the due time
    start()                       # and started again
    await capture.assert_published("activity.reminder_due", lambda e: e["subject"] == aid,
                                   timeout=20)
    await asyncio.sleep(3)        # anything twice would have come by now
    assert len(_ids(capture, aid)) == 1
    assert await fetchval(db.owner_url, "SELECT count(*) FROM activity_reminders WHERE "
                          "activity_id = $1 AND fired_at IS NOT NULL", uuid.UUID(aid)) == 1


async def test_reminders_due_while_down_fire_late_on_restart(setup):
    db, gateway, capture, start = setup
    first = start()
    tenant = await make_tenant(gateway, db.owner_url)
    aid, _ = await _plan(first.url, tenant, 4)
    on_time, _ = await _plan(first.url, tenant, 60)
    first.stop()
    await asyncio.sleep(6)        # the reminder falls due while nothing runs
    start(TIDTAM_REMINDER_LATE_SECONDS="1")
    event = await capture.assert_published("activity.reminder_due",
                                           lambda e: e["subject"] == aid, timeout=20)
    assert event["data"]["late"] is True
    assert _ids(capture, on_time) == set()   # not due yet

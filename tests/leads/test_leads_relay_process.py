"""The outbox relay in a process of its own (crmkit.serve with TIDTAM_RELAY=process, the
default): the service process no longer publishes, the relay process does; a relay that dies
is restarted and publishes what was staged meanwhile; it ends with the server. With
TIDTAM_RELAY=inline the server's own event loop publishes, as before.

Each test runs its own leads service on a database and vhost of its own: a second relay on
the same outbox would publish what these tests hold back."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import asyncpg
import httpx
import pytest
from leads_support import (
    LEADS_DIR,
    SECRET,
    GatewayEvents,
    lead_body,
    make_tenant,
    pg_dsn,
    run_leads_service,
)

from crmkit.children import RELAY_NAME
from crmkit.serve import relay_mode
from crmkit.testing.capture import EventCapture
from crmkit.testing.process import ServiceProcess, free_port

pytestmark = pytest.mark.integration


def relay_children(service: ServiceProcess) -> list[int]:
    """Pids of the relay processes (named so) whose parent is the service's crmkit.serve."""
    assert service.proc is not None
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == service.proc.pid and name == RELAY_NAME:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


async def eventually(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        await asyncio.sleep(0.05)


async def unsent(owner_url: str) -> int:
    conn = await asyncpg.connect(pg_dsn(owner_url))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))
    finally:
        await conn.close()


@pytest.fixture
def own_db_and_vhost(make_service_db, make_vhost):
    # Sync on purpose: migrate.setup runs its own event loop.
    return make_service_db("leadsrelay", LEADS_DIR), make_vhost("leadsrelay")


@pytest.fixture
async def system(own_db_and_vhost, request):
    """(leads service, its database, an EventCapture, a tenant) for TIDTAM_RELAY=param."""
    db, amqp = own_db_and_vhost
    gateway = GatewayEvents(amqp)
    await gateway.start()
    capture = EventCapture(amqp, "lead.#")
    await capture.start()
    # A short sweep: an inline relay would publish within 0.2 s even without a NOTIFY.
    # Up to two minutes to start: these tests start a service each, on a machine that may be
    # busy with other suites (the leads app alone can take 30 s to import then).
    service = await asyncio.to_thread(
        run_leads_service, db, amqp, SECRET, ready_timeout=120, TIDTAM_RELAY=request.param,
        TIDTAM_OUTBOX_SWEEP_SECONDS="0.2", TIDTAM_ACCOUNTS_URL=f"http://127.0.0.1:{free_port()}",
        TIDTAM_RELAY_METRICS_PORT=str(free_port()), TIDTAM_RELAY_METRICS_HOST="127.0.0.1")
    try:
        tenant = await make_tenant(gateway, db.owner_url)
        yield service, db, capture, tenant
    finally:
        for pid in relay_children(service):
            os.kill(pid, signal.SIGCONT)  # a test that stopped it and failed
        await asyncio.to_thread(service.stop)
        await capture.stop()
        await gateway.stop()


async def create(service: ServiceProcess, tenant) -> str:
    async with httpx.AsyncClient(base_url=service.url, timeout=30) as client:
        r = await client.post("/api/v1/leads", json=lead_body(),
                              headers=tenant.headers(tenant.admin, "all"))
    assert r.status_code == 201, r.text
    lead_id: str = r.json()["id"]
    return lead_id


def published(capture: EventCapture, lead_id: str) -> bool:
    return any(e["subject"] == lead_id for e in capture.of_type("lead.created"))


@pytest.mark.parametrize("system", ["process"], indirect=True)
async def test_the_relay_process_publishes_and_the_server_does_not(system):
    service, db, capture, tenant = system
    [relay] = await eventually(lambda: relay_children(service), 30, "a relay process")
    first = await create(service, tenant)
    await capture.assert_published("lead.created", lambda e: e["subject"] == first)

    # The relay's metrics are its own process's, on its own port (not the server's /metrics).
    port = service.env["TIDTAM_RELAY_METRICS_PORT"]
    published_line = 'tidtam_events_published_total{service="leads",type="lead.created"} 1.0'
    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(100):  # counted just after the broker's confirm: up to 10 s
            relay_metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            if published_line in relay_metrics:
                break
            await asyncio.sleep(0.1)
        server = await client.get(f"{service.url}/metrics")
    assert published_line in relay_metrics
    assert server.status_code == 200
    assert "tidtam_events_published_total{" not in server.text

    os.kill(relay, signal.SIGSTOP)
    try:
        held = await create(service, tenant)
        # Ten sweeps of an inline relay: the server process publishes nothing itself.
        await asyncio.sleep(2.0)
        assert await unsent(db.owner_url) == 1
        assert not published(capture, held)
    finally:
        os.kill(relay, signal.SIGCONT)
    await capture.assert_published("lead.created", lambda e: e["subject"] == held)
    assert await unsent(db.owner_url) == 0


@pytest.mark.parametrize("system", ["process"], indirect=True)
async def test_a_killed_relay_is_restarted_and_publishes_what_was_staged_meanwhile(system):
    service, db, capture, tenant = system
    [relay] = await eventually(lambda: relay_children(service), 30, "a relay process")
    os.kill(relay, signal.SIGKILL)
    # Staged while no relay runs (it is restarted a second after it died).
    made = [await create(service, tenant) for _ in range(3)]
    [again] = await eventually(lambda: [p for p in relay_children(service) if p != relay],
                               30, "a new relay process")
    assert again != relay
    for lead_id in made:
        await capture.assert_published("lead.created",
                                       lambda e, lead_id=lead_id: e["subject"] == lead_id,
                                       timeout=30)
    assert await unsent(db.owner_url) == 0


@pytest.mark.parametrize("system", ["process"], indirect=True)
async def test_the_relay_process_ends_with_the_server(system):
    service, _db, _capture, _tenant = system
    [relay] = await eventually(lambda: relay_children(service), 30, "a relay process")
    assert service.proc is not None
    # SIGTERM to the server alone (as Kubernetes sends it to PID 1), not to its group.
    service.proc.send_signal(signal.SIGTERM)
    await asyncio.to_thread(service.proc.wait, 20)
    await eventually(lambda: not alive(relay), 15, "the relay process to end")


@pytest.mark.parametrize("system", ["inline"], indirect=True)
async def test_inline_the_server_publishes_and_starts_no_relay_process(system):
    service, db, capture, tenant = system
    lead_id = await create(service, tenant)
    await capture.assert_published("lead.created", lambda e: e["subject"] == lead_id)
    assert relay_children(service) == []
    assert await unsent(db.owner_url) == 0


@pytest.mark.unit
def test_the_relay_mode_defaults_to_process_and_refuses_others_by_name():
    assert relay_mode({}) == "process"
    assert relay_mode({"TIDTAM_RELAY": "inline"}) == "inline"
    with pytest.raises(SystemExit, match="TIDTAM_RELAY='thread': expected one of"):
        relay_mode({"TIDTAM_RELAY": "thread"})

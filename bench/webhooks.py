"""Webhook latency: how soon after an event is on the exchange a webhook receiver has it,
at a steady rate (open loop: events are published on schedule whatever the service does).

    make bench-webhooks    # or: .venv/bin/python bench/webhooks.py [--rate 200] [--seconds 10]
    (TIDTAM_BENCH_KEEP_DB=1 keeps its database, to read the delivery rows afterwards)

Starts the notifications service alone on a fresh database and vhost, creates a webhook
(`lead.*`) through its API, and publishes `lead.created` CloudEvents straight onto
`tidtam.events`, as the leads service's relay does right after the commit. Each event's
`time` is stamped just before it is published; the receiver (crmkit.testing.receiver, on
127.0.0.2) notes when the whole request is in. Both on one machine's clock, so the figure
is event-commit → webhook-received through RabbitMQ, the consumer's transaction (the
fan-out), the worker's claim and the signed POST. Prints figures, asserts nothing.

Each line adds the CPU per event of the service and of its PostgreSQL backends (on a shared
machine these move far less than the latencies do). With --profile, py-spy samples the
service during the measured run and prints its top functions (bench/pyspy.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, suppress
from datetime import UTC, datetime
from pathlib import Path

import aio_pika
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import procs  # noqa: E402
import pyspy  # noqa: E402
from loadgen import percentile  # noqa: E402

from crmkit import migrate  # noqa: E402
from crmkit.context import HEADER, sign_context  # noqa: E402
from crmkit.events import EXCHANGE, CloudEvent  # noqa: E402
from crmkit.testing.receiver import HttpReceiver  # noqa: E402
from crmkit.testing.servers import start_servers  # noqa: E402
from crmkit.testing.system import ROOT, ServiceProcess, System  # noqa: E402
from tidtam_contracts.leads import LeadCreatedV2  # noqa: E402


def admin_headers(system: System, tenant: uuid.UUID) -> dict[str, str]:
    token = sign_context(system.context_secret, tenant_id=tenant, user_id=uuid.uuid4(),
                         role="admin", team_id=None, lead_visibility="all",
                         account_visibility="all", team_member_ids=[], settings={})
    return {HEADER: token}


def lead_event(tenant: uuid.UUID, n: int) -> CloudEvent:
    """A lead.created as the leads service publishes it (valid under its contract)."""
    lead_id, now = uuid.uuid4(), datetime.now(UTC)
    data = LeadCreatedV2.model_validate({
        "id": lead_id, "name": f"คุณสมศรี {n}", "phone": "+66812345678",
        "email": "somsri@example.co.th",
        "company": "บริษัท ข้าวหอม จำกัด", "note": None, "source": "website",
        "owner_id": uuid.uuid4(), "box": "inbox", "reason": None, "sent_by": [],
        "pipeline_id": uuid.uuid4(), "stage_id": uuid.uuid4(), "potential": None,
        "custom": {}, "account_id": None, "contact_id": None, "conversion_status": None,
        "version": 1, "created_at": now, "updated_at": now})
    return CloudEvent(source="/services/leads", type=LeadCreatedV2.TYPE, subject=str(lead_id),
                      tenantid=str(tenant), sequence=1, dataversion=LeadCreatedV2.VERSION,
                      data=data.model_dump(mode="json"))


async def measure(system: System, service_url: str, *, rate: float,
                  seconds: float, wait: float = 60.0) -> tuple[int, int]:
    """Prints the line; returns how many events were published and how many arrived (it
    waits up to `wait` seconds after publishing for them all)."""
    tenant = uuid.uuid4()
    receiver = await HttpReceiver().start()
    async with httpx.AsyncClient(base_url=service_url, timeout=30) as api:
        r = await api.post("/api/v1/webhooks", headers=admin_headers(system, tenant),
                           json={"url": receiver.url(), "events": ["lead.*"]})
        r.raise_for_status()
    connection = await aio_pika.connect(system.amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC,
                                                  durable=True)
        total = int(rate * seconds)
        stamped: dict[str, float] = {}
        start = time.perf_counter()
        for n in range(total):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            event = lead_event(tenant, n)
            event.time = datetime.now(UTC).isoformat()
            stamped[event.id] = time.time()
            await exchange.publish(aio_pika.Message(
                event.to_bytes(), content_type="application/cloudevents+json",
                message_id=event.id, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                routing_key=event.type)
        sent_for = time.perf_counter() - start
        with suppress(TimeoutError):
            await receiver.wait_for(total, timeout=wait)
        received = {r.headers["webhook-id"]: r.at for r in receiver.received}
    finally:
        await connection.close()
        await receiver.stop()
    waits = [received[i] - at for i, at in stamped.items() if i in received]
    if not waits:
        raise SystemExit("no webhook arrived; see the service's log under .run/logs")
    first = min(stamped.values())
    span = max(received.values()) - first
    print(f"  {len(waits)}/{total} events at {total / sent_for:.0f}/s offered: "
          f"p50={percentile(waits, 50) * 1000:.1f} ms  p99={percentile(waits, 99) * 1000:.1f} ms"
          f"  max={max(waits) * 1000:.1f} ms  delivered {len(waits) / span:.0f}/s", flush=True)
    return total, len(waits)


def measured(system: System, service: ServiceProcess, *, rate: float, seconds: float,
             profile: bool, wait: float) -> None:
    """One line, with the CPU per event (service, its PostgreSQL backends: only when every
    event arrived, else the CPU spent is not for them all) and a profile."""
    assert service.proc is not None
    pid = service.proc.pid
    owner = system.db_url("notifications", owner=True)
    database = system.dbs["notifications"]
    recorder = None
    if profile:
        raw = Path(tempfile.mkdtemp(prefix="tidtam-profile-")) / "notifications.txt"
        recorder = pyspy.record(pid, seconds, raw)
    backends = asyncio.run(procs.backends(owner, database))

    def cpu() -> tuple[float, float]:
        return procs.cpu_seconds(pid), sum(procs.cpu_seconds(b) for b in backends)

    before = cpu()
    n, arrived = asyncio.run(measure(system, service.url, rate=rate, seconds=seconds,
                                     wait=wait))
    backends = sorted(set(backends) | set(asyncio.run(procs.backends(owner, database))))
    after = cpu()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    if arrived < n:
        print(f"    CPU per event: not all arrived within {wait:g} s (--wait); load average "
              f"{load}", flush=True)
    else:
        print(f"    CPU per event: the service {1000 * (after[0] - before[0]) / n:.2f} ms, "
              f"its PostgreSQL backends {1000 * (after[1] - before[1]) / n:.2f} ms; load "
              f"average {load}", flush=True)
    if recorder is not None:
        recorder.wait()
        print("\n  py-spy, the notifications service during the line above:")
        print("\n".join(pyspy.summarise(raw, 16)))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long to publish")
    parser.add_argument("--wait", type=float, default=60.0,
                        help="seconds to wait after publishing for every webhook to arrive")
    parser.add_argument("--concurrency", type=int, default=8,
                        help="the consumer's TIDTAM_CONSUMER_CONCURRENCY (the service's "
                             "default is 1; the README's figures were taken at 8)")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the service during the measured run")
    args = parser.parse_args()
    print(f"Tidtam webhooks: event on the exchange → webhook received — {os.cpu_count()} "
          f"cores, {args.rate:g} events/s for {args.seconds:g} s, "
          f"consumer concurrency {args.concurrency}")
    with ExitStack() as stack:
        servers = start_servers(stack)
        vhost = f"tidtam_bench_{uuid.uuid4().hex[:8]}"
        system = System(servers.db_url, servers.new_vhost(vhost), tag="bench_webhooks")
        try:
            migrate.setup(ROOT / "services" / "notifications",
                          system.db_url("notifications", owner=True), migrate.APP_ROLE)
            # TIDTAM_WEBHOOK_* from this environment reach the service (try other bounds).
            service = system.service_process("notifications", env={
                "TIDTAM_SMTP_URL": "smtp://127.0.0.1:9",
                "TIDTAM_CONSUMER_CONCURRENCY": str(args.concurrency),
                **{k: v for k, v in os.environ.items() if k.startswith("TIDTAM_WEBHOOK_")},
                "TIDTAM_WEBHOOK_ALLOW_HOSTS": "127.0.0.2/32"}).start(120)
            stack.callback(service.stop)
            asyncio.run(measure(system, service.url, rate=args.rate, seconds=2))  # warm-up
            measured(system, service, rate=args.rate, seconds=args.seconds,
                     profile=args.profile, wait=args.wait)
        finally:
            stack.close()
            system.stop(drop=not os.environ.get("TIDTAM_BENCH_KEEP_DB"))
            servers.rabbitmqctl("delete_vhost", vhost)


if __name__ == "__main__":
    main()

"""CPU per `lead.created` of the services that consume it while they catch up (a bulk
import's burst), at each consumer batch size (TIDTAM_CONSUMER_BATCH). Prints figures,
asserts nothing.

    .venv/bin/python bench/consumers.py [--events 2000] [--batches 1,32]
        [--services accounts,activities,documents]   (--batches default,1: unset, then 1)

Starts the services alone on fresh databases and a fresh vhost (no gateway, no leads
service), then for each batch size: starts them with TIDTAM_CONSUMER_BATCH set, publishes a
warm-up, then `--events` lead.created CloudEvents of one tenant (typed, LeadCreatedV2, as
the leads service's relay publishes them; bench/webhooks.py's lead_event) straight onto
`tidtam.events` as fast as the broker confirms them, and waits until each service has
recorded every one in its `processed_events`. CPU is read from /proc before and after
(bench/procs.py): each service process (its relay process left out: it has nothing to
send) and its PostgreSQL backends. The services are stopped before the next size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import aio_pika
import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))
import procs  # noqa: E402
from webhooks import lead_event  # noqa: E402

from crmkit import migrate  # noqa: E402
from crmkit.events import EXCHANGE  # noqa: E402
from crmkit.testing.servers import start_servers  # noqa: E402
from crmkit.testing.system import ROOT, ServiceProcess, System  # noqa: E402

CHUNK = 200  # publishes awaiting their confirms at once
IDLE = 10.0  # seconds each service's CPU is read with no events (its timers, workers)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg", "postgresql")


async def recorded(system: System, service: str) -> int:
    conn = await asyncpg.connect(_dsn(system.db_url(service, owner=True)))
    try:
        return int(await conn.fetchval(
            "SELECT count(*) FROM processed_events WHERE event_type = 'lead.created'"))
    finally:
        await conn.close()


async def publish(amqp_url: str, n: int) -> float:
    """`n` lead.created of one new tenant on the exchange; seconds it took."""
    tenant = uuid.uuid4()
    connection = await aio_pika.connect(amqp_url)
    try:
        channel = await connection.channel(publisher_confirms=True)
        exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC,
                                                  durable=True)
        start = time.perf_counter()
        for first in range(0, n, CHUNK):
            events = [lead_event(tenant, i) for i in range(first, min(n, first + CHUNK))]
            await asyncio.gather(*(exchange.publish(aio_pika.Message(
                e.to_bytes(), content_type="application/cloudevents+json", message_id=e.id,
                type=e.type, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
                routing_key=e.type) for e in events))
        return time.perf_counter() - start
    finally:
        await connection.close()


async def wait_for(system: System, services: list[str], want: dict[str, int],
                   timeout: float) -> dict[str, float]:
    """Seconds until each service had recorded `want[name]` lead.created (missing: not in
    time)."""
    start, done = time.perf_counter(), {}
    while len(done) < len(services) and time.perf_counter() - start < timeout:
        for name in services:
            if name not in done and await recorded(system, name) >= want[name]:
                done[name] = time.perf_counter() - start
        await asyncio.sleep(0.1)
    return done


def line(system: System, services: list[str], batch: str, events: int,
         timeout: float) -> None:
    procs_: dict[str, ServiceProcess] = {}
    try:
        for name in services:
            procs_[name] = system.service_process(name, env={} if batch == "default" else {
                "TIDTAM_CONSUMER_BATCH": batch}).start(180)
        base = {n: asyncio.run(recorded(system, n)) for n in services}
        asyncio.run(publish(system.amqp_url, 100))  # warm-up: pools, prepared statements
        asyncio.run(wait_for(system, services, {n: base[n] + 100 for n in services}, timeout))
        base = {n: asyncio.run(recorded(system, n)) for n in services}
        pids = {n: p.proc.pid for n, p in procs_.items() if p.proc}
        backends = {n: asyncio.run(procs.backends(system.db_url(n, owner=True),
                                                  system.dbs[n])) for n in services}
        idle0 = {n: procs.cpu_seconds(pids[n], relay=False) for n in services}
        time.sleep(IDLE)
        cpu0 = {n: procs.cpu_seconds(pids[n], relay=False) for n in services}
        idle = {n: (cpu0[n] - idle0[n]) / IDLE for n in services}  # CPU s per s, no events
        pg0 = {n: {b: procs.own_cpu_seconds(b) for b in backends[n]} for n in services}
        load0 = open("/proc/loadavg").read().split()[:3]
        sent = asyncio.run(publish(system.amqp_url, events))
        took = asyncio.run(wait_for(system, services, {n: base[n] + events for n in services},
                                    timeout))
        cpu1 = {n: procs.cpu_seconds(pids[n], relay=False) for n in services}
        pg1 = {n: {b: procs.own_cpu_seconds(b) for b in set(backends[n]) | set(asyncio.run(
            procs.backends(system.db_url(n, owner=True), system.dbs[n])))} for n in services}
        load1 = open("/proc/loadavg").read().split()[:3]
    finally:
        for p in procs_.values():
            p.stop()
    print(f"batch {batch}: {events:,} lead.created published in {sent:.1f} s; load average "
          f"before {' '.join(load0)}, after {' '.join(load1)}", flush=True)
    total = net_total = 0.0
    for n in services:
        if n not in took:
            print(f"  {n:11} not every event recorded within {timeout:g} s", flush=True)
            continue
        own = 1000 * (cpu1[n] - cpu0[n]) / events
        net = own - 1000 * idle[n] * took[n] / events
        pg = 1000 * sum(c - pg0[n].get(b, 0.0) for b, c in pg1[n].items()) / events
        total += own
        net_total += net
        print(f"  {n:11} all recorded {took[n]:5.1f} s after the first publish; CPU per "
              f"event: service {own:.3f} ms ({net:.3f} ms less its idle "
              f"{1000 * idle[n]:.0f} ms/s), its PostgreSQL backends {pg:.3f} ms", flush=True)
    print(f"  services together: {total:.3f} ms CPU per event, {net_total:.3f} ms less "
          f"their idle (ms per event = s per 1,000)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--batches", default="1,32",
                        help="TIDTAM_CONSUMER_BATCH values; `default`: left unset (each "
                             "service's own default)")
    parser.add_argument("--services", default="accounts,activities,documents")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds to wait for every event to be recorded")
    args = parser.parse_args()
    services = [s for s in args.services.split(",") if s]
    print(f"Tidtam consumers: CPU per lead.created while catching up — {os.cpu_count()} "
          f"cores, {', '.join(services)}", flush=True)
    with ExitStack() as stack:
        servers = start_servers(stack)
        vhost = f"tidtam_bench_{uuid.uuid4().hex[:8]}"
        system = System(servers.db_url, servers.new_vhost(vhost), tag="bench_consumers")
        try:
            for name in services:
                migrate.setup(ROOT / "services" / name, system.db_url(name, owner=True),
                              migrate.APP_ROLE)
            for batch in args.batches.split(","):
                line(system, services, batch, args.events, args.timeout)
        finally:
            system.stop()
            servers.rabbitmqctl("delete_vhost", vhost)


if __name__ == "__main__":
    main()

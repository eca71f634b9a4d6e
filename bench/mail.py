"""Email benchmark: prints figures, asserts nothing.

    make bench-mail    # or: .venv/bin/python bench/mail.py [--emails 1000 --rate 20 --seconds 10]

End to end through the notifications service: `lead.sent` events go in on RabbitMQ (as the
leads service publishes them, each to one of three salespeople), and the emails come out at
a real SMTP server (aiosmtpd, in this process: the local sink of `make run`). Starts its
own notifications service (fresh database, fresh RabbitMQ vhost, a real uvicorn process,
its default mail settings) and measures
1. throughput: a burst of N events published at once, emails received per second from the
   first publish to the last message in;
2. latency at a steady rate: each event's publish → its email received, p50/p99 (the worker
   wakes on NOTIFY; one SMTP connection per email, as the service sends them).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "notifications"))

import asyncpg  # noqa: E402
from loadgen import percentile  # noqa: E402
from notif_support import publish_lead, sent  # noqa: E402  (the events as leads sends them)

from crmkit import migrate  # noqa: E402
from crmkit.testing.mailsink import MailSink  # noqa: E402
from crmkit.testing.servers import start_servers  # noqa: E402
from crmkit.testing.system import APP_ROLE, System  # noqa: E402
from crmkit.testing.tenants import GatewayEvents, Tenant, make_tenant, pg_dsn  # noqa: E402
from tidtam_contracts.leads import LeadSentV2  # noqa: E402

LINK = re.compile(r"/#/leads/([0-9a-f-]{36})")


class TimedSink(MailSink):
    """The sink, noting when each message arrived (the lead it is about is read later)."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived: list[float] = []
        self.done = threading.Event()
        self.expect = 0

    def keep(self, raw: bytes, rcpt: list[str]) -> None:
        now = time.monotonic()
        super().keep(raw, rcpt)
        with self._lock:
            self.arrived.append(now)
            if len(self.arrived) >= self.expect:
                self.done.set()

    def reset(self, expect: int) -> None:
        with self._lock:
            self.messages.clear()
            self.raw.clear()
            self.recipients.clear()
            self.arrived.clear()
            self.expect = expect
            self.done.clear()

    def received(self) -> dict[str, float]:
        """lead id → when its email arrived."""
        with self._lock:
            pairs = list(zip(self.messages, self.arrived, strict=True))
        out: dict[str, float] = {}
        for message, at in pairs:
            found = LINK.search(message.get_body(("plain",)).get_content())
            if found:
                out[found.group(1)] = at
        return out


async def wait_all(sink: TimedSink, timeout: float) -> bool:
    return await asyncio.to_thread(sink.done.wait, timeout)


async def stages(owner_url: str, since: float) -> str:
    """Where the time went: the consumer recorded the intents (created_at) over one span,
    the mail worker sent them (sent_at) over another (database clock, epoch seconds)."""
    conn = await asyncpg.connect(pg_dsn(owner_url))
    try:
        row = await conn.fetchrow(
            "SELECT min(extract(epoch FROM created_at)) AS c0, max(extract(epoch FROM "
            "created_at)) AS c1, max(extract(epoch FROM sent_at)) AS s1 FROM emails "
            "WHERE created_at >= to_timestamp($1)", since)
    finally:
        await conn.close()
    return (f"consumer recorded them in {float(row['c1'] - row['c0']):.2f} s, the last was "
            f"sent {float(row['s1'] - row['c0']):.2f} s after the first intent")


async def burst(events: GatewayEvents, tenant: Tenant, sink: TimedSink, count: int,
                owner_url: str) -> None:
    people = [tenant.sales1, tenant.sales2, tenant.sales3]
    sink.reset(count)
    start, wall = time.monotonic(), time.time()
    for i in range(count):
        await publish_lead(events, tenant, LeadSentV2, sent(people[i % 3], tenant.manager))
    published = time.monotonic() - start
    complete = await wait_all(sink, timeout=max(120.0, count / 2))
    got = len(sink.arrived)
    elapsed = (max(sink.arrived) - start) if got else float("nan")
    print(f"  burst of {count} events: published in {published:.2f} s; {got} emails in "
          f"{elapsed:.2f} s → {got / elapsed:.0f} emails/s end to end"
          + ("" if complete else f" (INCOMPLETE: {count - got} missing)"))
    print(f"    ({await stages(owner_url, wall - 1)})")


async def steady(events: GatewayEvents, tenant: Tenant, sink: TimedSink, rate: float,
                 seconds: float) -> None:
    people = [tenant.sales1, tenant.sales2, tenant.sales3]
    count = int(rate * seconds)
    sink.reset(count)
    sent_at: dict[str, float] = {}
    start = time.monotonic()
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        data = sent(people[i % 3], tenant.manager)
        sent_at[data["id"]] = time.monotonic()
        await publish_lead(events, tenant, LeadSentV2, data)
    complete = await wait_all(sink, timeout=120.0)
    arrived = sink.received()
    ms = [(arrived[k] - t) * 1000 for k, t in sent_at.items() if k in arrived]
    missing = count - len(ms)
    print(f"  {rate:g} events/s for {seconds:g} s ({count} emails): event → email received "
          f"p50 {percentile(ms, 50):.0f} ms, p99 {percentile(ms, 99):.0f} ms, "
          f"max {max(ms):.0f} ms" + ("" if complete and not missing
                                     else f" (INCOMPLETE: {missing} missing)"))


async def run(system: System, sink: TimedSink, args: argparse.Namespace) -> None:
    events = GatewayEvents(system.amqp_url)
    await events.start()
    try:
        owner_url = system.db_url("notifications", owner=True)
        tenant = await make_tenant(events, owner_url, secret=system.context_secret)
        await burst(events, tenant, sink, 20, owner_url)  # warm-up (connections, templates)
        print("Emails, events in → messages received at the SMTP server:")
        await burst(events, tenant, sink, args.emails, owner_url)
        await steady(events, tenant, sink, args.rate, args.seconds)
        print(f"  (load average {os.getloadavg()[0]:.1f} at the end: other work on the machine "
              "slows every figure)")
    finally:
        await events.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000, help="the burst's events")
    parser.add_argument("--rate", type=float, default=20.0, help="events/s of the steady line")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the steady line")
    args = parser.parse_args()
    print(f"Tidtam email benchmark — {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at the start; SMTP server: aiosmtpd in the bench process")
    with ExitStack() as stack:
        servers = start_servers(stack)
        vhost = f"tidtam_bench_{uuid.uuid4().hex[:8]}"
        system = System(servers.db_url, servers.new_vhost(vhost), tag="benchmail")
        sink = TimedSink().start()
        try:
            migrate.setup(ROOT / "services" / "notifications",
                          system.db_url("notifications", owner=True), APP_ROLE)
            system.notifications = system.service_process("notifications", env={
                "TIDTAM_SMTP_URL": sink.url,
                "TIDTAM_PUBLIC_URL": "https://crm.example.co.th"}).start(180)
            asyncio.run(run(system, sink, args))
        finally:
            sink.stop()
            system.stop()  # the process, then its database
            servers.rabbitmqctl("delete_vhost", vhost)


if __name__ == "__main__":
    main()

"""The outbox relay and the housekeeper in a process of their own (TIDTAM_RELAY=process):

    python -m crmkit.relay tidtam_leads.main:app

crmkit.serve starts it beside the server and its workers, one per service process however
many workers there are (forked once the app is imported; this command when it is started
again after a crash). It reads the app's settings (the app is imported, not started: its
`app.state.settings`) and runs the same OutboxRelay as an inline relay would, on the relay
role's pool with a broker connection of its own, so its promises are the relay's: order per
aggregate, at least once, nothing lost on a crash (crmkit.outbox). Request handling and
publishing then no longer share one event loop: under load the relay keeps up instead of
waiting its turn behind requests.

Its metrics (events published, publish errors, the outbox backlog and its oldest row's age,
housekeeping) live in this process, not in the server's /metrics: with
`TIDTAM_RELAY_METRICS_PORT` set it serves them on that port (`/metrics`, Prometheus text).

An app that is not a kit service (no ServiceSettings in `app.state.settings`) has no outbox:
the process says so and exits 0. SIGTERM or SIGINT stop it as an inline relay stops (a batch
in flight is finished and marked sent).
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

from prometheus_client import start_http_server
from uvicorn.importer import import_from_string

from . import logging as klog
from .children import RELAY_NAME, name_this_process
from .config import ServiceSettings
from .messaging import Broker
from .runtime import EventWorkers, housekeeper, outbox_relay, relay_engine


def kit_settings(app_path: str) -> ServiceSettings | None:
    """The settings of the kit service at `app_path` (`module:attribute`), or None."""
    app: Any = import_from_string(app_path)
    settings = getattr(getattr(app, "state", None), "settings", None)
    return settings if isinstance(settings, ServiceSettings) else None


async def run(settings: ServiceSettings, stop: asyncio.Event) -> None:
    """Relay and housekeeper until `stop` is set, then stop them in order."""
    pool = relay_engine(settings.relay_database_url or settings.database_url)
    broker = Broker.from_settings(settings)
    workers = EventWorkers(broker, outbox_relay(settings, pool, broker), (),
                           housekeeper(settings, pool))
    try:
        await workers.start()
        await stop.wait()
    finally:
        await workers.stop()
        await pool.dispose()


async def _until_signalled(settings: ServiceSettings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await run(settings, stop)


def serve(settings: ServiceSettings) -> int:
    """Relay and housekeep for the service of `settings` until SIGTERM or SIGINT."""
    name_this_process(RELAY_NAME)
    klog.configure(f"{settings.service_name}-relay", settings.log_level, settings.log_json)
    if settings.relay_metrics_port:
        start_http_server(settings.relay_metrics_port, addr=settings.relay_metrics_host)
    try:
        import uvloop
    except ImportError:  # the relay is correct on asyncio's own loop, only slower
        asyncio.run(_until_signalled(settings))
    else:
        uvloop.run(_until_signalled(settings))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        raise SystemExit(__doc__)
    settings = kit_settings(args[0])
    if settings is None:
        print(f"crmkit.relay: {args[0]} is not a kit service (no outbox): nothing to relay",
              file=sys.stderr)
        return 0
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())

"""Background work inside the gateway process: the broker connection and the outbox relay
that publishes what requests staged (requests themselves never publish)."""

from __future__ import annotations

from crmkit.messaging import Broker
from crmkit.outbox import OutboxRelay
from crmkit.runtime import EventWorkers, housekeeper, relay_engine

from .config import GatewaySettings


async def start_workers(settings: GatewaySettings) -> EventWorkers:
    broker = Broker(settings.amqp_url, settings.service_name)
    # The relay logs in as its own role: the request role may only INSERT into the outbox.
    engine = relay_engine(settings.relay_database_url)
    relay = OutboxRelay(settings.service_name, engine, broker,
                        sweep_seconds=settings.outbox_sweep_seconds)
    workers = EventWorkers(broker, relay, housekeeper=housekeeper(settings, engine))
    await workers.start()
    return workers


async def stop_workers(workers: EventWorkers) -> None:
    await workers.stop()
    await workers.relay.engine.dispose()

"""Background work inside the gateway process: the broker connection and the outbox relay
that publishes what requests staged (requests themselves never publish)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from crmkit.messaging import Broker
from crmkit.outbox import OutboxRelay
from crmkit.runtime import EventWorkers, housekeeper

from .config import GatewaySettings


async def start_workers(settings: GatewaySettings, engine: AsyncEngine) -> EventWorkers:
    broker = Broker(settings.amqp_url, settings.service_name)
    relay = OutboxRelay(settings.service_name, engine, broker,
                        sweep_seconds=settings.outbox_sweep_seconds)
    workers = EventWorkers(broker, relay, housekeeper=housekeeper(settings, engine))
    await workers.start()
    return workers


async def stop_workers(workers: EventWorkers) -> None:
    await workers.stop()

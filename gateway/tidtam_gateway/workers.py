"""Background work inside the gateway process: the broker connection and the outbox relay
that publishes what requests staged (requests themselves never publish)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from crmkit.messaging import Broker
from crmkit.outbox import OutboxRelay

from .config import GatewaySettings


@dataclass
class Workers:
    broker: Broker
    relay: OutboxRelay

    async def ready_check(self) -> str | None:
        return await self.broker.ready_check()


async def start_workers(settings: GatewaySettings, engine: AsyncEngine) -> Workers:
    # Not waiting for RabbitMQ: the gateway serves requests while the broker is away; the
    # relay catches up from the outbox when it returns.
    broker = Broker(settings.amqp_url, settings.service_name)
    await broker.start()
    relay = OutboxRelay(settings.service_name, engine, broker,
                        sweep_seconds=settings.outbox_sweep_seconds)
    await relay.start()
    return Workers(broker, relay)


async def stop_workers(workers: Workers) -> None:
    await workers.relay.stop()
    await workers.broker.stop()

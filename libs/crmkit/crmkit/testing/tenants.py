"""Stand-ins for the gateway in one service's tests: a tenant with people in two teams,
announced through the real broker as the gateway announces them (docs/CONTRACTS.md), and the
signed context the gateway would send for each person.

    events = GatewayEvents(amqp_url); await events.start()
    tenant = await make_tenant(events, db.owner_url, secret=SECRET)
    client.get(..., headers=tenant.headers(tenant.sales1, "own"))

`wait_for_users` polls the service's `users` projection (every service that validates people
keeps one, fed by `user.*`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import aio_pika
import anyio
import asyncpg
from aio_pika.abc import AbstractConnection, AbstractExchange
from sqlalchemy.engine import make_url

from crmkit.context import HEADER, Role, Visibility, sign_context
from crmkit.events import EXCHANGE, CloudEvent


def pg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def fetchval(url: str, sql: str, *args: object) -> Any:
    """One value from a database, on a connection of its own (for a test's checks)."""
    conn = await asyncpg.connect(pg_dsn(url))
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    role: Role
    name: str
    team_id: uuid.UUID | None
    email: str


@dataclass
class Tenant:
    id: uuid.UUID
    secret: str
    people: dict[str, Person] = field(default_factory=dict)
    seq: int = 0

    def __getattr__(self, key: str) -> Person:
        people: dict[str, Person] = self.__dict__.get("people", {})
        if key in people:
            return people[key]
        raise AttributeError(key)

    def team_of(self, person: Person) -> list[uuid.UUID]:
        if person.team_id is None:
            return []
        return [p.id for p in self.people.values() if p.team_id == person.team_id]

    def headers(self, person: Person, visibility: Visibility = "all", *,
                account_visibility: Visibility = "all",
                allow_stage_back: bool = False,
                allow_price_edit: bool = False) -> dict[str, str]:
        token = sign_context(
            self.secret, tenant_id=self.id, user_id=person.id, role=person.role,
            team_id=person.team_id, lead_visibility=visibility,
            account_visibility=account_visibility,
            team_member_ids=self.team_of(person),
            settings={"allow_stage_back": allow_stage_back,
                      "allow_price_edit": allow_price_edit})
        return {HEADER: token}


class GatewayEvents:
    """Publishes the gateway's events (docs/CONTRACTS.md) to the real exchange."""

    def __init__(self, amqp_url: str) -> None:
        self.amqp_url = amqp_url
        self._conn: AbstractConnection | None = None
        self._exchange: AbstractExchange | None = None

    async def start(self) -> None:
        self._conn = conn = await aio_pika.connect(self.amqp_url)
        channel = await conn.channel(publisher_confirms=True)
        self._exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC,
                                                        durable=True)

    async def stop(self) -> None:
        if self._conn:
            await self._conn.close()

    async def publish(self, type_: str, tenant_id: uuid.UUID, subject: uuid.UUID,
                      data: dict[str, Any],
                      sequence: int = 1, source: str = "/gateway",
                      dataversion: str = "1") -> CloudEvent:
        """An event as `source` publishes it (the gateway's, or a peer service's:
        `/services/leads`)."""
        event = CloudEvent(source=source, type=type_, subject=str(subject),
                           tenantid=str(tenant_id), sequence=sequence, data=data,
                           dataversion=dataversion)
        await self.republish(event)
        return event

    async def republish(self, event: CloudEvent) -> None:
        """The same event again (same id): what a redelivery or a relay's second publish
        looks like to a consumer."""
        if self._exchange is None:
            raise RuntimeError("GatewayEvents.start() first")
        await self._exchange.publish(aio_pika.Message(
            event.to_bytes(), content_type="application/cloudevents+json",
            message_id=event.id, delivery_mode=aio_pika.DeliveryMode.PERSISTENT),
            routing_key=event.type)

    async def user(self, tenant: Tenant, person: Person, type_: str = "user.created",
                   active: bool = True, sequence: int | None = None) -> CloudEvent:
        tenant.seq += 1
        return await self.publish(type_, tenant.id, person.id, {
            "id": str(person.id), "tenant_id": str(tenant.id), "email": person.email,
            "name": person.name, "role": person.role,
            "team_id": str(person.team_id) if person.team_id else None, "active": active,
        }, sequence if sequence is not None else tenant.seq)


DEFAULT_PEOPLE: list[tuple[str, Role, str, str | None]] = [
    # key, role, name, team
    ("admin", "admin", "สมชาย แอดมิน", None),
    ("manager", "manager", "สมหญิง ผู้จัดการ", "a"),
    ("sales1", "sales", "มานะ ขายเก่ง", "a"),
    ("sales2", "sales", "ปิติ ขยัน", "a"),
    ("sales3", "sales", "ชูใจ ทีมบี", "b"),
]


async def make_tenant(gateway: GatewayEvents, owner_url: str, *,
                      secret: str, announce_tenant: bool = True,
                      plan: str = "enterprise", contact_limit: int | None = None) -> Tenant:
    """A tenant and its people, announced through the broker; returns once the service's
    users projection holds them all."""
    tenant = Tenant(uuid.uuid4(), secret=secret)
    teams = {"a": uuid.uuid4(), "b": uuid.uuid4()}
    for key, role, name, team in DEFAULT_PEOPLE:
        tenant.people[key] = Person(uuid.uuid4(), role, name,
                                    teams[team] if team is not None else None,
                                    f"{key}.{tenant.id.hex[:6]}@example.co.th")
    if announce_tenant:
        await gateway.publish("tenant.created", tenant.id, tenant.id,
                              {"id": str(tenant.id), "name": "บริษัท ทดสอบ จำกัด",
                               "plan": plan, "contact_limit": contact_limit})
    for person in tenant.people.values():
        await gateway.user(tenant, person)
    await wait_for_users(owner_url, tenant.id, [p.id for p in tenant.people.values()])
    return tenant


async def wait_for_users(owner_url: str, tenant_id: uuid.UUID, ids: list[uuid.UUID],
                         *, active: bool | None = None, timeout: float = 15.0) -> None:
    conn = await asyncpg.connect(pg_dsn(owner_url))
    try:
        with anyio.fail_after(timeout):
            while True:
                q = "SELECT count(*) FROM users WHERE tenant_id = $1 AND id = ANY($2::uuid[])"
                if active is not None:
                    q += f" AND active = {'true' if active else 'false'}"
                if await conn.fetchval(q, tenant_id, ids) == len(ids):
                    return
                await anyio.sleep(0.05)
    finally:
        await conn.close()

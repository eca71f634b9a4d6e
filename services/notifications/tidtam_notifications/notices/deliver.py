"""From a handler's `Message`s to what the recipient gets, in the event's transaction: the
in-app notice and the intent to email (the mail worker sends it later), each as the
recipient's preferences for the kind say. A message to a user this service does not know
(yet) or who is deactivated is dropped."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import TenantId

from ..config import settings
from ..mail.models import Email
from ..users import service as users
from ..users.models import User
from .kinds import Message
from .models import Notice
from .preferences import choice
from .render import render


def record_url(link: str) -> str:
    """The web UI address of a record's hash route (`#/leads/<id>`)."""
    return settings().public_url.rstrip("/") + "/" + link


async def _names(session: AsyncSession, tenant: TenantId,
                 people: dict[str, uuid.UUID | None]) -> dict[str, str | None]:
    ids = {v for v in people.values() if v is not None}
    found: dict[uuid.UUID, str] = {}
    if ids:
        rows = await session.execute(sa.select(User.id, User.name).where(
            User.tenant_id == tenant.value, User.id.in_(ids)))
        found = {row.id: row.name for row in rows}
    return {key: found.get(v) if v else None for key, v in people.items()}


async def deliver(session: AsyncSession, tenant: TenantId, event_id: uuid.UUID,
                  messages: Iterable[Message], people: dict[str, uuid.UUID | None] | None = None
                  ) -> None:
    """`people`: template parameters that name a user (`by_name`: the sender's id)."""
    names = await _names(session, tenant, people or {})
    for message in messages:
        recipient = await users.recipient(session, tenant, message.recipient_id)
        if recipient is None:
            continue
        wants = await choice(session, tenant, recipient.id, message.kind)
        params = {**message.params, **names, "url": record_url(message.link), "count": 1}
        if wants.in_app:
            await _notice(session, tenant, recipient, message, params)
        if wants.email:
            await _email(session, tenant, recipient, message, event_id, params)


async def _notice(session: AsyncSession, tenant: TenantId, recipient: User, message: Message,
                  params: dict[str, Any]) -> None:
    stmt = insert(Notice).values(
        tenant_id=tenant.value, id=uuid.uuid4(), recipient_id=recipient.id,
        kind=message.kind.name, group_key=message.group_key, link=message.link,
        title=render(message.kind.name, recipient.language, params).subject, params=params)
    if message.kind.gathers:
        # One more of the group: count it, and show it unread again.
        stmt = stmt.on_conflict_do_update(
            index_elements=[Notice.tenant_id, Notice.recipient_id, Notice.kind,
                            Notice.group_key],
            set_={"count": Notice.count + 1, "updated_at": sa.func.now(), "read_at": None})
    else:
        stmt = stmt.on_conflict_do_nothing()
    row = (await session.execute(stmt.returning(Notice.id, Notice.count.label("n")))).first()
    if row is not None and row.n > 1:
        counted = {**params, "count": row.n}
        await session.execute(sa.update(Notice).where(
            Notice.tenant_id == tenant.value, Notice.id == row.id).values(
            params=counted, title=render(message.kind.name, recipient.language,
                                         counted).subject))


async def _email(session: AsyncSession, tenant: TenantId, recipient: User, message: Message,
                 event_id: uuid.UUID, params: dict[str, Any]) -> None:
    """The intent, recorded before anything is sent: one row per (recipient, kind, group),
    so a redelivered event finds it there and adds nothing."""
    wait = timedelta(seconds=settings().mail_gather_seconds if message.kind.gathers else 0)
    stmt = insert(Email).values(
        tenant_id=tenant.value, id=uuid.uuid4(), recipient_id=recipient.id,
        kind=message.kind.name, group_key=message.group_key, event_id=event_id,
        to_address=recipient.email, language=recipient.language, params=params,
        next_attempt_at=sa.func.now() + wait)
    if message.kind.gathers:
        # Counted while not yet sent; the send waits for the group's last event.
        stmt = stmt.on_conflict_do_update(
            index_elements=[Email.tenant_id, Email.recipient_id, Email.kind, Email.group_key],
            set_={"count": Email.count + 1, "updated_at": sa.func.now(),
                  "next_attempt_at": sa.func.now() + wait},
            where=Email.status == "pending")
    else:
        stmt = stmt.on_conflict_do_nothing()
    await session.execute(stmt)

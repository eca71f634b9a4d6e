"""The mail worker: sends the emails whose intent the consumers recorded, with retries.

Exactly one email per event and recipient:
- the intent is a row, unique per (recipient, kind, group), written in the event's own
  transaction: a redelivered event finds it and adds nothing;
- before sending, the row is claimed (`pending` → `sending`, attempts + 1) and that is
  committed; only the worker whose UPDATE matched sends (two replicas never both send);
- after the server accepted it, the row becomes `sent`.
A worker that dies between claiming and recording (SIGKILL, power loss) leaves the row
`sending`; after `TIDTAM_MAIL_LEASE_SECONDS` it becomes `unconfirmed` and is never sent
again, so the remaining window loses at most that one email rather than sending it twice
(the log shows it). An answer the server refused, or a connection that failed, is retried
after 30 s, 1 min, 2 min, … (`TIDTAM_MAIL_RETRY_SECONDS`, doubling) up to
`TIDTAM_MAIL_MAX_ATTEMPTS`, then `failed` with the error. The one case that can still send
twice: a server that took the whole message but whose 250 reply never arrived (the
connection broke or timed out at that moment); the retry then carries the same Message-ID.

It wakes on NOTIFY `tidtam_mail` (each new intent) and every `TIDTAM_MAIL_POLL_SECONDS`.
It also expires the event feed (feed.service.expire) about hourly."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit.context import tenant_from_event
from crmkit.db import tenant_session
from crmkit.logging import log as klog
from crmkit.runtime import Resource
from crmkit.woken import WokenWorker, woken_resource

from ..config import NotificationsSettings
from ..feed.service import expire as expire_feed
from ..notices.render import render
from .models import Email, EmailAttachment
from .smtp import Attachment, Envelope, SmtpServer, compose

logger = logging.getLogger("tidtam_notifications.mail")
CHANNEL = "tidtam_mail"
BATCH = 20
# Emails of one pass sent at once, each on its own SMTP connection and database session
# (the claim keeps every email to one sender); servers commonly allow ~10 connections per
# client.
SEND_AT_ONCE = 4
FEED_EXPIRY_SECONDS = 3600.0


class MailWorker(WokenWorker):
    name = "mail"
    channel = CHANNEL
    listen_name = "notifications-mail-listen"
    failed = "mail worker pass failed"

    def __init__(self, settings: NotificationsSettings,
                 maker: async_sessionmaker[AsyncSession], dsn: str) -> None:
        super().__init__(dsn, logger, settings.mail_poll_seconds)
        self.settings = settings
        self.maker = maker
        self.server = SmtpServer.from_url(settings.smtp_url) if settings.smtp_url else None
        self._feed_due = 0.0

    async def run_pass(self) -> None:
        while await self.tick():
            pass
        await self._housekeeping()

    async def _housekeeping(self) -> None:
        now = asyncio.get_running_loop().time()
        if now < self._feed_due:
            return
        self._feed_due = now + FEED_EXPIRY_SECONDS
        async with self.maker() as session, session.begin():
            await expire_feed(session, self.settings.event_feed_days)

    async def tick(self) -> int:
        """One pass: stale claims become `unconfirmed`, then up to BATCH due emails are
        sent, SEND_AT_ONCE at a time. Returns how many were due."""
        async with self.maker() as session, session.begin():
            await session.execute(sa.text("SELECT mail_unconfirm(:secs)"),
                                  {"secs": self.settings.mail_lease_seconds})
            due = (await session.execute(sa.text("SELECT tenant_id, id FROM mail_due(:n)"),
                                         {"n": BATCH})).all()
        slots = asyncio.Semaphore(SEND_AT_ONCE)

        async def send(tenant_id: uuid.UUID, email_id: uuid.UUID) -> None:
            async with slots:
                await self.send_one(tenant_id, email_id)

        await asyncio.gather(*(send(tenant_id, email_id) for tenant_id, email_id in due))
        return len(due)

    async def _claim(self, session: AsyncSession, email_id: uuid.UUID) -> Email | None:
        claimed: Email | None = (await session.execute(
            sa.update(Email).where(Email.id == email_id, Email.status == "pending",
                                   Email.next_attempt_at <= sa.func.now())
            .values(status="sending", attempts=Email.attempts + 1, updated_at=sa.func.now())
            .returning(Email))).scalar_one_or_none()
        return claimed

    async def send_one(self, tenant_id: uuid.UUID, email_id: uuid.UUID) -> None:
        tenant = tenant_from_event(str(tenant_id))
        async with tenant_session(self.maker, tenant) as session:
            async with session.begin():
                email = await self._claim(session, email_id)
                if email is None:  # another worker took it
                    return
                values: dict[str, Any] = dict(params=email.params, language=email.language,
                                              kind=email.kind, count=email.count,
                                              to=email.to_address, attempts=email.attempts)
                if email.recipient_id is None:  # not a user: a quote to its customer
                    values["envelope"] = await envelope(session, email)
            error = await self._send(tenant_id, email_id, values)
            async with session.begin():
                await session.execute(sa.update(Email).where(
                    Email.tenant_id == tenant_id, Email.id == email_id,
                    Email.status == "sending").values(**self._outcome(values, error)))

    async def _send(self, tenant_id: uuid.UUID, email_id: uuid.UUID,
                    values: dict[str, Any]) -> str | None:
        """None when the server accepted the message, else what went wrong."""
        try:
            rendered = render(values["kind"], values["language"],
                              {**values["params"], "count": values["count"]})
            values["subject"] = rendered.subject
            if self.server is None:
                return "no SMTP server: set TIDTAM_SMTP_URL"
            message = compose(sender=self.settings.mail_from, to=values["to"],
                              rendered=rendered, email_id=email_id, tenant_id=tenant_id,
                              envelope=values.get("envelope"))
            await self.server.send(message, self.settings.smtp_timeout)
        except Exception as exc:  # every failure is recorded on the row and retried
            klog(logger, logging.WARNING, "email not sent", email_id=str(email_id),
                 error=repr(exc)[:300])
            return f"{exc.__class__.__name__}: {exc}"[:1000]
        return None

    def _outcome(self, values: dict[str, Any], error: str | None) -> dict[str, Any]:
        done: dict[str, Any] = {"updated_at": sa.func.now(), "subject": values.get("subject")}
        if error is None:
            return {**done, "status": "sent", "sent_at": sa.func.now(), "last_error": None}
        delay = retry_delay(self.settings, values["attempts"])
        if delay is None:
            return {**done, "status": "failed", "last_error": error}
        return {**done, "status": "pending", "last_error": error,
                "next_attempt_at": sa.func.now() + delay}


async def envelope(session: AsyncSession, email: Email) -> Envelope:
    """An email to someone who is not a user: its copies, reply-to, sender's name (from
    its params) and attachments (email_attachments)."""
    files = (await session.execute(sa.select(EmailAttachment).where(
        EmailAttachment.tenant_id == email.tenant_id, EmailAttachment.email_id == email.id)
        .order_by(EmailAttachment.position))).scalars()
    return Envelope(cc=tuple(email.params.get("cc") or ()),
                    reply_to=email.params.get("reply_to"),
                    from_name=email.params.get("sender_name"),
                    attachments=tuple(Attachment(f.filename, f.content_type, f.content)
                                      for f in files))


def retry_delay(settings: NotificationsSettings, attempts: int) -> timedelta | None:
    """After failed attempt number `attempts` (1 = the first): the wait before the next,
    `TIDTAM_MAIL_RETRY_SECONDS` doubling each time; None once `TIDTAM_MAIL_MAX_ATTEMPTS`
    were made (the email is then `failed`)."""
    if attempts >= settings.mail_max_attempts:
        return None
    return timedelta(seconds=settings.mail_retry_seconds * 2 ** (attempts - 1))


def mail_worker(settings: NotificationsSettings) -> Resource:
    """The worker as a resource of the app (crmkit.runtime.build_service)."""
    return woken_resource(lambda maker, dsn: MailWorker(settings, maker, dsn), "mail_worker")

"""Email-to-lead by SMTP: a receiver the capture service runs itself (aiosmtpd, in the app's
event loop) when `TIDTAM_CAPTURE_SMTP_PORT` is set; the provider's inbound webhook
(service.webhook) is the other way in. Point the inbound domain's MX at it (or relay to it).

A recipient is taken only when it is a tenant's inbound address (`RCPT TO` otherwise 550,
so nothing is accepted that would bounce later); per client address a burst of messages,
refilled at a rate (`TIDTAM_CAPTURE_SMTP_CLIENT_BURST`, `…_PER_MINUTE`; 450 past it), checked
before the database;
a message above `TIDTAM_CAPTURE_SMTP_MAX_BYTES` is refused by the protocol (552). The
message's `From`, `Subject` and text (the plain part, else the HTML's text) become
`lead.captured` for each tenant it was addressed to, once per `Message-ID` (else the
message's hash), in one short transaction per tenant, as the webhook does.

STARTTLS when `TIDTAM_CAPTURE_SMTP_TLS_CERT` and `…_KEY` name a PEM certificate and key
(TLS 1.2 or newer), required before any mail with `…_REQUIRE_TLS` (530 otherwise).

Not done here: SPF/DKIM/DMARC checks (a forged `From` makes a lead under that address; put
a filtering MX in front where that matters)."""

from __future__ import annotations

import email
import email.policy
import logging
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from aiosmtpd.smtp import SMTP, Envelope, Session
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from crmkit.context import TenantId, addressed_tenant
from crmkit.db import tenant_session, unit_of_work
from crmkit.errors import AppError

from ..config import CaptureSettings
from ..forms.limits import Buckets
from . import service

log = logging.getLogger("tidtam_capture.smtp")


class _Text(HTMLParser):
    """The text of an HTML part (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("br", "p", "div", "li", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if not isinstance(content, str):
        return ""
    if part.get_content_subtype() == "html":
        parser = _Text()
        parser.feed(content)
        content = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in content.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def read_message(raw: bytes, mail_from: str | None) -> dict[str, Any]:
    """The fields the webhook takes, from a message: sender (its `From`, else the envelope's),
    subject, the text and its Message-ID. ValueError when it cannot be read."""
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        return {"sender": str(message.get("From") or mail_from or ""),
                "subject": str(message.get("Subject") or ""),
                "body": _body_text(message),
                "message_id": str(message.get("Message-ID") or "").strip()}
    except (LookupError, TypeError, AttributeError, AssertionError, UnicodeError) as exc:
        raise ValueError(f"unreadable message: {exc.__class__.__name__}") from exc


async def _tenant_of(maker: async_sessionmaker[AsyncSession], address: str) -> TenantId | None:
    async with tenant_session(maker, None) as session:
        found = (await session.execute(sa.select(sa.func.email_inbox_tenant(
            sa.literal(address[:320], sa.Text))))).scalar_one_or_none()
    return addressed_tenant(found) if found is not None else None


class Inbound:
    """aiosmtpd's handler: the recipients' tenants at RCPT, the leads at DATA."""

    def __init__(self, maker: async_sessionmaker[AsyncSession], conf: CaptureSettings) -> None:
        self.maker = maker
        self.by_client = Buckets(burst=conf.capture_smtp_client_burst,
                                 per_minute=conf.capture_smtp_client_per_minute)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,  # noqa: N802
                          address: str, rcpt_options: list[str]) -> str:
        peer: Any = session.peer  # (host, port) for TCP
        peer = str(peer[0]) if isinstance(peer, tuple) else str(peer)
        if not envelope.rcpt_tos and self.by_client.take(f"smtp:{peer}"):
            return "450 4.7.1 Too many messages from your address; try again later"
        tenant = await _tenant_of(self.maker, address)
        if tenant is None:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session,  # noqa: N802
                          envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            data = read_message(raw, envelope.mail_from)
        except ValueError:
            return "554 5.6.0 The message cannot be read"
        tenants: dict[Any, TenantId] = {}
        for address in envelope.rcpt_tos:
            found = await _tenant_of(self.maker, address)
            if found is not None:
                tenants[found.value] = found
        for tenant in tenants.values():
            try:
                async with unit_of_work(self.maker, tenant) as db:
                    inbox = await service.CHANNEL.row(db, tenant)
                    if inbox is not None:
                        await service.take(db, tenant, inbox, data, raw)
            except AppError as exc:  # the sender has no address
                return f"550 5.1.7 {exc.message}"[:200]
        return "250 OK: received"


def tls_context(conf: CaptureSettings) -> ssl.SSLContext | None:
    """The server's TLS context for STARTTLS, or None without a certificate (an unreadable
    certificate or key fails the start)."""
    if not conf.capture_smtp_tls_cert:
        return None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(conf.capture_smtp_tls_cert, conf.capture_smtp_tls_key)
    return context


def smtp_receiver(conf: CaptureSettings) -> Any:
    """The app's resource: the SMTP server on `capture_smtp_host:capture_smtp_port` while
    the app runs (none when the port is not set)."""

    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        if not conf.capture_smtp_port:
            yield
            return
        import asyncio

        handler = Inbound(app.state.sessionmaker, conf)
        tls = tls_context(conf)
        server = await asyncio.get_running_loop().create_server(
            lambda: SMTP(handler, data_size_limit=conf.capture_smtp_max_bytes,
                         enable_SMTPUTF8=True, hostname=conf.capture_inbound_domain,
                         ident="Tidtam capture", timeout=60, tls_context=tls,
                         require_starttls=conf.capture_smtp_require_tls),
            host=conf.capture_smtp_host, port=conf.capture_smtp_port)
        log.info("SMTP receiver on %s:%s (STARTTLS %s)", conf.capture_smtp_host,
                 conf.capture_smtp_port, "required" if conf.capture_smtp_require_tls
                 else "offered" if tls else "not offered")
        try:
            yield
        finally:
            server.close()
            await server.wait_closed()

    return run

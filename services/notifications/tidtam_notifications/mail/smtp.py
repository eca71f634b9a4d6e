"""The SMTP server from `TIDTAM_SMTP_URL` and the message as it goes out.

`smtp://user:password@host:port` (plain, port 25 by default), `smtps://…` (TLS from the
start, port 465), `?starttls=true` (upgrade a plain connection, port 587)."""

from __future__ import annotations

import base64
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from ..notices.render import Rendered


class BadSmtpUrl(ValueError):
    pass


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool
    starttls: bool
    username: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise BadSmtpUrl("TIDTAM_SMTP_URL must be smtp://[user:password@]host[:port] or "
                             "smtps://…, optionally with ?starttls=true")
        query = parse_qs(parts.query)
        starttls = query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes")
        tls = parts.scheme == "smtps"
        port = parts.port or (465 if tls else 587 if starttls else 25)
        return cls(parts.hostname, port, tls, starttls,
                   unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)

    async def send(self, message: EmailMessage, timeout: float) -> None:
        await aiosmtplib.send(
            message, hostname=self.host, port=self.port, username=self.username,
            password=self.password, use_tls=self.tls, start_tls=self.starttls or None,
            tls_context=ssl.create_default_context() if self.tls or self.starttls else None,
            timeout=timeout)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Envelope:
    """What an email to someone who is not a user adds (a quote to its customer): copies,
    where replies go, the person it comes from (shown as the From name) and files. Such an
    email is a person's act, not `Auto-Submitted`."""

    cc: Sequence[str] = ()
    reply_to: str | None = None
    from_name: str | None = None
    attachments: Sequence[Attachment] = field(default_factory=tuple)


# 42 bytes of UTF-8 a word: 56 characters of base64, 68 with `=?utf-8?b?` and `?=` (RFC 2047
# allows 75), so that "Subject: " and the first word fit in 78 and nothing is refolded.
_WORD_BYTES = 42


def encoded_subject(subject: str) -> str:
    """The subject as RFC 2047 encoded words of whole characters, one a line, every space
    inside a word. The email package's own folding (Python 3.11) drops a space that falls
    where it folds between an ASCII run and the next encoded word ("QT2569-0001 — บริษัท"
    arrived as "QT2569-0001— บริษัท"); stored as is (`set_raw`), this is never refolded."""
    words: list[str] = []
    chunk = ""
    for char in subject:
        if chunk and len((chunk + char).encode()) > _WORD_BYTES:
            words.append(chunk)
            chunk = ""
        chunk += char
    if chunk:
        words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w.encode()).decode()}?="
                         for w in words)


def compose(*, sender: str, to: str, rendered: Rendered, email_id: uuid.UUID,
            tenant_id: uuid.UUID, envelope: Envelope | None = None) -> EmailMessage:
    """Text and HTML alternatives, UTF-8; a Thai subject is encoded per RFC 2047 by
    `encoded_subject`, a Thai name by the email package. The Message-ID is the email's own
    id, the same on every attempt."""
    message = EmailMessage()
    name, address = parseaddr(sender)
    domain = address.rpartition("@")[2] or "tidtam.localhost"
    name = (envelope.from_name if envelope else None) or name
    message["From"] = Address(display_name=name, addr_spec=address) if name else address
    message["To"] = to
    if envelope and envelope.cc:
        message["Cc"] = ", ".join(envelope.cc)
    if envelope and envelope.reply_to:
        message["Reply-To"] = envelope.reply_to
    if rendered.subject.isascii() and len(rendered.subject) <= 68:
        message["Subject"] = rendered.subject
    else:
        message.set_raw("Subject", encoded_subject(rendered.subject))
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = f"<{email_id}@{domain}>"
    message["X-Tidtam-Tenant"] = str(tenant_id)
    if envelope is None:
        message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    for file in envelope.attachments if envelope else ():
        maintype, _, subtype = file.content_type.partition("/")
        message.add_attachment(file.content, maintype=maintype,
                               subtype=subtype or "octet-stream", filename=file.filename)
    return message

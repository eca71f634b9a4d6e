"""A real SMTP server that keeps what it receives (aiosmtpd): the development sink of
`make run` and the tests' mail server.

    python -m crmkit.testing.mailsink --dir .run/mail --port 8025

keeps each message as an `.eml` file under `--dir`. In tests, `MailSink().start()` keeps
them in memory too (`messages`, parsed), and `hold_seconds` makes it wait that long after
taking a message before it answers 250 (a client killed in that moment has sent it).
`Tls(cert, key, mode)` makes it a TLS server, from the first byte (`smtps`) or after
STARTTLS, which it then requires (`starttls`); `login=(user, password)` requires AUTH."""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import ssl
import threading
import time
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from crmkit.testing.process import free_port


class _Keeper:
    def __init__(self, sink: MailSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        for rcpt in envelope.rcpt_tos:
            if self.sink.refuse.get(rcpt, 0) > 0:
                self.sink.refuse[rcpt] -= 1
                return "451 4.3.0 Try again later"
        self.sink.keep(raw, list(envelope.rcpt_tos))
        if self.sink.hold_seconds:
            await asyncio.sleep(self.sink.hold_seconds)
        return "250 Message accepted for delivery"


@dataclass(frozen=True)
class Tls:
    cert: Path
    key: Path
    mode: Literal["smtps", "starttls"]

    def context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


class MailSink:
    def __init__(self, *, port: int = 0, directory: Path | None = None,
                 hold_seconds: float = 0.0, tls: Tls | None = None,
                 login: tuple[str, str] | None = None) -> None:
        self.directory = directory
        self.hold_seconds = hold_seconds
        # Per recipient: messages still to refuse with a temporary error (451).
        self.refuse: dict[str, int] = {}
        self.raw: list[bytes] = []
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        # The users that logged in (AUTH), in order.
        self.logins: list[str] = []
        self._lock = threading.RLock()
        self.port = port or free_port()
        self.tls = tls
        options: dict[str, Any] = {}
        if tls is not None and tls.mode == "smtps":
            # aiosmtpd counts only STARTTLS as TLS for AUTH; here the whole session is TLS.
            options.update(ssl_context=tls.context(), server_hostname="localhost",
                           auth_require_tls=False)
        elif tls is not None:
            options.update(tls_context=tls.context(), require_starttls=True)
        if login is not None:
            options.update(auth_required=True, authenticator=self._authenticator(login))
        self._controller = Controller(_Keeper(self), hostname="127.0.0.1", port=self.port,
                                      decode_data=False, **options)

    def _authenticator(self, login: tuple[str, str]) -> Any:
        def check(_server: SMTP, _session: Session, _envelope: Envelope, _mechanism: str,
                  data: Any) -> AuthResult:
            ok = (isinstance(data, LoginPassword)
                  and (data.login.decode(), data.password.decode()) == login)
            if ok:
                with self._lock:
                    self.logins.append(login[0])
            return AuthResult(success=ok, handled=False)

        return check

    @property
    def url(self) -> str:
        """Its TIDTAM_SMTP_URL (with credentials, add them: smtp://user:pw@…)."""
        if self.tls is None:
            return f"smtp://127.0.0.1:{self.port}"
        if self.tls.mode == "smtps":
            return f"smtps://localhost:{self.port}"
        return f"smtp://localhost:{self.port}?starttls=true"

    def keep(self, raw: bytes, rcpt: list[str]) -> None:
        message: Any = email.message_from_bytes(raw, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
            self.raw.append(raw)
            self.recipients.append(rcpt)
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
            name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
            (self.directory / name).write_bytes(raw)

    def start(self) -> MailSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[tuple[EmailMessage, bytes]]:
        """The messages to `address` so far, parsed and as received."""
        with self._lock:
            return [(m, raw) for m, raw, rcpt in zip(self.messages, self.raw, self.recipients,
                                                     strict=True) if address in rcpt]

    def wait_for(self, count: int, address: str | None = None,
                 timeout: float = 30.0) -> list[EmailMessage]:
        """The messages (to `address`) once there are at least `count` (AssertionError
        after `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = list(self.messages) if address is None else \
                    [m for m, _raw in self.to(address)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)} messages arrived, expected {count}")
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    sink = MailSink(port=args.port, directory=args.dir).start()
    print(f"mail sink on smtp://127.0.0.1:{sink.port}, keeping messages in {args.dir}",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sink.stop()


if __name__ == "__main__":
    main()

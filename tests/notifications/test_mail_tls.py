"""The `smtps://` and `?starttls=true` forms of TIDTAM_SMTP_URL against real TLS SMTP servers
(aiosmtpd with a certificate made here by openssl, trusted through SSL_CERT_FILE as an
operator's private CA would be): the message arrives over TLS with the URL's login; a server
that offers no STARTTLS, a certificate nobody trusts and a wrong password all fail the send
(the worker then retries and logs the error), and nothing goes out in the clear."""

from __future__ import annotations

import shutil
import ssl
import subprocess
import uuid

import aiosmtplib
import pytest

from crmkit.testing.mailsink import MailSink, Tls
from tidtam_notifications.mail.smtp import SmtpServer, compose
from tidtam_notifications.notices.render import Rendered

pytestmark = [pytest.mark.integration,
              # aiosmtpd warns of AUTH without STARTTLS: on smtps the whole session is TLS
              pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
              pytest.mark.skipif(shutil.which("openssl") is None,
                                 reason="openssl is not on PATH (it makes the test certificate)")]

SUBJECT = "สมหญิง ส่งลีดให้คุณ: คุณสมศรี มีสุข"


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    crt, key = folder / "smtp.crt", folder / "smtp.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(crt)], check=True, capture_output=True)
    return crt, key


@pytest.fixture
def trusted(cert, monkeypatch):
    """The certificate trusted as a CA would be (OpenSSL reads SSL_CERT_FILE)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))


def server(cert, mode: str, login: tuple[str, str] | None = ("mailer", "p@ss:word")):
    return MailSink(tls=Tls(cert[0], cert[1], mode), login=login).start()


async def send(url: str, to: str) -> None:
    message = compose(sender="Tidtam ติดตาม <no-reply@crm.example.co.th>", to=to,
                      rendered=Rendered(SUBJECT, "เปิดลีด\n", "<p>เปิดลีด</p>\n"),
                      email_id=uuid.uuid4(), tenant_id=uuid.uuid4())
    await SmtpServer.from_url(url).send(message, timeout=10)


def with_login(url: str, user: str = "mailer", password: str = "p%40ss%3Aword") -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{user}:{password}@{rest}"


@pytest.mark.parametrize("mode", ["smtps", "starttls"])
async def test_a_message_goes_over_tls_with_the_urls_login(cert, trusted, mode):
    sink = server(cert, mode)
    try:
        assert sink.url.startswith("smtps://" if mode == "smtps" else "smtp://")
        await send(with_login(sink.url), "somying@example.co.th")
        [message] = sink.wait_for(1, "somying@example.co.th", timeout=10)
        assert message["Subject"] == SUBJECT
        assert sink.logins == ["mailer"]  # the password with its %-escapes undone
    finally:
        sink.stop()


async def test_a_wrong_password_is_refused(cert, trusted):
    sink = server(cert, "starttls")
    try:
        with pytest.raises(aiosmtplib.SMTPAuthenticationError):
            await send(with_login(sink.url, password="wrong"), "a@example.co.th")
        assert sink.messages == [] and sink.logins == []
    finally:
        sink.stop()


async def test_an_untrusted_certificate_is_refused(cert):
    # Without SSL_CERT_FILE the self-made certificate is nobody's: verification is never off.
    sink = server(cert, "smtps")
    try:
        with pytest.raises((aiosmtplib.SMTPConnectError, ssl.SSLError)) as refused:
            await send(with_login(sink.url), "a@example.co.th")
        assert "CERTIFICATE_VERIFY_FAILED" in str(refused.value)
        assert sink.messages == []
    finally:
        sink.stop()


async def test_starttls_asked_of_a_server_without_it_sends_nothing_in_the_clear(trusted):
    plain = MailSink().start()  # offers no STARTTLS
    try:
        with pytest.raises(aiosmtplib.SMTPException, match="(?i)starttls"):
            await send(f"smtp://mailer:pw@127.0.0.1:{plain.port}?starttls=true", "a@example.co.th")
        assert plain.messages == []
    finally:
        plain.stop()

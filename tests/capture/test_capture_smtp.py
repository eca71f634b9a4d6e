"""Email-to-lead by SMTP: the capture service's own receiver (aiosmtpd), spoken to with
smtplib. A tenant's inbound address takes mail, any other is refused at RCPT; the sender,
subject and text (plain, or an HTML part's text) make a lead, the sender's next message a
follow-up, a repeated Message-ID nothing; an oversized message and a flood are refused;
STARTTLS with the tests' self-signed certificate (offered, and required when configured)."""

from __future__ import annotations

import asyncio
import smtplib
import socket
import ssl
import uuid
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from capture_support import count, until
from pydantic import ValidationError

from tidtam_capture.config import CaptureSettings
from tidtam_capture.mail.smtp import smtp_receiver

pytestmark = pytest.mark.e2e


@pytest.fixture
def inbox(tenant):
    r = tenant.gw.put("/api/v1/capture/email", headers=tenant.admin,
                      json={"signing_secret": "mail-signing-secret-0123456789"})
    assert r.status_code == 200, r.text
    return r.json()


def message(sender: str, to: str, subject: str, text: str, *, html: bool = False,
            message_id: str | None = None) -> EmailMessage:
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = sender, to, subject
    m["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@mail.example>"
    if html:
        m.set_content(f"<html><body><p>{text}</p><script>alert(1)</script></body></html>",
                      subtype="html")
    else:
        m.set_content(text)
    return m


def send(port: int, m: EmailMessage, to: str | None = None, *, source: str) -> None:
    """Sent from `source` (a loopback address of its own: each test has its own limit)."""
    with smtplib.SMTP("127.0.0.1", port, timeout=30, source_address=(source, 0)) as client:
        client.send_message(m, to_addrs=[to or str(m["To"])])


def leads_of(tenant, email: str) -> list[dict]:
    r = tenant.gw.get("/api/v1/leads", params={"q": email}, headers=tenant.admin)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_mail_makes_a_lead_then_a_follow_up(tenant, inbox, system, smtp_port):
    who = f"smtp-{uuid.uuid4().hex[:8]}@example.co.th"
    first = message(f"คุณสมศรี มีสุข <{who}>", inbox["address"], "ขอใบเสนอราคา",
                    "สนใจเครื่องกรองน้ำ 3 เครื่อง")
    send(smtp_port, first, source="127.0.0.21")
    lead = until(lambda: tenant.gw.get("/api/v1/leads", params={"q": who},
                                       headers=tenant.admin),
                 lambda body: len(body["items"]) == 1)["items"][0]
    assert lead["name"] == "คุณสมศรี มีสุข" and lead["email"] == who
    assert lead["source"] == "email"
    assert "ขอใบเสนอราคา" in lead["note"] and "เครื่องกรองน้ำ" in lead["note"]
    # The same message again (its Message-ID): nothing new. An HTML reply: a follow-up.
    send(smtp_port, first, source="127.0.0.21")
    send(smtp_port, message(who, inbox["address"].upper(), "Re: ขอใบเสนอราคา",
                            "ขอส่วนลดได้ไหมคะ", html=True), source="127.0.0.21")
    history = until(lambda: tenant.gw.get(f"/api/v1/leads/{lead['id']}/history",
                                          headers=tenant.admin),
                    lambda entries: any(e["kind"] == "followup" for e in entries))
    followups = [e for e in history if e["kind"] == "followup"]
    assert len(followups) == 1 and "ขอส่วนลดได้ไหมคะ" in followups[0]["note"]
    assert "alert" not in followups[0]["note"] and followups[0]["channel"] == "email"
    assert len(leads_of(tenant, who)) == 1
    taken = asyncio.run(count(system.db_url("capture", owner=True),
                              "SELECT count(*) FROM email_messages WHERE tenant_id = $1",
                              uuid.UUID(tenant.id)))
    assert taken == 2


def test_unknown_recipients_big_mail_and_floods_are_refused(tenant, inbox, smtp_port):
    who = f"smtp-{uuid.uuid4().hex[:8]}@example.co.th"
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(smtp_port, message(who, "lead-000000000000@inbound.tidtam.example", "x", "y"),
             source="127.0.0.22")
    assert refused.value.recipients["lead-000000000000@inbound.tidtam.example"][0] == 550
    with pytest.raises(smtplib.SMTPException):  # above the 64 KiB of the tests' setting
        send(smtp_port, message(who, inbox["address"], "ใหญ่", "ก" * 70_000),
             source="127.0.0.22")
    assert leads_of(tenant, who) == []
    # The client address's burst (5 in the tests, the refused recipient above one of them)
    # then 450 for the rest.
    answers = []
    for n in range(8):
        try:
            send(smtp_port, message(who, inbox["address"], f"ข้อความ {n}", "สวัสดี"),
                 source="127.0.0.22")
            answers.append(250)
        except smtplib.SMTPRecipientsRefused as exc:
            answers.append(exc.recipients[inbox["address"]][0])
    assert answers == [250] * 4 + [450] * 4, answers


def test_starttls_is_offered_and_mail_comes_through_it(tenant, inbox, smtp_port, smtp_tls):
    who = f"tls-{uuid.uuid4().hex[:8]}@example.co.th"
    trusted = ssl.create_default_context(cafile=smtp_tls["cert"])
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30,
                      source_address=("127.0.0.24", 0)) as client:
        client.ehlo("mx.example.co.th")
        assert client.has_extn("starttls")
        assert client.starttls(context=trusted)[0] == 220
        assert client.sock.version() in ("TLSv1.2", "TLSv1.3")
        client.ehlo("mx.example.co.th")
        assert not client.has_extn("starttls")  # once is enough
        client.send_message(message(who, inbox["address"], "ส่งผ่าน TLS", "ขอราคาค่ะ"))
    until(lambda: tenant.gw.get("/api/v1/leads", params={"q": who}, headers=tenant.admin),
          lambda body: len(body["items"]) == 1)
    # A client that does not trust the certificate gives up at the handshake: no mail.
    with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30,
                      source_address=("127.0.0.24", 0)) as client:
        client.ehlo("mx.example.co.th")
        with pytest.raises(ssl.SSLCertVerificationError):
            client.starttls(context=ssl.create_default_context())


async def test_required_tls_refuses_mail_in_clear(smtp_tls):
    """With …_REQUIRE_TLS, MAIL before STARTTLS is 530; after it, 250 (the receiver alone,
    in this process: nothing here reaches its database)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = CaptureSettings(capture_smtp_port=port,
                           capture_smtp_tls_cert=smtp_tls["cert"],
                           capture_smtp_tls_key=smtp_tls["key"],
                           capture_smtp_require_tls=True)
    app = SimpleNamespace(state=SimpleNamespace(sessionmaker=None))

    def talk() -> tuple[int, int, int]:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
            client.ehlo("mx.example.co.th")
            clear = client.mail("someone@example.co.th")[0]
            client.starttls(context=ssl.create_default_context(cafile=smtp_tls["cert"]))
            client.ehlo("mx.example.co.th")
            secured = client.mail("someone@example.co.th")[0]
            return clear, secured, client.noop()[0]

    async with smtp_receiver(conf)(app):
        clear, secured, noop = await asyncio.to_thread(talk)
    assert (clear, secured, noop) == (530, 250, 250)


def test_tls_settings_go_together():
    with pytest.raises(ValidationError, match="go together"):
        CaptureSettings(capture_smtp_tls_cert="/etc/ssl/cert.pem")
    with pytest.raises(ValidationError, match="needs a certificate"):
        CaptureSettings(capture_smtp_require_tls=True)

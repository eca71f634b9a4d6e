"""The SMTP URL's forms, the production start-up check (of the settings and of the real
service process), the retry schedule, and the development sink keeping each message as an
.eml file."""

from __future__ import annotations

import base64
import email
import email.policy
import os
import re
import smtplib
import subprocess
import sys
import uuid
from datetime import timedelta

import pytest
from pydantic import ValidationError

from crmkit.testing.mailsink import MailSink
from crmkit.testing.process import free_port
from tidtam_notifications.config import NotificationsSettings
from tidtam_notifications.mail.smtp import BadSmtpUrl, SmtpServer, compose
from tidtam_notifications.mail.worker import retry_delay
from tidtam_notifications.notices.render import Rendered


@pytest.mark.unit
def test_smtp_url_forms():
    plain = SmtpServer.from_url("smtp://mail.example.com")
    assert (plain.host, plain.port, plain.tls, plain.starttls) == ("mail.example.com", 25,
                                                                  False, False)
    tls = SmtpServer.from_url("smtps://user%40x:p%3Ass@smtp.example.com")
    assert (tls.port, tls.tls, tls.username, tls.password) == (465, True, "user@x", "p:ss")
    start = SmtpServer.from_url("smtp://u:p@smtp.example.com?starttls=true")
    assert (start.port, start.tls, start.starttls) == (587, False, True)
    assert SmtpServer.from_url("smtp://h:2525").port == 2525
    for bad in ("http://h", "smtp://", "mail.example.com"):
        with pytest.raises(BadSmtpUrl):
            SmtpServer.from_url(bad)


@pytest.mark.unit
def test_production_needs_an_smtp_url(monkeypatch):
    monkeypatch.setenv("TIDTAM_ENV", "production")
    monkeypatch.setenv("TIDTAM_CONTEXT_SECRET", "a-real-secret-of-our-own")
    monkeypatch.setenv("TIDTAM_NOTIFICATIONS_RELAY_DATABASE_URL", "postgresql+asyncpg://r@h/d")
    monkeypatch.delenv("TIDTAM_SMTP_URL", raising=False)
    with pytest.raises(ValidationError, match="TIDTAM_SMTP_URL must be set"):
        NotificationsSettings()
    monkeypatch.setenv("TIDTAM_SMTP_URL", "smtps://u:p@smtp.example.com")
    # …and where emails link to: the development default would point every link at
    # the recipient's own machine.
    with pytest.raises(ValidationError, match="TIDTAM_PUBLIC_URL must be set"):
        NotificationsSettings()
    monkeypatch.setenv("TIDTAM_PUBLIC_URL", "https://crm.example.co.th")
    assert NotificationsSettings().smtp_url == "smtps://u:p@smtp.example.com"


@pytest.mark.unit
@pytest.mark.parametrize("url", ["crm.example.co.th", "ftp://crm.example.co.th", "https://",
                                 "javascript:alert(1)"])
def test_the_public_url_must_be_http_with_a_host(monkeypatch, url):
    monkeypatch.setenv("TIDTAM_PUBLIC_URL", url)
    with pytest.raises(ValidationError, match="TIDTAM_PUBLIC_URL must be an http"):
        NotificationsSettings()


@pytest.mark.integration
def test_the_service_does_not_start_in_production_without_an_smtp_url():
    # Production is TIDTAM_ENV=production, nothing else (unset means development).
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIDTAM_")}
    env.update(TIDTAM_ENV="production", TIDTAM_CONTEXT_SECRET="a-real-secret-of-our-own",
               TIDTAM_NOTIFICATIONS_RELAY_DATABASE_URL="postgresql+asyncpg://r@127.0.0.1/d")
    started = subprocess.run(
        [sys.executable, "-m", "crmkit.serve", "tidtam_notifications.main:app", "--host",
         "127.0.0.1", "--port", str(free_port())],
        env=env, capture_output=True, text=True, timeout=120)
    assert started.returncode != 0
    assert "TIDTAM_SMTP_URL must be set when TIDTAM_ENV=production" in started.stderr


@pytest.mark.unit
def test_retries_wait_longer_each_time_then_give_up(monkeypatch):
    monkeypatch.setenv("TIDTAM_MAIL_RETRY_SECONDS", "30")
    monkeypatch.setenv("TIDTAM_MAIL_MAX_ATTEMPTS", "6")
    settings = NotificationsSettings()
    waits = [retry_delay(settings, attempts) for attempts in range(1, 7)]
    assert waits == [timedelta(seconds=s) for s in (30, 60, 120, 240, 480)] + [None]


@pytest.mark.integration
def test_the_sink_keeps_each_message_as_eml(tmp_path):
    sink = MailSink(directory=tmp_path / "mail").start()
    try:
        with smtplib.SMTP("127.0.0.1", sink.port) as client:
            client.sendmail("a@example.com", ["b@example.com"],
                            b"Subject: =?utf-8?b?4Lil4Li14LiU?=\r\n\r\nhello")
        [message] = sink.wait_for(1, "b@example.com")
        assert message["Subject"] == "ลีด"
        [eml] = list((tmp_path / "mail").glob("*.eml"))
        assert b"hello" in eml.read_bytes()
    finally:
        sink.stop()


@pytest.mark.unit
@pytest.mark.parametrize("subject", [
    "สมหญิง ผู้จัดการฝ่ายขาย ส่งลีดให้คุณ: บริษัท ข้าวหอมมะลิส่งออกแห่งประเทศไทย จำกัด (มหาชน)",
    # A space between an ASCII run and Thai where Python's own folding split the words: it
    # arrived as "QT2569-0001— บริษัท" before the subject was encoded by us.
    "ใบเสนอราคา QT2569-0001 — บริษัท ทดสอบการขายสินค้าอุปโภคบริโภค จำกัด (มหาชน) สาขาเชียงใหม่",
    "Quotation QT2569-0001 — a seller whose English name is long enough to need folding",
])
def test_a_long_thai_subject_is_folded_into_encoded_words(subject):
    message = compose(sender="Tidtam ติดตาม <no-reply@crm.example.co.th>", to="a@example.co.th",
                      rendered=Rendered(subject, "ข้อความ\n", "<p>ข้อความ</p>\n"),
                      email_id=uuid.uuid4(), tenant_id=uuid.uuid4())
    raw = message.as_bytes(policy=email.policy.SMTP)
    header = raw.split(b"\r\n\r\n", 1)[0]
    assert header.isascii()
    lines = header.split(b"\r\n")
    assert all(len(line) <= 78 for line in lines)  # RFC 5322 line length
    start = next(i for i, line in enumerate(lines) if line.startswith(b"Subject:"))
    folded = [lines[start]] + [x for x in lines[start + 1:] if x[:1] in (b" ", b"\t")][:20]
    words = re.findall(rb"=\?utf-8\?[bq]\?[^?]*\?=", b"\n".join(folded), re.I)
    # Several encoded words, each ending on a whole character, at most 75 characters (RFC 2047).
    assert len(words) > 1 and all(len(w) <= 75 for w in words)
    assert all(base64.b64decode(w[10:-2]).decode() for w in words)  # whole UTF-8 each
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == "Tidtam ติดตาม"

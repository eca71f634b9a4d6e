"""Email-to-lead by SMTP: the capture service's own receiver (aiosmtpd), spoken to with
smtplib. A tenant's inbound address takes mail, any other is refused at RCPT; the sender,
subject and text (plain, or an HTML part's text) make a lead, the sender's next message a
follow-up, a repeated Message-ID nothing; an oversized message and a flood are refused."""

from __future__ import annotations

import asyncio
import smtplib
import uuid
from email.message import EmailMessage

import pytest
from capture_support import count, until

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

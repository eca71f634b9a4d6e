"""Notifications through the whole system: a lead sent with the real leads API tells its
new owner in the app (through the gateway, live on the stream) and by email; a transfer of
several leads is one notice and one email with the count; the event feed for admins; what
belongs to another user or tenant is never shown (404, not listed)."""

from __future__ import annotations

import time

import httpx
import pytest

from .conftest import until

pytestmark = pytest.mark.e2e


def stream_counts(base_url: str, headers: dict, want: int, timeout: float = 30.0) -> list[int]:
    """The unread counts the stream sends through the gateway, until `want` arrives."""
    import json

    counts: list[int] = []
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base_url, timeout=timeout) as client, client.stream(
            "GET", "/api/v1/notifications/stream", headers=headers) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith(
            "text/event-stream")
        for line in r.iter_lines():
            if line.startswith("data:"):
                counts.append(json.loads(line[5:])["unread"])
                if counts[-1] == want:
                    return counts
            assert time.monotonic() < deadline, counts
    return counts


def test_a_sent_lead_reaches_its_new_owner_in_the_app_and_by_email(gw, system, make_tenant,
                                                                  mail_sink):
    t = make_tenant()
    t.add_user("sender", "sales")
    receiver = t.add_user("receiver", "sales")
    lead = t.create_lead("sender")
    r = gw.post(f"/api/v1/leads/{lead['id']}/send", headers=t.h("sender"),
                json={"to_user_id": receiver, "note": "ฝากโทรกลับด้วย"})
    assert r.status_code == 200, r.text
    body = until(lambda: gw.get("/api/v1/notifications", headers=t.h("receiver")),
                 lambda b: len(b["items"]) == 1)
    notice = body["items"][0]
    assert notice["kind"] == "lead_sent" and notice["link"] == f"#/leads/{lead['id']}"
    assert lead["name"] in notice["title"]
    assert stream_counts(system.gateway.url, t.h("receiver"), 1) == [1]
    me = gw.get("/api/v1/me", headers=t.h("receiver")).json()
    [message] = mail_sink.wait_for(1, me["email"])
    assert lead["name"] in message["Subject"]
    assert f"#/leads/{lead['id']}" in message.get_body(("plain",)).get_content()
    # the sender's own notices do not show it, and cannot mark it read
    assert gw.get("/api/v1/notifications", headers=t.h("sender")).json()["items"] == []
    r = gw.post("/api/v1/notifications/read", headers=t.h("sender"),
                json={"ids": [notice["id"]]})
    assert r.status_code == 404
    r = gw.post("/api/v1/notifications/read", headers=t.h("receiver"),
                json={"ids": [notice["id"]]})
    assert r.status_code == 200 and r.json() == {"marked": 1}
    other = make_tenant("บริษัท อื่น จำกัด")
    assert gw.get("/api/v1/notifications", headers=other.h("admin")).json()["items"] == []


def test_a_transfer_is_one_notice_and_one_email_with_the_count(gw, make_tenant, mail_sink):
    t = make_tenant()
    t.add_user("leaving", "sales")
    heir = t.add_user("heir", "sales")
    for _ in range(3):
        t.create_lead("leaving")
    r = gw.post("/api/v1/leads/transfer", headers=t.h("admin"),
                json={"from_user_id": t.users["leaving"], "to_user_id": heir})
    assert r.status_code == 200 and r.json()["moved"] == 3, r.text
    body = until(lambda: gw.get("/api/v1/notifications", headers=t.h("heir")),
                 lambda b: b["items"] and b["items"][0]["count"] == 3)
    assert len(body["items"]) == 1 and body["items"][0]["kind"] == "leads_transferred"
    email = gw.get("/api/v1/me", headers=t.h("heir")).json()["email"]
    [message] = mail_sink.wait_for(1, email)
    assert "3" in message["Subject"]
    time.sleep(2)
    assert len(mail_sink.to(email)) == 1
    log = gw.get("/api/v1/notifications/log", headers=t.h("admin")).json()
    assert [e["status"] for e in log["items"] if e["to_address"] == email] == ["sent"]


def test_the_event_feed_through_the_gateway(gw, make_tenant):
    t = make_tenant()
    t.add_user("sales", "sales")
    lead = t.create_lead("sales")
    body = until(lambda: gw.get("/api/v1/events?type=lead.*", headers=t.h("admin")),
                 lambda b: any(e["subject"] == lead["id"] for e in b["items"]))
    assert all(e["tenantid"] == t.id for e in body["items"])
    assert gw.get("/api/v1/events", headers=t.h("sales")).status_code == 403
    other = make_tenant("บริษัท อื่น จำกัด")
    theirs = gw.get("/api/v1/events?type=lead.*", headers=other.h("admin")).json()
    assert theirs["items"] == []

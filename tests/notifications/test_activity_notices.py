"""Notices and emails from the activities service's events on the real broker, database and
SMTP server: a reminder tells the activity's owner (marked when late), the daily agenda its
user, in their language (Thai dates in the Buddhist Era); the preferences of each kind are
honoured."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from notif_support import set_language
from test_notices import until, until_language

from crmkit.events import CloudEvent
from tidtam_contracts.activities import ActivityReminderDueV1, AgendaDailyV1

pytestmark = pytest.mark.integration


def activity(owner, **over):
    now = datetime.now(UTC)
    return {"id": str(uuid.uuid4()), "kind": "call", "subject": "โทรหาคุณสมศรี",
            "note": None, "lead_id": None, "account_id": None, "contact_id": None,
            "owner_id": str(owner.id), "starts_at": None, "ends_at": None,
            "due_at": (now + timedelta(minutes=15)).isoformat(), "all_day": False,
            "place": None, "reminders": [15], "status": "planned", "result": None,
            "created_by": str(owner.id), "version": 1, "created_at": now.isoformat(),
            "updated_at": now.isoformat(), **over}


async def publish(gateway, tenant, model, data, subject):
    event = CloudEvent(source="/services/activities", type=model.TYPE, subject=subject,
                       tenantid=str(tenant.id), dataversion=model.VERSION,
                       data=model.model_validate(data).model_dump(mode="json"))
    await gateway.republish(event)
    return event


async def test_a_reminder_tells_the_owner_once(api, tenant, gateway_events, mail_sink):
    data = {**activity(tenant.sales1), "minutes": 15,
            "fire_at": datetime.now(UTC).isoformat(), "late": False}
    event = await publish(gateway_events, tenant, ActivityReminderDueV1, data, data["id"])
    await gateway_events.republish(event)  # a redelivery adds nothing
    body = await until(api, "/api/v1/notifications", tenant.headers(tenant.sales1),
                       lambda b: len(b["items"]) == 1)
    notice = body["items"][0]
    assert notice["kind"] == "activity_reminder"
    assert notice["title"] == "อีก 15 นาที: โทร โทรหาคุณสมศรี"
    late = {**activity(tenant.sales1, subject="นัดลูกค้า", kind="task"), "minutes": 0,
            "fire_at": datetime.now(UTC).isoformat(), "late": True}
    await publish(gateway_events, tenant, ActivityReminderDueV1, late, late["id"])
    body = await until(api, "/api/v1/notifications", tenant.headers(tenant.sales1),
                       lambda b: len(b["items"]) == 2)
    assert body["items"][0]["title"] == "(แจ้งช้า) อีก 0 นาที: งาน นัดลูกค้า"
    mails = await asyncio.to_thread(mail_sink.wait_for, 2, tenant.sales1.email)
    assert len(mails) == 2
    assert any("โทรหาคุณสมศรี" in str(m["Subject"]) for m in mails)


async def test_the_daily_agenda_in_the_users_language_and_preferences(api, tenant,
                                                                      gateway_events, notif_db):
    await set_language(gateway_events, tenant, tenant.sales2, "en")
    await until_language(notif_db, tenant.sales2.id, "en")
    day = date(2027, 3, 28)
    items = [{"type": "activity", "title": "ประชุมทีม", "kind": "meeting", "all_day": False,
              "starts_at": "2027-03-28T07:00:00+00:00", "ends_at": None},
             {"type": "next_contact", "title": "คุณวิไล", "all_day": False,
              "starts_at": "2027-03-28T08:30:00+00:00", "ends_at": None}]
    for person in (tenant.sales1, tenant.sales2):
        await publish(gateway_events, tenant, AgendaDailyV1, {
            "user_id": str(person.id), "day": day.isoformat(), "time_zone": "Europe/Berlin",
            "items": items}, f"{person.id}:{day}")
    th = await until(api, "/api/v1/notifications", tenant.headers(tenant.sales1),
                     lambda b: len(b["items"]) == 1)
    assert th["items"][0]["title"] == "งานวันนี้ 28 มี.ค. 2570: 2 รายการ"
    assert th["items"][0]["kind"] == "agenda_daily"
    en = await until(api, "/api/v1/notifications", tenant.headers(tenant.sales2),
                     lambda b: len(b["items"]) == 1)
    assert en["items"][0]["title"] == "Today, Sun 28 Mar 2027: 2 items"
    # sales3 wants no agenda at all: nothing comes
    who = tenant.headers(tenant.sales3)
    r = await api.put("/api/v1/notification-preferences", headers=who, json={
        "kinds": {"agenda_daily": {"email": False, "in_app": False}}})
    assert r.status_code == 200 and r.json()["kinds"]["activity_reminder"] == {
        "email": True, "in_app": True}
    await publish(gateway_events, tenant, AgendaDailyV1, {
        "user_id": str(tenant.sales3.id), "day": day.isoformat(),
        "time_zone": "Asia/Bangkok", "items": items}, f"{tenant.sales3.id}:{day}")
    await asyncio.sleep(2)
    assert (await api.get("/api/v1/notifications", headers=who)).json()["items"] == []

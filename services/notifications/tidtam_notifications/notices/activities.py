"""Messages about activities: a reminder that fell due (to the activity's owner) and each
morning's agenda (to its user). Dates in the Thai text are in the Buddhist Era."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery, Handler, on
from tidtam_contracts.activities import Activity, ActivityReminderDueV1, AgendaDailyV1

from .deliver import deliver
from .kinds import Message, kind

ACTIVITY_REMINDER = kind("activity_reminder")
AGENDA_DAILY = kind("agenda_daily")

THAI_MONTHS = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.",
               "ต.ค.", "พ.ย.", "ธ.ค.")
KIND_TH = {"task": "งาน", "meeting": "นัดประชุม", "call": "โทร", "email": "อีเมล"}


def thai_date(day: date) -> str:
    """7 มี.ค. 2570: the Buddhist Era year (CE + 543)."""
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {day.year + 543}"


def _link(activity: Activity) -> str:
    if activity.lead_id:
        return f"#/leads/{activity.lead_id}"
    if activity.account_id:
        return f"#/accounts/{activity.account_id}"
    return "#/"


def _clock(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).strftime("%H:%M") if moment else None


async def reminder_due(session: AsyncSession, event: Delivery[ActivityReminderDueV1]) -> None:
    a = event.data
    at = a.starts_at or a.due_at
    params: dict[str, Any] = {
        "activity_id": str(a.id), "subject": a.subject, "kind": a.kind,
        "kind_th": KIND_TH[a.kind], "minutes": a.minutes, "late": a.late,
        "at": at.isoformat() if at else None}
    message = Message(ACTIVITY_REMINDER, a.owner_id, f"{a.id}:{a.minutes}", _link(a), params)
    await deliver(session, event.tenant, uuid.UUID(event.id), [message])


async def agenda_daily(session: AsyncSession, event: Delivery[AgendaDailyV1]) -> None:
    agenda = event.data
    zone = ZoneInfo(agenda.time_zone)
    items = [{"title": i.title, "time": None if i.all_day else _clock(i.starts_at, zone),
              "call": i.type == "next_contact" or i.kind == "call"} for i in agenda.items]
    params: dict[str, Any] = {"day": agenda.day.isoformat(), "day_th": thai_date(agenda.day),
                              "day_en": agenda.day.strftime("%a %d %b %Y"),
                              "items": items, "total": len(items)}
    message = Message(AGENDA_DAILY, agenda.user_id, agenda.day.isoformat(), "#/", params)
    await deliver(session, event.tenant, uuid.UUID(event.id), [message])


HANDLERS: list[Handler[Any]] = [on(ActivityReminderDueV1, reminder_due),
                                on(AgendaDailyV1, agenda_daily)]

"""A report as an .xlsx workbook (openpyxl, write-only): a title row, the headers in Thai or
English, the rows (names, not ids), the totals. User text is written as text, never as a
formula (crmkit.sheets.writer.neutralised), and without the control characters XML cannot
hold (a user's name may have them)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from crmkit.sheets.writer import neutralised

Lang = Literal["th", "en"]
HEADERS: dict[str, tuple[str, str]] = {
    "source": ("แหล่งที่มา", "Source"), "created": ("ลีดใหม่", "Created"),
    "qualified": ("ผ่านการคัดกรอง", "Qualified"), "converted": ("เปลี่ยนเป็นลูกค้า", "Converted"),
    "stage": ("ขั้นตอน", "Stage"), "deals": ("ดีล", "Deals"), "amount": ("มูลค่า", "Amount"),
    "weighted": ("มูลค่าถ่วงน้ำหนัก", "Weighted"), "month": ("เดือน", "Month"),
    "user": ("พนักงานขาย", "Salesperson"), "team": ("ทีม", "Team"),
    "won_count": ("ปิดได้ (ดีล)", "Won"), "won_amount": ("มูลค่าที่ปิดได้", "Won amount"),
    "lost_count": ("ไม่สำเร็จ (ดีล)", "Lost"), "win_rate": ("อัตราปิดการขาย %", "Win rate %"),
    "avg_days_to_close": ("วันเฉลี่ยถึงปิด", "Avg. days to close"),
    "reason": ("เหตุผล", "Reason"), "leads": ("ลีด", "Leads"),
    "conversion_rate": ("อัตราการเปลี่ยน %", "Conversion rate %"),
    "task": ("งาน", "Tasks"), "meeting": ("นัดหมาย", "Meetings"), "call": ("โทร", "Calls"),
    "email": ("อีเมล", "Emails"), "checkin": ("เช็กอิน", "Check-ins"),
    "total": ("รวม", "Total"), "target": ("เป้าหมาย", "Target"),
    "attainment": ("ทำได้ %", "Attainment %"),
}
TITLES: dict[str, tuple[str, str]] = {
    "funnel": ("กรวยลีด", "Lead funnel"), "pipeline": ("ไปป์ไลน์ตามขั้นตอน", "Pipeline by stage"),
    "forecast": ("พยากรณ์ยอดขาย", "Forecast"), "won": ("ยอดปิดการขาย", "Won deals"),
    "lost": ("ดีลที่ไม่สำเร็จตามเหตุผล", "Lost deals by reason"),
    "sources": ("ลีดตามแหล่งที่มา", "Leads by source"),
    "activities": ("กิจกรรมตามพนักงาน", "Activities by user"),
    "targets": ("เป้าหมายเทียบยอดขาย", "Targets against won"),
}
TOTAL = ("รวมทั้งหมด", "Total")
NAMED = ("user", "team", "stage")


def _pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[1] if lang == "en" else pair[0]


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "money":
        return Decimal(value)
    if isinstance(value, str):  # a name may hold control characters, which XML cannot
        return neutralised(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value if isinstance(value, int | float) else str(value)


def workbook(answer: dict[str, Any], lang: Lang) -> bytes:
    book = Workbook(write_only=True)
    ws = book.create_sheet(answer["report"])
    columns = answer["columns"]
    ws.append([_pick(TITLES[answer["report"]], lang),
               f"{answer['from']} – {answer['to']} ({answer['time_zone']})"])
    header = []
    for c in columns:
        cell = WriteOnlyCell(ws, _pick(HEADERS.get(c["key"], (c["key"], c["key"])), lang))
        cell.font = cell.font.copy(bold=True)
        header.append(cell)
    ws.append(header)
    for row in answer["rows"]:
        ws.append([_cell(row.get(f"{c['key']}_name") or row.get(c["key"])
                         if c["kind"] in NAMED else row.get(c["key"]), c["kind"])
                   for c in columns])
    totals = answer["totals"]
    ws.append([_pick(TOTAL, lang) if i == 0 else _cell(totals.get(c["key"]), c["kind"])
               for i, c in enumerate(columns)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

"""Writing rows out as .xlsx (XlsxWriter, constant memory) or CSV (UTF-8 with BOM), with
no formula ever made from user data (OWASP's CSV-injection guidance): text is written as
text, and in CSV a value that begins with = + - @ tab or CR gets a leading apostrophe."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from .mapping import Column

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
BAHT_FORMAT = '#,##0.00 "฿"'
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def neutralised(text: str) -> str:
    return "'" + text if text.startswith(_TRIGGERS) else text


def plain(value: Any) -> Any:
    """A value as a cell: lists joined, UUIDs as text, datetimes without their zone (Excel
    has none: written in UTC)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)
    if isinstance(value, (bool, int, float, Decimal, date)):
        return value
    return str(value)


def write_xlsx(path: Path, columns: Sequence[Column], headers: Sequence[str],
               rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> int:
    """Rows (one value per column) into a new workbook; returns how many. Constant memory:
    each row is flushed as the next one starts."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                           "strings_to_formulas": False,
                                           "strings_to_numbers": False,
                                           "strings_to_urls": False})
    try:
        ws = book.add_worksheet(sheet[:31])
        bold = book.add_format({"bold": True})
        text = book.add_format({"num_format": "@"})
        formats = {"money": book.add_format({"num_format": BAHT_FORMAT}),
                   "date": book.add_format({"num_format": DATE_FORMAT}),
                   "datetime": book.add_format({"num_format": DATETIME_FORMAT})}
        for i, h in enumerate(headers):
            ws.write_string(0, i, h, bold)
        writers = [_writer(ws, i, col, text, formats) for i, col in enumerate(columns)]
        n = 0
        for row in rows:
            n += 1
            for write, value in zip(writers, row, strict=True):
                if value is not None and value != "":
                    write(n, value)
        ws.freeze_panes(1, 0)
        return n
    finally:
        book.close()


def _writer(ws: Any, c: int, col: Column, text: Any,
            formats: dict[str, Any]) -> Callable[[int, Any], None]:
    """How one column's values are written, chosen once per column (the hot loop then
    makes one call per cell): strings straight as text, anything else by its type."""
    string = ws.write_string

    def write(r: int, value: Any) -> None:
        if type(value) is str:
            string(r, c, value, text)
        else:
            _write(ws, r, c, col, plain(value), text, formats)
    return write


def _write(ws: Any, r: int, c: int, col: Column, value: Any, text: Any,
           formats: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(r, c, value)
    elif isinstance(value, datetime):
        ws.write_datetime(r, c, value, formats["datetime"])
    elif isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), formats["date"])
    elif isinstance(value, (int, float, Decimal)) and col.kind in ("money", "number"):
        ws.write_number(r, c, float(value), formats.get(col.kind))
    else:  # text, phones and tax IDs too: leading zeros and + kept, never a formula
        ws.write_string(r, c, str(value), text)


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """UTF-8 with a BOM (so Excel reads Thai), every user value neutralised."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow([neutralised(h) for h in headers])
        n = 0
        for row in rows:
            out.writerow([_csv_value(plain(v)) for v in row])
            n += 1
        return n


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    return neutralised(str(value))

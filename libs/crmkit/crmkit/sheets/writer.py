"""Writing rows out as .xlsx (rust_xlsxwriter through rustpy-xlsxwriter, constant memory)
or CSV (UTF-8 with BOM), with no formula ever made from user data (OWASP's CSV-injection
guidance): text is written as text, and in CSV a value that begins with = + - @ tab or CR
gets a leading apostrophe."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import rustpy_xlsxwriter
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


XLSX_TEXT_LIMIT = 32_767  # Excel's most characters in a cell (a longer text is cut)
_NUMBERS = (int, float, Decimal)


def write_xlsx(path: Path, columns: Sequence[Column], headers: Sequence[str],
               rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> int:
    """Rows (one value per column) into a new workbook; returns how many. Written by
    rust_xlsxwriter (rustpy-xlsxwriter) in constant memory, each row flushed as the next
    one starts: text as inline string cells (never a formula, whatever it begins with),
    money as numbers in baht, dates and times as Excel dates, phones and tax IDs as text."""
    keys = _unique(headers)
    cells = [_cell(col) for col in columns]
    # Text goes as it is (the hot path: no call per cell) except in date columns.
    as_is = [str if col.kind != "date" else None for col in columns]
    count = 0

    def records() -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in rows:
            count += 1
            yield {k: v if type(v) is t and len(v) <= XLSX_TEXT_LIMIT else cell(v)
                   for k, v, cell, t in zip(keys, row, cells, as_is, strict=True)}

    data = records()
    first = next(data, None)
    if first is None:  # rustpy-xlsxwriter writes no header without a row: XlsxWriter does
        return _write_header_only(path, headers, sheet)
    rustpy_xlsxwriter.write_worksheet(
        itertools.chain((first,), data), str(path), sheet_name=sheet[:31], freeze_row=1,
        bold_headers=True, column_formats=[_FORMATS[_format_of(col)]() for col in columns])
    return count


def _unique(headers: Sequence[str]) -> list[str]:
    """The headers as the records' keys: a repeated one gets ` (2)`, ` (3)`..."""
    out: list[str] = []
    for h in headers:
        key, n = h, 1
        while key in out:
            n += 1
            key = f"{h} ({n})"
        out.append(key)
    return out


_FORMATS: dict[str, Callable[[], Any]] = {
    "text": lambda: rustpy_xlsxwriter.Format().set_num_format("@"),
    "money": lambda: rustpy_xlsxwriter.Format().set_num_format(BAHT_FORMAT),
    "number": lambda: None,
    "date": lambda: rustpy_xlsxwriter.Format().set_num_format(DATE_FORMAT),
    "datetime": lambda: rustpy_xlsxwriter.Format().set_num_format(DATETIME_FORMAT),
}


def _format_of(col: Column) -> str:
    return col.kind if col.kind in _FORMATS else "text"


def _cell(col: Column) -> Callable[[Any], Any]:
    """How a value other than a short text is written in this column: blanks stay blank,
    booleans as booleans, datetimes in UTC without their zone (Excel has none), numbers as
    numbers in money and number columns (as text elsewhere), a date column's ISO text as a
    date, lists joined, anything else (UUIDs...) as text, cut at Excel's limit."""
    numbers = col.kind in ("money", "number")
    dates = col.kind == "date"

    def cell(value: Any) -> Any:
        if value is None or value == "":
            return None
        if type(value) is str:
            if dates:
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
            return value[:XLSX_TEXT_LIMIT]
        if isinstance(value, bool):
            return value
        if isinstance(value, datetime):
            return value if value.tzinfo in (None, UTC) else value.astimezone(UTC)
        if isinstance(value, date):
            return value
        if numbers and isinstance(value, _NUMBERS):
            return value
        return str(plain(value))[:XLSX_TEXT_LIMIT]
    return cell


def _write_header_only(path: Path, headers: Sequence[str], sheet: str) -> int:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_numbers": False,
                                           "strings_to_urls": False})
    try:
        ws = book.add_worksheet(sheet[:31])
        bold = book.add_format({"bold": True})
        for i, h in enumerate(headers):
            ws.write_string(0, i, h, bold)
        ws.freeze_panes(1, 0)
        return 0
    finally:
        book.close()


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """UTF-8 with a BOM (so Excel reads Thai), every user value neutralised."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow([neutralised(h) for h in headers])
        n = 0
        for row in rows:
            # Plain text (most cells) as it is, without a call per cell.
            out.writerow([v if type(v) is str and not v.startswith(_TRIGGERS)
                          else _csv_value(plain(v)) for v in row])
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

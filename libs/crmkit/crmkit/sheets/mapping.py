"""Which row is the header and which column goes to which field, suggested from the
headers (Thai or English, the fields' own labels and their custom fields' labels)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from .files import Cell


@dataclass(frozen=True)
class Column:
    """A field an import can fill (and an export can write): `key` as the API names it
    (`custom.<key>` for a custom field), its labels, and other headers that mean it."""

    key: str
    label_th: str
    label_en: str
    aliases: tuple[str, ...] = field(default=())
    kind: str = "text"  # text | phone | tax_id | money | number | date | datetime | list
    importable: bool = True  # False: export only (id, box, created_at...)

    def label(self, language: str) -> str:
        return self.label_en if language == "en" else self.label_th


def header_key(text: str) -> str:
    """A header as compared: NFC, case-folded, without spaces, punctuation or a trailing
    colon/asterisk (`ชื่อ *`, `E-mail:`, `Phone No.` all match their field)."""
    text = unicodedata.normalize("NFC", text).casefold()
    return re.sub(r"[\s\-_.:*/()#]+", "", text)


def cell_text(value: Cell) -> str:
    """A cell as the text a user sees (numbers without a trailing `.0`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return unicodedata.normalize("NFC", str(value)).strip()


def _names(columns: Sequence[Column]) -> dict[str, str]:
    names: dict[str, str] = {}
    for c in columns:
        if not c.importable:
            continue
        for name in (c.key, c.label_th, c.label_en, *c.aliases):
            names.setdefault(header_key(name), c.key)
    return names


def detect_header(rows: Sequence[Sequence[Cell]], columns: Sequence[Column]) -> int:
    """The index of the header among the first rows: the one naming most fields (a title
    row above the table is skipped); with none naming any, the first non-empty row."""
    names = _names(columns)
    best, best_hits = -1, 0
    for i, row in enumerate(rows[:10]):
        hits = sum(1 for v in row if header_key(cell_text(v)) in names)
        if hits > best_hits:
            best, best_hits = i, hits
    if best >= 0:
        return best
    return next((i for i, row in enumerate(rows) if any(cell_text(v) for v in row)), 0)


def header_names(header: Sequence[Cell]) -> list[str]:
    """Each column's name as the mapping names it: its header text, or `column N` for a
    blank or repeated one."""
    out: list[str] = []
    for i, value in enumerate(header):
        text = cell_text(value)
        out.append(text if text and text not in out else f"column {i + 1}")
    return out


def suggest(header: Sequence[Cell], columns: Sequence[Column]) -> dict[str, str | None]:
    """Column name → field key (or None: not imported); each field once, first column wins."""
    names = _names(columns)
    taken: set[str] = set()
    out: dict[str, str | None] = {}
    for text in header_names(header):
        key = names.get(header_key(text))
        out[text] = key if key not in taken else None
        if key:
            taken.add(key)
    return out


def custom_columns(fields: Sequence[Any]) -> list[Column]:
    """Custom fields (crmkit.custom's CustomFieldOut) as columns `custom.<key>`."""
    kinds = {"number": "number", "date": "date", "multi_select": "multi_select",
             "checkbox": "checkbox"}
    return [Column(f"custom.{f.key}", f.label_th, f.label_en or f.label_th,
                   kind=kinds.get(f.type, "text")) for f in fields]


_TRUE = {"true", "yes", "y", "1", "x", "✓", "ใช่", "มี"}
_FALSE = {"false", "no", "n", "0", "ไม่", "ไม่ใช่", "ไม่มี"}


def custom_value(kind: str, text: str) -> Any:
    """A custom field's cell as the JSON value the API takes (crmkit.custom.merge checks
    it, as for a create): numbers as numbers, a date as YYYY-MM-DD, a checkbox from yes/no
    words (Thai or English), a multi_select from a comma-separated list; what does not
    convert is passed as it is, for merge to name."""
    if kind == "number":
        try:
            return float(text.replace(",", "")) if "." in text or "e" in text.lower() \
                else int(text.replace(",", ""))
        except ValueError:
            return text
    if kind == "date":
        return text[:10] if len(text) >= 10 and text[4] == "-" else text
    if kind == "checkbox":
        low = text.casefold()
        return True if low in _TRUE else False if low in _FALSE else text
    if kind == "multi_select":
        return [part.strip() for part in text.split(",") if part.strip()]
    return text

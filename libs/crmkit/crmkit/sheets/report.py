"""The error report of an import: each failed row as read (its columns first, so the file
can be corrected and uploaded again as it is), its number, and what to fix in Thai and
English."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .imports import read_errors
from .mapping import Column
from .writer import write_xlsx

_EXTRA = [Column("row", "แถวที่", "Row", kind="number"),
          Column("fix_th", "สิ่งที่ต้องแก้ไข", "What to fix (Thai)"),
          Column("fix_en", "What to fix", "What to fix")]


def write_report(errors: Path, target: Path, names: Sequence[str]) -> int:
    columns = [Column(f"c{i}", n, n) for i, n in enumerate(names)] + _EXTRA
    headers = [*names, "แถวที่ / Row", "สิ่งที่ต้องแก้ไข", "What to fix"]
    return write_xlsx(target, columns, headers, _rows(errors, len(names)), sheet="errors")


def _rows(errors: Path, width: int) -> Iterator[list[Any]]:
    for e in read_errors(errors):
        cells = (e["cells"] + [""] * width)[:width]
        th = "; ".join(x["message_th"]
                       for x in e["errors"])
        en = "; ".join(f"{x['field']}: {x['message']}" for x in e["errors"])
        yield [*cells, e["row"], th, en]

"""Reading an uploaded spreadsheet safely: what the file really is, whether it is hostile,
and its rows, streamed.

Every check runs before a parser sees the file, in bounded memory and time:
- the kind comes from the bytes, not the name (a `.xlsx` that is a PDF is refused);
- an OLE file that holds an `EncryptedPackage` is a password-protected workbook;
- a zip (xlsx, ods) is refused when it would inflate past `max_unpacked` or by more than
  `max_ratio` to one (zip bombs), or when a part declares a DTD (billion laughs, XXE);
- the sheet XML is scanned, decompressed in chunks, for the rows and columns it claims
  (`<c r="XFD1048576">`, `table:number-rows-repeated`): a sheet past the row or column
  limit is refused before calamine would allocate its range.
CSV is decoded as UTF-8 (with or without BOM), UTF-16 (BOM) or, failing UTF-8, cp874
(TIS-620 with the Windows additions, which Thai Excel writes).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Literal, cast

import python_calamine

from ..errors import AppError

Kind = Literal["xlsx", "xls", "ods", "csv"]
Cell = str | int | float | bool | date | datetime | time | timedelta | None
MAX_COLUMNS = 200
_CHUNK = 1 << 20


class BadFile(AppError):
    status = 422
    code = "bad_file"

    def __init__(self, message: str, *, code: str, params: dict[str, object] | None = None):
        from ..errors import FieldError
        super().__init__(message, code=code, fields=[FieldError(
            field="body.file", message=message, code=code, params=params or {})])


@dataclass(frozen=True)
class Limits:
    max_rows: int = 200_000
    max_columns: int = MAX_COLUMNS
    max_unpacked: int = 400 * 1024 * 1024
    max_ratio: int = 200


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_EXTENSIONS: dict[str, Kind] = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls",
                                ".ods": "ods", ".csv": "csv", ".txt": "csv"}


def kind_of(path: Path, filename: str) -> Kind:
    """The file's kind, from its bytes, which must agree with its name."""
    suffix = Path(filename).suffix.lower()
    named = _EXTENSIONS.get(suffix)
    if named is None:
        raise BadFile(f"{filename!r}: not a spreadsheet name; send .xlsx, .xls, .ods or .csv",
                      code="unsupported_type", params={"name": filename})
    with path.open("rb") as f:
        head = f.read(8)
    if not head:
        raise BadFile("the file is empty", code="empty_file")
    if head.startswith(_ZIP):
        found: Kind = "ods" if _is_ods(path) else "xlsx"
    elif head == _OLE:
        if _ole_encrypted(path):
            raise BadFile("the workbook is password-protected; save it without a password "
                          "and upload it again", code="encrypted_file")
        found = "xls"
    elif b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile(f"{filename!r} is not a {named} file (binary content)",
                      code="wrong_type", params={"name": filename, "expected": named})
    else:
        found = "csv"
    if found != named:
        raise BadFile(f"{filename!r} is named .{named} but is a {found} file; give it its "
                      f"right name", code="wrong_type",
                      params={"name": filename, "expected": named, "found": found})
    return found


def _is_ods(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            if "mimetype" in z.namelist():
                return z.read("mimetype")[:100].startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet")
    except zipfile.BadZipFile:
        raise BadFile("the file is a damaged zip archive", code="damaged_file") from None
    return False


def _ole_encrypted(path: Path) -> bool:
    # The directory of a compound file names its streams in UTF-16; an encrypted OOXML
    # package is a compound file with an `EncryptedPackage` stream. Bounded: 50 MB at most.
    marker = "EncryptedPackage".encode("utf-16-le")
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK + len(marker)):
            if marker in chunk:
                return True
            if len(chunk) <= len(marker):
                break
            f.seek(-len(marker), io.SEEK_CUR)
    return False


# A sheet claims rows and columns with `<row r="N">` and `<c r="XFD1048576">` (calamine
# allocates the whole range between the first and the last cell). Cheap scans first: a cell
# past column ZZ or row 999,999 is refused at once; only references with two letters or six
# digits are compared with the limits.
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="([0-9]{1,7})"')
_FAR_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="(?:[A-Z]{3}|[A-Z]{1,2}[0-9]{7})')
_WIDE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{2})[0-9]')
_TALL_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="[A-Z]{1,2}([0-9]{6})"')
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse zip bombs and XML entity tricks; count what the sheets claim (xlsx)."""
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise BadFile("the file is a damaged zip archive", code="damaged_file") from None
    with z:
        infos = z.infolist()
        unpacked = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if unpacked > limits.max_unpacked or unpacked // packed > limits.max_ratio:
            raise BadFile("the file inflates to far more than a spreadsheet of its size "
                          "(a zip bomb?); it was not opened", code="zip_bomb",
                          params={"unpacked": unpacked, "packed": packed})
        for info in infos:
            if info.filename.endswith(".xml") or info.filename.endswith(".rels"):
                _scan_part(z, info, limits)


def _scan_part(z: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    sheet = info.filename.startswith("xl/worksheets/")
    tail = b""
    seen = 0
    with z.open(info) as part:
        while chunk := part.read(_CHUNK):
            seen += len(chunk)
            if seen > info.file_size + 1:  # the header lied about the size
                raise BadFile("the file's zip headers do not match its content",
                              code="damaged_file")
            data = tail + chunk
            if _DTD.search(data):
                raise BadFile("the file declares XML entities (a DTD), which spreadsheets "
                              "never need; it was not opened", code="xml_entities")
            if sheet:
                _check_refs(data, limits)
            tail = data[-200:]


def _check_refs(data: bytes, limits: Limits) -> None:
    far = _FAR_CELL.search(data)
    rows = _ROW_REF.findall(data) + _TALL_CELL.findall(data)
    if (far and far.group(0)[-1:].isdigit()) or (
            rows and max(map(int, rows)) > limits.max_rows + 1):
        raise too_many_rows(limits)
    wide = set(_WIDE_CELL.findall(data))
    if far or (wide and max(map(_col_number, wide)) > limits.max_columns):
        raise BadFile(f"the sheet has more than {limits.max_columns} columns; keep the "
                      f"columns to import and upload again", code="too_many_columns",
                      params={"max_columns": limits.max_columns})


def too_many_rows(limits: Limits) -> BadFile:
    return BadFile(f"the file has more than {limits.max_rows:,} rows, the most one import "
                   f"takes; split it into files of at most {limits.max_rows:,} rows",
                   code="too_many_rows", params={"max_rows": limits.max_rows})


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


class Workbook:
    """An uploaded file's sheets and rows (each row a list of cells, as calamine or the CSV
    reader gives them), read after the checks above."""

    def __init__(self, path: Path, filename: str, limits: Limits) -> None:
        self.path = path
        self.limits = limits
        self.kind = kind_of(path, filename)
        self._book: python_calamine.CalamineWorkbook | None = None
        self._sheets: dict[str, python_calamine.CalamineSheet] = {}
        self.encoding = ""
        if self.kind in ("xlsx", "ods"):
            check_zip(path, limits)
        if self.kind == "csv":
            self.encoding = detect_encoding(path)
        else:
            try:
                self._book = python_calamine.CalamineWorkbook.from_path(str(path))
            except python_calamine.PasswordError:
                raise BadFile("the workbook is password-protected; save it without a "
                              "password and upload it again", code="encrypted_file") from None
            except Exception as exc:  # calamine's errors: damaged or not what it says
                raise BadFile(f"the file could not be read as {self.kind}: {exc}"[:300],
                              code="damaged_file") from None

    @property
    def sheets(self) -> list[str]:
        return ["CSV"] if self._book is None else list(self._book.sheet_names)

    def rows(self, sheet: str | None = None) -> Iterator[list[Cell]]:
        """The sheet's rows (the first sheet by default), stopping with 422 past the limit."""
        source = self._csv_rows() if self._book is None else self._sheet_rows(sheet)
        limit = self.limits.max_rows + 1  # and the header
        for n, row in enumerate(source):
            if n >= limit:
                raise too_many_rows(self.limits)
            if len(row) > self.limits.max_columns:
                row = row[:self.limits.max_columns]
            yield row

    def height(self, sheet: str | None = None) -> int:
        """Rows in the sheet (header included)."""
        if self._book is None:
            limit = self.limits.max_rows + 1
            n = sum(1 for _ in itertools.islice(self._csv_rows(), limit + 1))
            if n > limit:
                raise too_many_rows(self.limits)
            return n
        return int(self._sheet(sheet).height)

    def _sheet(self, sheet: str | None) -> python_calamine.CalamineSheet:
        assert self._book is not None
        name = sheet or self.sheets[0]
        if name in self._sheets:
            return self._sheets[name]
        if name not in self.sheets:
            raise BadFile(f"no sheet named {name!r}; the file has {', '.join(self.sheets)}",
                          code="no_such_sheet", params={"sheets": self.sheets})
        try:
            found = self._book.get_sheet_by_name(name)
        except Exception as exc:  # calamine's errors (XML, zip, damaged records)
            raise BadFile(f"the sheet could not be read: {exc}"[:300],
                          code="damaged_file") from None
        if found.height > self.limits.max_rows + 1:
            raise too_many_rows(self.limits)
        if found.width > self.limits.max_columns:
            raise BadFile(f"the sheet has more than {self.limits.max_columns} columns; keep "
                          f"the columns to import and upload again", code="too_many_columns",
                          params={"max_columns": self.limits.max_columns})
        self._sheets[name] = found
        return found

    def _sheet_rows(self, sheet: str | None) -> Iterator[list[Cell]]:
        for row in self._sheet(sheet).iter_rows():
            yield cast(list[Cell], row)

    def _csv_rows(self) -> Iterator[list[Cell]]:
        with self.path.open(encoding=self.encoding, newline="", errors="strict") as f:
            try:
                first = f.readline(64 * 1024)
                f.seek(0)
                # The header's most frequent separator (Excel writes `;` in some locales,
                # tabs for "Unicode text"); csv.Sniffer is slow and often unsure.
                delimiter = max(",;\t|", key=first.count) if first else ","
                csv.field_size_limit(64 * 1024)
                yield from csv.reader(f, delimiter=delimiter)
            except (csv.Error, UnicodeDecodeError) as exc:
                raise BadFile(f"the CSV could not be read: {exc}"[:300],
                              code="damaged_file") from None


def detect_encoding(path: Path) -> str:
    """UTF-8 (BOM or none), UTF-16 (BOM), else cp874; decoded in chunks, never whole."""
    with path.open("rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        f.seek(0)
        thai = codecs.getincrementaldecoder("cp874")()
        try:
            while chunk := f.read(_CHUNK):
                thai.decode(chunk)
        except UnicodeDecodeError:
            raise BadFile("the CSV is neither UTF-8, UTF-16 nor Thai Windows (cp874) text; "
                          "save it as CSV UTF-8", code="unknown_encoding") from None
        return "cp874"

"""crmkit.sheets: reading real files (xlsx, ods, csv in UTF-8/UTF-16/cp874), the header and
mapping found from Thai and English headers, hostile files refused quickly with a clear
code, and exports with no formula from user data."""

from __future__ import annotations

import csv
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
import pytest

import crmkit.testing.sheets as make
from crmkit.sheets.files import BadFile, Limits, Workbook
from crmkit.sheets.mapping import Column, detect_header, header_names, suggest
from crmkit.sheets.writer import XLSX_TEXT_LIMIT, write_csv, write_xlsx

pytestmark = pytest.mark.unit

COLUMNS = [Column("name", "ชื่อ", "Name", ("ชื่อลูกค้า",)),
           Column("phone", "เบอร์โทร", "Phone", ("โทรศัพท์มือถือ", "mobile")),
           Column("email", "อีเมล", "Email"),
           Column("company", "ชื่อบริษัท", "Company"),
           Column("custom.province", "จังหวัด", "Province")]
ROWS = [["คุณสมศรี มีสุข", "0812345678", "somsri@example.co.th", "บริษัท ก้าวหน้า จำกัด"],
        ["นายกิ่ง ก้านทอง", "๐๘๑-๒๓๔-๕๖๗๘", "king@example.com", ""]]


def _read(path, name, limits=Limits()):
    book = Workbook(path, name, limits)
    return book, list(book.rows())


def test_xlsx_thai_header_below_a_title(tmp_path):
    path = make.xlsx(tmp_path / "a.xlsx", [["ชื่อลูกค้า", "โทรศัพท์มือถือ", "E-mail", "ชื่อบริษัท",
                                           "จังหวัด"], *ROWS], title="รายชื่อลูกค้างานแฟร์ 2568")
    book, rows = _read(path, "ลูกค้า.xlsx")
    assert book.kind == "xlsx" and book.sheets == ["ลูกค้า"]
    at = detect_header(rows, COLUMNS)
    assert at == 1
    assert suggest(rows[at], COLUMNS) == {"ชื่อลูกค้า": "name", "โทรศัพท์มือถือ": "phone",
                                          "E-mail": "email", "ชื่อบริษัท": "company",
                                          "จังหวัด": "custom.province"}
    assert rows[2][0] == "คุณสมศรี มีสุข" and rows[2][1] == "0812345678"


def test_ods_as_libreoffice_writes_it(tmp_path):
    path = make.ods(tmp_path / "a.ods", [["ชื่อ", "เบอร์โทร", "อีเมล"], ROWS[0][:3]])
    started = time.perf_counter()
    book, rows = _read(path, "a.ods")
    assert time.perf_counter() - started < 5  # the repeated trailing rows are not expanded
    assert book.kind == "ods"
    data = [r for r in rows if any(r)]
    assert data[0][:3] == ["ชื่อ", "เบอร์โทร", "อีเมล"]
    assert data[1][:3] == ROWS[0][:3]


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"),
    ("cp874", "cp874")])
def test_csv_encodings_detected_thai_intact(tmp_path, encoding, expected):
    rows = [["ชื่อ", "เบอร์โทร", "อีเมล"], ["นายกิ่ง ก้านทอง", "0812345678", "king@example.com"]]
    path = make.csv_file(tmp_path / "a.csv", rows, encoding)
    book, got = _read(path, "a.csv")
    assert book.encoding == expected
    assert got == rows


def test_header_names_for_blank_and_repeated():
    assert header_names(["ชื่อ", None, "ชื่อ", "อีเมล"]) == ["ชื่อ", "column 2", "column 3", "อีเมล"]


@pytest.mark.parametrize("build,code", [
    (make.zip_bomb, "zip_bomb"),
    (make.billion_laughs, "xml_entities"),
    (make.xxe, "xml_entities"),
    (lambda t: make.claims_grid(t, rows=True), "too_many_rows"),
    (lambda t: make.claims_grid(t, rows=False), "too_many_columns"),
    (make.encrypted, "encrypted_file"),
])
def test_hostile_files_refused_fast(tmp_path, build, code):
    path = build(tmp_path)
    started = time.perf_counter()
    with pytest.raises(BadFile) as exc:
        _read(path, path.name)
    assert time.perf_counter() - started < 2
    assert exc.value.code == code and exc.value.fields[0].field == "body.file"


def test_wrong_type_empty_and_row_limit(tmp_path):
    pdf = tmp_path / "list.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n" + b"x" * 100)
    with pytest.raises(BadFile) as exc:
        _read(pdf, "list.xlsx")
    assert exc.value.code == "wrong_type"
    xlsx_as_csv = make.xlsx(tmp_path / "real.xlsx", [["ชื่อ"], ["a"]])
    with pytest.raises(BadFile) as exc:
        _read(xlsx_as_csv, "data.csv")
    assert exc.value.code == "wrong_type"
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(BadFile) as exc:
        _read(empty, "empty.csv")
    assert exc.value.code == "empty_file"
    many = make.csv_file(tmp_path / "many.csv", [["ชื่อ"]] + [[f"n{i}"] for i in range(11)],
                         "utf-8")
    with pytest.raises(BadFile) as exc:
        _read(many, "many.csv", Limits(max_rows=10))
    assert exc.value.code == "too_many_rows" and "10" in exc.value.message


NASTY = ["=HYPERLINK(\"http://evil.example\",\"คลิก\")", "+66812345678", "-1+1", "@SUM(A1)",
         "\tTAB", "\rCR", "0812345678", "0105536000000"]


def test_xlsx_export_has_no_formula_and_keeps_leading_zeros(tmp_path):
    cols = [Column("name", "ชื่อ", "Name"), Column("potential", "มูลค่า", "Value", kind="money")]
    path = tmp_path / "out.xlsx"
    n = write_xlsx(path, cols, ["ชื่อ", "มูลค่า"], [[v, 1500.5] for v in NASTY])
    assert n == len(NASTY)
    ws = openpyxl.load_workbook(path).active
    values = [row for row in ws.iter_rows(min_row=2, values_only=False)]
    for (name, money), expected in zip(values, NASTY, strict=True):
        # text, never a formula (XlsxWriter writes a CR as Excel's escape _x000D_, which
        # Excel reads back as CR; openpyxl leaves it escaped)
        assert name.data_type == "s"
        assert name.value.replace("_x000D_", "\r") == expected
        assert money.value == 1500.5 and "฿" in money.number_format
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_xlsx_export_cells_by_kind(tmp_path):
    """Each kind of value as a real cell: money a number in baht, datetimes Excel dates in
    UTC, a date column's ISO text a date, phones and tax IDs text with their zeros,
    booleans booleans, lists joined, UUIDs text, a text past Excel's limit cut to it, XML's
    forbidden control characters escaped (not an error), a number in a text column text."""
    cols = [Column("phone", "เบอร์โทร", "Phone", kind="phone"),
            Column("potential", "มูลค่า", "Value", kind="money"),
            Column("created_at", "สร้างเมื่อ", "Created", kind="datetime"),
            Column("custom.due", "กำหนด", "Due", kind="date"),
            Column("custom.ok", "ยืนยัน", "OK", kind="checkbox"),
            Column("custom.tags", "แท็ก", "Tags", kind="multi_select"),
            Column("owner_id", "ผู้รับผิดชอบ", "Owner"),
            Column("note", "หมายเหตุ", "Note"),
            Column("custom.n", "จำนวน", "Count", kind="number")]
    owner = uuid.uuid4()
    bangkok = timezone(timedelta(hours=7))
    rows = [["0812345678", Decimal("1234.50"), datetime(2026, 12, 7, 17, 30, tzinfo=bangkok),
             "2026-01-02", True, ["ก", "ข"], owner, "x" * (XLSX_TEXT_LIMIT + 10), 3],
            ["+66812345678", 99, datetime(2026, 12, 7, 10, 30, tzinfo=UTC), "not a date",
             False, [], None, "a\x01b", 2.5],
            ["0105536000000", None, None, None, None, None, None, 42, None]]
    path = tmp_path / "kinds.xlsx"
    assert write_xlsx(path, cols, [c.label_th for c in cols], rows) == 3
    ws = openpyxl.load_workbook(path).active
    header, first, second, third = ws.iter_rows(max_row=4)
    assert [c.value for c in header] == [c.label_th for c in cols]
    assert all(c.font.b for c in header) and ws.freeze_panes == "A2"
    phone, money, created, due, ok, tags, who, note, n = first
    assert (phone.value, phone.data_type) == ("0812345678", "s")
    assert money.value == 1234.5 and money.data_type == "n" and "฿" in money.number_format
    assert created.value == datetime(2026, 12, 7, 10, 30)  # 17:30 in Bangkok, in UTC
    assert created.is_date and "hh:mm" in created.number_format
    assert due.value == datetime(2026, 1, 2) and due.is_date
    assert ok.value is True and tags.value == "ก, ข" and who.value == str(owner)
    assert note.value == "x" * XLSX_TEXT_LIMIT and n.value == 3
    assert second[0].value == "+66812345678" and second[1].value == 99
    assert second[2].value == datetime(2026, 12, 7, 10, 30)
    assert (second[3].value, second[3].data_type) == ("not a date", "s")
    assert second[4].value is False and second[5].value is None and second[6].value is None
    assert second[7].value.replace("_x0001_", "\x01") == "a\x01b" and second[8].value == 2.5
    assert third[0].value == "0105536000000" and third[7].value == "42"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_xlsx_export_without_rows_and_with_a_repeated_header(tmp_path):
    cols = [Column("name", "ชื่อ", "Name"), Column("custom.name", "ชื่อ", "Name")]
    empty = tmp_path / "empty.xlsx"
    assert write_xlsx(empty, cols, ["ชื่อ", "ชื่อ"], iter([])) == 0
    assert [[c.value for c in r] for r in openpyxl.load_workbook(empty).active.iter_rows()] \
        == [["ชื่อ", "ชื่อ"]]
    two = tmp_path / "two.xlsx"
    assert write_xlsx(two, cols, ["ชื่อ", "ชื่อ"], [["ก", "ข"]]) == 1
    assert [[c.value for c in r] for r in openpyxl.load_workbook(two).active.iter_rows()] \
        == [["ชื่อ", "ชื่อ (2)"], ["ก", "ข"]]


def test_csv_export_neutralised_with_bom(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(path, ["ชื่อ"], [[v] for v in NASTY])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as f:
        got = [r[0] for r in csv.reader(f)][1:]
    for value, original in zip(got, NASTY, strict=True):
        if original[0] in "=+-@\t\r":
            assert value == "'" + original
        else:
            assert value == original

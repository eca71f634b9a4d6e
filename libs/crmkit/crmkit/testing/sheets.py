"""Real spreadsheet files made for the tests: ordinary ones (XlsxWriter, a LibreOffice-
style .ods, CSV in each encoding) and hostile ones (zip bomb, billion laughs, XXE, a sheet
claiming the whole grid, password-protected, misnamed)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter

THAI_HEADER = ["ชื่อ", "เบอร์โทร", "อีเมล", "ชื่อบริษัท", "หมายเหตุ", "ที่มา"]


def xlsx(path: Path, rows: list[list[object]], *, title: str | None = None,
         sheet: str = "ลูกค้า") -> Path:
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                           "strings_to_formulas": False})
    ws = book.add_worksheet(sheet)
    start = 0
    if title:
        ws.write_string(0, 0, title)
        start = 1
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                ws.write_string(start + r, c, value)
            elif value is not None:
                ws.write(start + r, c, value)
    book.close()
    return path


_ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_TYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>")


def ods(path: Path, rows: list[list[str]], *, sheet: str = "Sheet1") -> Path:
    """As LibreOffice writes it: mimetype first and stored, trailing empty cells and rows
    as one element repeated to the sheet's end."""
    body = []
    for row in rows:
        cells = "".join(f'<table:table-cell office:value-type="string"><text:p>{v}</text:p>'
                        f"</table:table-cell>" for v in row)
        body.append(f"<table:table-row>{cells}<table:table-cell "
                    f'table:number-columns-repeated="{1024 - len(row)}"/></table:table-row>')
    body.append('<table:table-row table:number-rows-repeated="1048570"><table:table-cell '
                'table:number-columns-repeated="1024"/></table:table-row>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">'
        + "".join(body) + "</table:table></office:spreadsheet></office:body>"
        "</office:document-content>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"),
                   "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def csv_file(path: Path, rows: list[list[str]], encoding: str) -> Path:
    text = "\r\n".join(",".join(row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def _rewrite(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = replace.get(info.filename, src.read(info))
            out.writestr(info.filename, data)
    return target


def zip_bomb(tmp: Path) -> Path:
    """A valid workbook whose sheet inflates by ~1000 to one (64 MB of blanks)."""
    base = xlsx(tmp / "base.xlsx", [["ชื่อ"], ["a"]])
    target = tmp / "bomb.xlsx"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w",
                                                       zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with out.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
                    part.write(src.read(info)[:-len("</worksheet>")])
                    chunk = b" " * (1 << 20)
                    for _ in range(64):
                        part.write(chunk)
                    part.write(b"</worksheet>")
            else:
                out.writestr(info, src.read(info))
    return target


def billion_laughs(tmp: Path) -> Path:
    base = xlsx(tmp / "base.xlsx", [["ชื่อ"], ["a"]])
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    sheet = (b'<?xml version="1.0"?><!DOCTYPE worksheet [' + "".join(lol).encode()
             + b']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
               b'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is>'
               b"</c></row></sheetData></worksheet>")
    return _rewrite(base, tmp / "laughs.xlsx", {"xl/worksheets/sheet1.xml": sheet})


def xxe(tmp: Path) -> Path:
    base = xlsx(tmp / "base.xlsx", [["ชื่อ"], ["a"]])
    strings = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
               b'count="1" uniqueCount="1"><si><t>&x;</t></si></sst>')
    return _rewrite(base, tmp / "xxe.xlsx", {"xl/sharedStrings.xml": strings})


def claims_grid(tmp: Path, *, rows: bool) -> Path:
    """One real cell, and one at the grid's last row (or column): calamine would allocate
    the whole range between them."""
    far = "A1048576" if rows else "XFD1"
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:' + far + '"/>'
             '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>ชื่อ</t></is></c></row>'
             f'<row r="{far[1:] if rows else 1}"><c r="{far}" t="inlineStr"><is><t>x</t>'
             "</is></c></row></sheetData></worksheet>").encode()
    base = xlsx(tmp / "base.xlsx", [["ชื่อ"]])
    return _rewrite(base, tmp / ("tall.xlsx" if rows else "wide.xlsx"),
                    {"xl/worksheets/sheet1.xml": sheet})


def encrypted(tmp: Path) -> Path:
    """What Excel saves with a password: an OLE compound file holding `EncryptedInfo` and
    `EncryptedPackage` streams (their directory entries, in UTF-16, are what gives it
    away; the content here is random, as ciphertext is)."""
    import os
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64
                       for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    path = tmp / "locked.xlsx"
    path.write_bytes(bytes(header) + entries + os.urandom(4096))
    return path

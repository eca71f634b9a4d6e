"""The PDF renderer in this process and in its workers: Sarabun embedded and nothing else,
a text layer that reads back what is printed (บาท beside จำ, น้ำ), Thai wrapped at word
boundaries, hostile text shown as text and nothing fetched, a render bounded in time."""

from __future__ import annotations

import http.server
import subprocess
import threading
from datetime import date
from decimal import Decimal

import pytest

from tidtam_documents.pdf import html2pdf
from tidtam_documents.pdf.render import Party, quote_html
from tidtam_documents.pdf.workers import Renderer

pytestmark = pytest.mark.integration  # pdftotext and pdffonts run as programs


def text_of(pdf: bytes) -> str:
    """The text layer in content order (`-raw`): pdftotext's default layout mode re-sorts
    glyphs by position and can move a stacked mark (สั่ง → ส่งั) whatever the PDF says."""
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


def fonts_of(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    return [line.split()[0] for line in out.stdout.decode().splitlines()[2:]]


def test_the_text_layer_reads_back_what_is_printed():
    words = "จำนวนเงิน หนึ่งพันบาทถ้วน น้ำ ค่ำ ต่ำ ซ้ำ บาท ทำงาน กำไร"
    pdf = html2pdf.render(f"<p>{words}</p><p><b>{words}</b></p>")
    lines = [x for x in text_of(pdf).splitlines() if x.strip()]
    assert lines == [words, words]
    assert all(f.split("+")[1].startswith("TidtamSarabun") for f in fonts_of(pdf))
    assert len(fonts_of(pdf)) == 2  # regular and bold, no fallback font


# Unspaced Thai made of these words, in this order: a line may end only between two.
WORDS = ["บริษัท", "ของ", "เรา", "ให้", "บริการ", "ติดตั้ง", "ระบบ", "กล้อง", "วงจร", "ปิด",
         "พร้อม", "ดูแล", "รักษา", "ตลอด", "ระยะ", "เวลา", "สัญญา", "โดย", "ทีม", "ช่าง",
         "ผู้", "เชี่ยวชาญ", "ที่", "มี", "ประสบการณ์", "มาก", "กว่า", "สิบ", "ปี"]


def test_thai_wraps_at_word_boundaries():
    text = "".join(WORDS * 3)
    pdf = html2pdf.render(f'<p style="width: 60mm">{text}</p>')
    lines = [x.strip() for x in text_of(pdf).splitlines() if x.strip()]
    assert len(lines) > 3, lines
    assert "".join(lines) == text
    ends, at = set(), 0
    for word in WORDS * 3:
        at += len(word)
        ends.add(at)
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in ends, f"a line broke inside a word: {line!r}"


class _Counting(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        _Counting.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Counting.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _quote(notes: str, description: str):
    line = {"description": description, "quantity": Decimal(1), "unit": "ชิ้น",
            "unit_price": Decimal("100.00"), "discount": Decimal(0), "amount": Decimal("100"),
            "vat_type": "vat7"}
    return {"number": "QT2569-0001", "issue_date": date(2026, 3, 7), "valid_until": None,
            "lines": [line], "subtotal": Decimal(100), "bill_discount": Decimal(0),
            "before_vat": Decimal(100), "vat_rate": Decimal(7), "vat": Decimal(7),
            "grand_total": Decimal(107), "wht": Decimal(0), "wht_rate": None,
            "net_payable": Decimal(107), "amount_in_words": "หนึ่งร้อยเจ็ดบาทถ้วน",
            "notes": notes}


def test_hostile_text_is_shown_as_text_and_nothing_is_fetched(web):
    notes = (f'<img src="file:///etc/passwd"><img src="{web}/img">'
             f'<style>html {{ background: url({web}/css) }}</style>')
    description = f'<link rel="stylesheet" href="{web}/link">url({web}/inline)'
    html = quote_html(_quote(notes, description), customer=Party(name="<b>ลูกค้า</b>"),
                      seller=Party(name=""), salesperson=Party(name="มานะ"), preview=False)
    pdf = html2pdf.render(html)
    text = text_of(pdf).replace("\n", "")
    assert '<img src="file:///etc/passwd">' in text
    assert f"url({web}/inline)" in text and f"url({web}/css)" in text
    assert "ผู้อนุมัติสั่งซื้อ" in text
    assert "<b>ลูกค้า</b>" in text
    assert "root:" not in text
    assert _Counting.hits == []


def test_the_fetcher_refuses_files_and_the_network(web):
    fetcher = html2pdf.AssetFetcher()
    for url in ("file:///etc/passwd", f"{web}/x", "ftp://example.com/x"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.refused == ["file:///etc/passwd", f"{web}/x", "ftp://example.com/x"]
    # Markup that tries (not from our templates, which escape): rendered, nothing fetched.
    pdf = html2pdf.render(f'<img src="file:///etc/passwd"><img src="{web}/a">'
                          f'<link rel="stylesheet" href="{web}/b"><p>ok</p>')
    assert "ok" in text_of(pdf)
    assert _Counting.hits == []


async def test_a_render_past_its_time_limit_is_stopped_and_the_next_one_works():
    renderer = Renderer(processes=1, timeout=0.5, memory_mb=0)
    try:
        huge = "<table>" + "<tr><td>ติดตาม</td></tr>" * 200000 + "</table>"
        from crmkit.errors import ServiceUnavailable

        with pytest.raises(ServiceUnavailable) as err:
            await renderer.render(huge)
        assert err.value.code == "render_timeout"
        renderer.timeout = 60
        assert "ติดตาม" in text_of(await renderer.render("<p>ติดตาม</p>"))
    finally:
        renderer.close()

"""The README's pictures of a quotation and a tax invoice: rendered by the documents
service's own templates and renderer, then rasterised with pdftoppm.

    .venv/bin/python scripts/document_pictures.py    # writes docs/images/*.png
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from documents import one_page_quote  # noqa: E402

from tidtam_documents.pdf import html2pdf  # noqa: E402
from tidtam_documents.pdf.render import tax_invoice_html  # noqa: E402


def tax_invoice() -> str:
    lines = [{"description": "ค่าบริการติดตั้งระบบกล้องวงจรปิด", "quantity": "2", "unit": "จุด",
              "unit_price": "3500.00", "amount": "7000.00", "vat_type": "vat7"},
             {"description": "ค่าเดินทาง", "quantity": "1", "unit": "เที่ยว",
              "unit_price": "500.00", "amount": "500.00", "vat_type": "exempt"}]
    invoice = {"number": "TX2569-0001", "issue_date": date(2026, 3, 7),
               "seller": {"name": "บริษัท ติดตาม โซลูชั่น จำกัด",
                          "address": "88 อาคารสาทรซิตี้ ชั้น 12 ถนนสาทรใต้ แขวงทุ่งมหาเมฆ "
                                     "เขตสาทร กรุงเทพมหานคร 10120",
                          "tax_id": "0105561000011", "branch_label": "สำนักงานใหญ่"},
               "buyer": {"name": "บริษัท ลูกค้าดี จำกัด",
                         "address": "99/1 ถนนสุขุมวิท คลองเตยเหนือ วัฒนา กรุงเทพมหานคร 10110",
                         "tax_id": "0105558000006", "branch_label": "สาขาที่ 00001"},
               "lines": lines, "before_vat": "7500.00", "vat_rate": "7.00", "vat": "490.00",
               "grand_total": "7990.00", "amount_in_words": "เจ็ดพันเก้าร้อยเก้าสิบบาทถ้วน"}
    return tax_invoice_html(invoice, copy=False)


def picture(html: str, name: str) -> None:
    out = ROOT / "docs" / "images" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "doc.pdf"
        pdf.write_bytes(html2pdf.render(html))
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(pdf),
                        str(out.with_suffix(""))], check=True)
    print(out.relative_to(ROOT))


if __name__ == "__main__":
    picture(one_page_quote(), "quotation.png")
    picture(tax_invoice(), "tax-invoice.png")

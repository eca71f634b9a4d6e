"""The README's pictures of a quotation, an invoice, a tax invoice and a credit note:
rendered by the documents service's own templates and renderer, then rasterised with
pdftoppm.

    .venv/bin/python scripts/document_pictures.py    # writes docs/images/*.png
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from documents import one_page_quote  # noqa: E402

from tidtam_documents.pdf import html2pdf  # noqa: E402
from tidtam_documents.pdf.render import (  # noqa: E402
    Party,
    credit_note_html,
    quote_html,
    tax_invoice_html,
)

SELLER = {"name": "บริษัท ติดตาม โซลูชั่น จำกัด",
          "address": "88 อาคารสาทรซิตี้ ชั้น 12 ถนนสาทรใต้ แขวงทุ่งมหาเมฆ เขตสาทร "
                     "กรุงเทพมหานคร 10120",
          "tax_id": "0105561000011", "branch_label": "สำนักงานใหญ่"}
BUYER = {"name": "บริษัท ลูกค้าดี จำกัด",
         "address": "99/1 ถนนสุขุมวิท คลองเตยเหนือ วัฒนา กรุงเทพมหานคร 10110",
         "tax_id": "0105558000006", "branch_label": "สาขาที่ 00001"}


def tax_invoice() -> str:
    lines = [{"description": "ค่าบริการติดตั้งระบบกล้องวงจรปิด", "quantity": "2", "unit": "จุด",
              "unit_price": "3500.00", "amount": "7000.00", "vat_type": "vat7"},
             {"description": "ค่าเดินทาง", "quantity": "1", "unit": "เที่ยว",
              "unit_price": "500.00", "amount": "500.00", "vat_type": "exempt"}]
    invoice = {"number": "TX2569-0001", "issue_date": date(2026, 3, 7),
               "seller": SELLER, "buyer": BUYER,
               "lines": lines, "before_vat": "7500.00", "vat_rate": "7.00", "vat": "490.00",
               "grand_total": "7990.00", "amount_in_words": "เจ็ดพันเก้าร้อยเก้าสิบบาทถ้วน"}
    return tax_invoice_html(invoice, copy=False)


def invoice() -> str:
    """The invoice of the tax invoice's sale: the quotation's page, due date for validity."""
    lines = [{"description": "ค่าบริการติดตั้งระบบกล้องวงจรปิด", "quantity": Decimal(2),
              "unit": "จุด", "unit_price": Decimal("3500.00"), "discount": Decimal(0),
              "amount": Decimal("7000.00"), "vat_type": "vat7"},
             {"description": "ค่าเดินทาง", "quantity": Decimal(1), "unit": "เที่ยว",
              "unit_price": Decimal("500.00"), "discount": Decimal(0),
              "amount": Decimal("500.00"), "vat_type": "exempt"}]
    inv = {"number": "IV2569-0001", "quote_number": "QT2569-0001",
           "issue_date": date(2026, 3, 7), "due_date": date(2026, 4, 6), "credit_days": 30,
           "lines": lines, "subtotal": Decimal("7500.00"), "bill_discount": None,
           "before_vat": Decimal("7500.00"), "vat_rate": Decimal(7), "vat": Decimal("490.00"),
           "grand_total": Decimal("7990.00"), "wht_rate": None, "wht": None,
           "net_payable": Decimal("7990.00"), "amount_in_words": "เจ็ดพันเก้าร้อยเก้าสิบบาทถ้วน",
           "notes": "ชำระโดยโอนเงินเข้าบัญชีบริษัทภายในวันครบกำหนด"}
    return quote_html(inv, customer=Party(**BUYER), seller=Party(**SELLER),
                      salesperson=Party(name="มานะ ขายเก่ง", email="mana@example.co.th"),
                      preview=False, kind="invoice")


def credit_note() -> str:
    note = {"number": "CN2569-0001", "issue_date": date(2026, 3, 20),
            "tax_invoice_number": "TX2569-0001", "tax_invoice_date": date(2026, 3, 7),
            "reason": "กล้องชำรุด 1 จุด ลูกค้าส่งคืน", "seller": SELLER, "buyer": BUYER,
            "lines": [{"description": "ค่าบริการติดตั้งระบบกล้องวงจรปิด", "quantity": "1",
                       "unit": "จุด", "unit_price": "3500.00", "amount": "3500.00",
                       "vat_type": "vat7"}],
            "original_value": "7500.00", "difference": "3500.00", "correct_value": "4000.00",
            "vat_rate": "7.00", "vat": "245.00", "total": "3745.00",
            "amount_in_words": "สามพันเจ็ดร้อยสี่สิบห้าบาทถ้วน"}
    return credit_note_html(note, copy=False)


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
    picture(invoice(), "invoice.png")
    picture(tax_invoice(), "tax-invoice.png")
    picture(credit_note(), "credit-note.png")

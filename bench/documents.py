"""Documents benchmark: prints figures, asserts nothing.

    make bench-documents    # or: .venv/bin/python bench/documents.py [--renders 60]

1. one A4 quotation (10 lines, Thai text, Sarabun) rendered to PDF in this process, after a
   warm-up: median and p99 ms (the work each render worker does per document);
2. the same quotation through the service's render pool (pdf/workers.py, spawn processes,
   one per core by default) with as many documents in flight: PDFs per second.
Prints the load average too: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from datetime import date
from decimal import Decimal

from tidtam_documents.money.bahttext import bahttext
from tidtam_documents.pdf import html2pdf
from tidtam_documents.pdf.render import Party, quote_html
from tidtam_documents.pdf.workers import Renderer

ITEMS = ["กล้องวงจรปิดความละเอียดสูง 4 ล้านพิกเซล", "เครื่องบันทึกภาพ 8 ช่อง พร้อมฮาร์ดดิสก์",
         "สายสัญญาณและอุปกรณ์ติดตั้ง", "ค่าแรงติดตั้งและเดินสาย", "บริการดูแลรักษารายปี"]


def one_page_quote() -> str:
    lines = [{"description": ITEMS[i % len(ITEMS)], "quantity": Decimal(1 + i % 3),
              "unit": "ชุด", "unit_price": Decimal("2500.00"), "discount": Decimal(0),
              "amount": Decimal(2500 * (1 + i % 3)), "vat_type": "vat7"} for i in range(10)]
    total = Decimal("50000.00")
    quote = {"number": "QT2569-0001", "issue_date": date(2026, 3, 7),
             "valid_until": date(2026, 4, 6), "lines": lines, "subtotal": total,
             "bill_discount": Decimal(0), "before_vat": total, "vat_rate": Decimal(7),
             "vat": Decimal("3500.00"), "grand_total": Decimal("53500.00"), "wht": Decimal(0),
             "wht_rate": None, "net_payable": Decimal("53500.00"),
             "amount_in_words": bahttext(Decimal("53500.00")),
             "notes": "ราคานี้รวมค่าติดตั้งแล้ว ยืนราคา 30 วัน ชำระเงินภายใน 30 วันหลังส่งมอบงาน"}
    return quote_html(quote, customer=Party(name="บริษัท ลูกค้าดี จำกัด",
                                            address="99/1 ถนนสุขุมวิท วัฒนา กรุงเทพมหานคร 10110",
                                            tax_id="0105558000006",
                                            branch_label="สำนักงานใหญ่"),
                      seller=Party(name="บริษัท ติดตาม โซลูชั่น จำกัด",
                                   address="88 อาคารสาทรซิตี้ ชั้น 12 ถนนสาทรใต้ เขตสาทร "
                                           "กรุงเทพมหานคร 10120",
                                   tax_id="0105561000011", branch_label="สำนักงานใหญ่"),
                      salesperson=Party(name="มานะ ขายเก่ง",
                                                               email="mana@example.co.th"),
                      preview=False)


def in_process(html: str, renders: int) -> None:
    html2pdf.warm()
    html2pdf.render(html)
    times = []
    for _ in range(renders):
        start = time.perf_counter()
        html2pdf.render(html)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, round(len(times) * 0.99) - 1)]
    print(f"one-page quotation, in one process: median {statistics.median(times):.0f} ms, "
          f"p99 {p99:.0f} ms ({renders} renders)")


async def pooled(html: str, workers: int, documents: int) -> None:
    renderer = Renderer(processes=workers, timeout=60, memory_mb=0)
    try:
        await asyncio.gather(*[renderer.render(html) for _ in range(workers * 2)])  # warm
        start = time.perf_counter()
        await asyncio.gather(*[renderer.render(html) for _ in range(documents)])
        took = time.perf_counter() - start
        print(f"render pool of {workers} processes: {documents / took:.1f} PDFs/s "
              f"({documents} documents in {took:.1f} s)")
    finally:
        renderer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--documents", type=int, default=100)
    args = parser.parse_args()
    html = one_page_quote()
    print(f"cores {os.cpu_count()}, load average before: "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    in_process(html, args.renders)
    asyncio.run(pooled(html, args.workers, args.documents))
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""What documents print: Buddhist Era dates ("7 มีนาคม 2569"), amounts ("1,234.50") and,
when the tenant prefers them, Thai digits."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

MONTHS = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม",
          "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม")
THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def be_date(day: date | None) -> str:
    if day is None:
        return ""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year + 543}"


def baht(amount: Decimal | str | None) -> str:
    if amount is None:
        return ""
    return f"{Decimal(amount):,.2f}"


def quantity(value: Decimal | str) -> str:
    """2 → "2", 1.500 → "1.5"."""
    text = f"{Decimal(value):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def thai_digits(text: str) -> str:
    return text.translate(THAI_DIGITS)

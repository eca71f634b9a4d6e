"""An amount of baht in Thai words (the line under a document's total).

num2words rounds half-up to the satang and accepts Decimal (THAI.md: the PyPI `bahttext`
package gets 0.01 wrong, pythainlp's rejects Decimal); the golden tests pin its output."""

from __future__ import annotations

from decimal import Decimal

from num2words import num2words


def bahttext(amount: Decimal) -> str:
    """`Decimal("1000001.25")` → "หนึ่งล้านเอ็ดบาทยี่สิบห้าสตางค์"."""
    if amount < 0:
        raise ValueError("bahttext takes an amount of 0 or more")
    return str(num2words(amount, lang="th", to="currency"))

"""A document's totals from its lines: pure arithmetic on Decimal, no I/O.

Order (THAI.md): each line's gross (quantity × unit price, half-up to the satang) less its
line discount (a percent or an amount); the bill discount (a percent or an amount) is shared
over the VAT groups in proportion to their bases, the last group taking the rounding
remainder so the parts add up exactly; VAT at the dated rate on the discounted `vat7` base,
half-up to 2 places; withholding tax on the whole pre-VAT amount, its own line, none when
that amount is under 1,000 baht; net payable = grand total − WHT."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

VatType = Literal["vat7", "zero", "exempt"]
VAT_TYPES: tuple[VatType, ...] = ("vat7", "zero", "exempt")
WHT_RATES = (Decimal(1), Decimal(2), Decimal(3), Decimal(5))
WHT_THRESHOLD = Decimal(1000)
SATANG = Decimal("0.01")
HUNDRED = Decimal(100)
# The standard rate is 10 % by law; a royal decree, renewed every year or two, has kept it
# at 7 % since 1 April 1999. A dated table, so an old document keeps the rate of its day.
VAT_RATES: tuple[tuple[date, Decimal], ...] = ((date(1999, 4, 1), Decimal(7)),)


class TotalsError(ValueError):
    """A discount larger than what it discounts, a bad WHT rate: `field` names the input."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def satang(value: Decimal) -> Decimal:
    return value.quantize(SATANG, rounding=ROUND_HALF_UP)


def vat_rate_on(day: date) -> Decimal:
    rates = [rate for since, rate in VAT_RATES if since <= day]
    if not rates:
        raise TotalsError("issue_date", f"no VAT rate is known for {day.isoformat()}")
    return rates[-1]


@dataclass(frozen=True, slots=True)
class Discount:
    """A percent of what it applies to, or an amount of baht (never both)."""

    percent: Decimal | None = None
    amount: Decimal | None = None

    def of(self, base: Decimal, *, field: str) -> Decimal:
        if self.percent is not None and self.amount is not None:
            raise TotalsError(field, "give a discount percent or a discount amount, not both")
        if self.percent is not None:
            if not 0 <= self.percent <= HUNDRED:
                raise TotalsError(field, "a discount percent is from 0 to 100")
            return satang(base * self.percent / HUNDRED)
        if self.amount is not None:
            if self.amount < 0 or self.amount > base:
                raise TotalsError(field, f"the discount {self.amount} must be from 0 to the "
                                         f"amount it discounts, {base}")
            return satang(self.amount)
        return Decimal("0.00")


NO_DISCOUNT = Discount()


@dataclass(frozen=True, slots=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    vat_type: VatType = "vat7"
    discount: Discount = NO_DISCOUNT


@dataclass(frozen=True, slots=True)
class LineAmount:
    gross: Decimal
    discount: Decimal
    amount: Decimal
    vat_type: VatType


@dataclass(frozen=True, slots=True)
class Totals:
    lines: tuple[LineAmount, ...]
    subtotal: Decimal                  # the lines after their own discounts
    bill_discount: Decimal
    after_discount: Decimal            # the pre-VAT amount
    bases: dict[VatType, Decimal]      # after_discount split by VAT type
    vat_rate: Decimal
    vat: Decimal
    grand_total: Decimal
    wht_rate: Decimal | None
    wht: Decimal
    net_payable: Decimal


def line_amount(line: Line, *, index: int) -> LineAmount:
    field = f"lines.{index}"
    if line.quantity <= 0:
        raise TotalsError(f"{field}.quantity", "the quantity must be more than 0")
    if line.unit_price < 0:
        raise TotalsError(f"{field}.unit_price", "the unit price must be 0 or more")
    if line.vat_type not in VAT_TYPES:
        raise TotalsError(f"{field}.vat_type", f"must be one of {', '.join(VAT_TYPES)}")
    gross = satang(line.quantity * line.unit_price)
    off = line.discount.of(gross, field=f"{field}.discount")
    return LineAmount(gross=gross, discount=off, amount=gross - off, vat_type=line.vat_type)


def share(total: Decimal, parts: dict[VatType, Decimal]) -> dict[VatType, Decimal]:
    """`total` split in proportion to `parts`, to the satang, summing exactly to `total`."""
    whole = sum(parts.values(), Decimal(0))
    shares: dict[VatType, Decimal] = {}
    left = total
    keys = [k for k in VAT_TYPES if parts.get(k, Decimal(0)) > 0]
    for i, key in enumerate(keys):
        part = left if i == len(keys) - 1 else satang(total * parts[key] / whole)
        shares[key] = part
        left -= part
    return shares


def compute(lines: Sequence[Line], *, bill_discount: Discount = NO_DISCOUNT,
            wht_rate: Decimal | None = None, issue_date: date | None = None) -> Totals:
    if wht_rate is not None and wht_rate not in WHT_RATES:
        raise TotalsError("wht_rate", "withholding tax is 1, 2, 3 or 5 percent")
    amounts = tuple(line_amount(line, index=i) for i, line in enumerate(lines))
    subtotal = sum((a.amount for a in amounts), Decimal("0.00"))
    bill = bill_discount.of(subtotal, field="bill_discount")
    by_type: dict[VatType, Decimal] = {}
    for a in amounts:
        by_type[a.vat_type] = by_type.get(a.vat_type, Decimal("0.00")) + a.amount
    off = share(bill, by_type)
    bases = {k: v - off.get(k, Decimal(0)) for k, v in by_type.items()}
    rate = vat_rate_on(issue_date or date.today())
    vat = satang(bases.get("vat7", Decimal(0)) * rate / HUNDRED)
    after = subtotal - bill
    grand = after + vat
    wht = (satang(after * wht_rate / HUNDRED)
           if wht_rate is not None and after >= WHT_THRESHOLD else Decimal("0.00"))
    return Totals(lines=amounts, subtotal=subtotal, bill_discount=bill, after_discount=after,
                  bases=bases, vat_rate=rate, vat=vat, grand_total=grand, wht_rate=wht_rate,
                  wht=wht, net_payable=grand - wht)

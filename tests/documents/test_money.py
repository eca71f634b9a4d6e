"""Totals on the tricky cases (line and bill discounts together, mixed VAT types, WHT, half-up
at 0.005, zero and very large amounts) and bahttext against known strings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from tidtam_documents.money.bahttext import bahttext
from tidtam_documents.money.totals import Discount, Line, TotalsError, compute, share, vat_rate_on

pytestmark = pytest.mark.unit
DAY = date(2026, 3, 7)


def test_one_vat_line_without_discounts():
    t = compute([Line(D(2), D("1500.00"))], issue_date=DAY)
    assert (t.subtotal, t.after_discount, t.vat, t.grand_total) == (
        D("3000.00"), D("3000.00"), D("210.00"), D("3210.00"))
    assert t.wht == D("0.00") and t.net_payable == D("3210.00")


def test_line_and_bill_discounts_together():
    lines = [Line(D(3), D("1000"), discount=Discount(percent=D(10))),      # 3000 − 300
             Line(D(1), D("1999.99"), discount=Discount(amount=D("99.99")))]  # 1999.99 − 99.99
    t = compute(lines, bill_discount=Discount(percent=D(5)), issue_date=DAY)
    assert [a.amount for a in t.lines] == [D("2700.00"), D("1900.00")]
    assert t.subtotal == D("4600.00")
    assert t.bill_discount == D("230.00")
    assert t.after_discount == D("4370.00")
    assert t.vat == D("305.90")                    # 4370 × 7 %
    assert t.grand_total == D("4675.90")


def test_mixed_vat_types_share_the_bill_discount_in_proportion():
    lines = [Line(D(1), D("700"), "vat7"), Line(D(1), D("200"), "zero"),
             Line(D(1), D("100"), "exempt")]
    t = compute(lines, bill_discount=Discount(amount=D("100")), issue_date=DAY)
    assert t.bases == {"vat7": D("630.00"), "zero": D("180.00"), "exempt": D("90.00")}
    assert t.vat == D("44.10")                     # only the vat7 base: 630 × 7 %
    assert t.grand_total == D("944.10")


def test_the_shared_discount_adds_up_exactly_despite_rounding():
    parts = {"vat7": D("1.00"), "zero": D("1.00"), "exempt": D("1.00")}
    shares = share(D("0.10"), parts)
    assert sum(shares.values()) == D("0.10")
    assert shares == {"vat7": D("0.03"), "zero": D("0.03"), "exempt": D("0.04")}


def test_vat_rounds_half_up_at_half_a_satang():
    assert compute([Line(D(1), D("1.05"))], issue_date=DAY).vat == D("0.07")   # 0.0735
    # 3.50 × 7 % = 0.245: half-up gives 0.25, banker's rounding 0.24.
    assert compute([Line(D(1), D("3.50"))], issue_date=DAY).vat == D("0.25")


def test_line_gross_rounds_half_up_from_a_fractional_quantity():
    t = compute([Line(D("0.5"), D("0.01"))], issue_date=DAY)   # 0.005 → 0.01
    assert t.lines[0].gross == D("0.01")
    t = compute([Line(D("1.5"), D("33.33"), "exempt")], issue_date=DAY)   # 49.995 → 50.00
    assert t.subtotal == D("50.00") and t.vat == D("0.00")


def test_zero_amounts():
    t = compute([Line(D(1), D(0))], issue_date=DAY)
    assert (t.subtotal, t.vat, t.grand_total, t.net_payable) == (D("0.00"),) * 4
    assert compute([], issue_date=DAY).grand_total == D("0.00")


def test_very_large_amounts_stay_exact():
    t = compute([Line(D(1000), D("999999999.99"))], issue_date=DAY)
    assert t.subtotal == D("999999999990.00")
    assert t.vat == D("69999999999.30")
    assert t.grand_total == D("1069999999989.30")


def test_withholding_tax_is_its_own_line_on_the_pre_vat_amount():
    t = compute([Line(D(10), D("1000"))], bill_discount=Discount(amount=D(1000)),
                wht_rate=D(3), issue_date=DAY)
    assert t.after_discount == D("9000.00")
    assert t.vat == D("630.00") and t.grand_total == D("9630.00")
    assert t.wht == D("270.00") and t.net_payable == D("9360.00")


def test_no_withholding_tax_under_1000_baht():
    t = compute([Line(D(1), D("999.99"))], wht_rate=D(5), issue_date=DAY)
    assert t.wht == D("0.00") and t.net_payable == t.grand_total
    assert compute([Line(D(1), D(1000))], wht_rate=D(1), issue_date=DAY).wht == D("10.00")


@pytest.mark.parametrize(("lines", "kwargs", "field"), [
    ([Line(D(1), D(100), discount=Discount(amount=D("100.01")))], {}, "lines.0.discount"),
    ([Line(D(1), D(100), discount=Discount(percent=D(1), amount=D(1)))], {},
     "lines.0.discount"),
    ([Line(D(0), D(100))], {}, "lines.0.quantity"),
    ([Line(D(1), D(-1))], {}, "lines.0.unit_price"),
    ([Line(D(1), D(100))], {"bill_discount": Discount(amount=D(101))}, "bill_discount"),
    ([Line(D(1), D(100))], {"bill_discount": Discount(percent=D(101))}, "bill_discount"),
    ([Line(D(1), D(100))], {"wht_rate": D(4)}, "wht_rate"),
])
def test_bad_input_names_its_field(lines, kwargs, field):
    with pytest.raises(TotalsError) as err:
        compute(lines, issue_date=DAY, **kwargs)
    assert err.value.field == field


def test_the_vat_rate_is_dated():
    assert vat_rate_on(DAY) == D(7)
    with pytest.raises(TotalsError):
        vat_rate_on(date(1990, 1, 1))


@pytest.mark.parametrize(("amount", "words"), [
    ("0", "ศูนย์บาทถ้วน"),
    ("0.01", "หนึ่งสตางค์"),
    ("0.50", "ห้าสิบสตางค์"),
    ("1.01", "หนึ่งบาทหนึ่งสตางค์"),
    ("11", "สิบเอ็ดบาทถ้วน"),
    ("21", "ยี่สิบเอ็ดบาทถ้วน"),
    ("101", "หนึ่งร้อยเอ็ดบาทถ้วน"),
    ("111", "หนึ่งร้อยสิบเอ็ดบาทถ้วน"),
    ("1000001", "หนึ่งล้านเอ็ดบาทถ้วน"),
    ("1000001.25", "หนึ่งล้านเอ็ดบาทยี่สิบห้าสตางค์"),
    ("10000021", "สิบล้านยี่สิบเอ็ดบาทถ้วน"),
    ("1000000000000", "หนึ่งล้านล้านบาทถ้วน"),
    ("2000000000000.01", "สองล้านล้านบาทหนึ่งสตางค์"),
    ("4675.90", "สี่พันหกร้อยเจ็ดสิบห้าบาทเก้าสิบสตางค์"),
])
def test_bahttext(amount, words):
    assert bahttext(D(amount)) == words


def test_bahttext_refuses_a_negative_amount():
    with pytest.raises(ValueError):
        bahttext(D("-1"))

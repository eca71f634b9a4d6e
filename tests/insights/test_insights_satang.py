"""The targets report works in whole satang (reports.service `_satang`, `_attainment`): the
same text as `money` and the same float as `percent` of the amounts in baht, for 20,000
random amounts and targets (ties at the 0.05 % included)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from tidtam_insights.reports.service import _attainment, _satang, money, percent

pytestmark = pytest.mark.unit


def _baht(satang: int) -> Decimal:
    return Decimal(satang).scaleb(-2)


def test_satang_text_and_attainment_equal_money_and_percent() -> None:
    rng = random.Random(16)
    amounts = [0, 1, 5, 99, 100, 101, 50_000_000, 10**15 - 1, -1, -150]
    amounts += [rng.randrange(0, 10**12) for _ in range(20_000)]
    for satang in amounts:
        assert _satang(satang) == money(_baht(satang)), satang
    pairs = [(125, 10_000), (1, 8), (0, 0), (5, 0), (0, 7), (3, 1_000), (15, 10_000)]
    pairs += [(rng.randrange(0, 10**10), rng.randrange(1, 10**10)) for _ in range(20_000)]
    pairs += [(rng.randrange(0, 2_000) * 5, 10_000) for _ in range(2_000)]  # x.x5 % ties
    for won, target in pairs:
        assert _attainment(won, target) == percent(_baht(won), _baht(target)), (won, target)

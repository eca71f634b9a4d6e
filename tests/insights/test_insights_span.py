"""The window's day edges (reports.repository.span): whichever way a month covered in part
is read (its days added, or the whole month less its other days), the figure is the sum of
the window's days; and the month a window ends today is read from its monthly row alone."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from tidtam_insights.reports.repository import span

pytestmark = pytest.mark.unit


def _by_span(daily: dict[date, int], first: date, last: date, today: date) -> int:
    s = span(first, last, today)
    months: dict[date, int] = {}
    for day, n in daily.items():
        months[day.replace(day=1)] = months.get(day.replace(day=1), 0) + n
    total = sum(n for m, n in months.items() if s.start <= m < s.end)
    for (a, b), sign in zip(s.days, s.signs, strict=True):
        total += sign * sum(n for day, n in daily.items() if a <= day <= b)
    return total


def test_any_window_is_the_sum_of_its_days() -> None:
    rng = random.Random(16)
    base = date(2025, 1, 1)
    daily = {base + timedelta(days=i): rng.randint(0, 9) for i in range(800)}
    for _ in range(3000):
        first = base + timedelta(days=rng.randint(-40, 820))
        last = first + timedelta(days=rng.choice([0, 1, 5, 27, 30, 31, 60, 200, 400]))
        today = base + timedelta(days=rng.randint(0, 830))
        want = sum(n for day, n in daily.items() if first <= day <= last)
        assert _by_span(daily, first, last, today) == want, (first, last, today)


def test_a_window_ending_today_reads_no_daily_row_of_this_month() -> None:
    today = date(2026, 12, 7)
    s = span(date(2026, 1, 1), today, today)
    assert (s.start, s.end) == (date(2026, 1, 1), date(2027, 1, 1))
    # this month's other days are taken away, and none of them has come yet
    assert [d for d, sign in zip(s.days, s.signs, strict=True) if sign < 0] == [
        (date(2026, 12, 8), date(2026, 12, 31))]


def test_a_window_of_a_few_days_reads_days() -> None:
    s = span(date(2026, 3, 10), date(2026, 3, 12), date(2026, 12, 7))
    assert s.start == s.end
    assert s.days[0] == (date(2026, 3, 10), date(2026, 3, 12)) and s.signs[0] == 1

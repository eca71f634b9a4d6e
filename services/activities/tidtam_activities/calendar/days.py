"""The months a range of calendar days touches (yearly dates: their returns, 29 February on
28 February in other years, are worked out in SQL, repository.py, as are the days'
instants in the tenant's time zone)."""

from __future__ import annotations

from datetime import date, timedelta


def months_between(first: date, last: date) -> list[int]:
    """The months `first`..`last` touch (for the query; 29 Feb falls in February)."""
    if (last.year - first.year) * 12 + last.month - first.month >= 11:
        return list(range(1, 13))
    months, d = [], first.replace(day=1)
    while d <= last:
        months.append(d.month)
        d = (d + timedelta(days=32)).replace(day=1)
    return months

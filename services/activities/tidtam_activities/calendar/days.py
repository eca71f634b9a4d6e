"""Calendar days in the tenant's time zone (stored times are UTC), and the months a range
touches (yearly dates: their returns, 29 February on 28 February in other years, are
worked out in SQL, repository.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants from the start of `first` to the end of `last`, local days in `zone`
    (a day with a daylight-saving change is 23 or 25 hours long)."""
    return (datetime.combine(first, time(0), zone),
            datetime.combine(last + timedelta(days=1), time(0), zone))


def months_between(first: date, last: date) -> list[int]:
    """The months `first`..`last` touch (for the query; 29 Feb falls in February)."""
    if (last.year - first.year) * 12 + last.month - first.month >= 11:
        return list(range(1, 13))
    months, d = [], first.replace(day=1)
    while d <= last:
        months.append(d.month)
        d = (d + timedelta(days=32)).replace(day=1)
    return months

"""The calendar's compiled statements (calendar/statements.py), no I/O: a statement is
compiled once per key and each call binds its own values by name, the rest (the key's
values) as compiled; no key compiles each time; the oldest key goes past the size."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tidtam_activities.calendar.statements import Statements

pytestmark = pytest.mark.unit


def _stmt(owner: uuid.UUID, day: int) -> sa.Select:
    t = sa.table("t", sa.column("owner"), sa.column("day"), sa.column("x"))
    return sa.select(t.c.x).where(t.c.owner == owner,  # the key's value
                                  t.c.day == sa.bindparam("cal_day", day, type_=sa.Integer),
                                  t.c.x.in_([1, 2]))


def test_compiled_once_per_key_and_bound_per_call():
    kept = Statements(size=2)
    a, b = uuid.uuid4(), uuid.uuid4()
    builds = []

    def build(owner, day):
        def make():
            builds.append(owner)
            return _stmt(owner, day)
        return make

    first = kept.compiled("a", build(a, 1))
    assert "$1" in first.sql and "IN ($" in first.sql  # asyncpg's style, lists expanded
    assert kept.compiled("a", build(a, 2)) is first and builds == [a]
    args = first.args({"cal_day": 7})
    assert args.count(7) == 1 and a in args and 1 in args and 2 in args
    assert first.args({"cal_day": 8}) == [8 if v == 7 else v for v in args]

    kept.compiled("b", build(b, 1))
    kept.compiled("a", build(a, 1))  # used last: "b" is now the oldest
    kept.compiled("c", build(b, 1))  # past the size: "b" goes
    kept.compiled("a", build(a, 1))
    assert builds == [a, b, b]
    kept.compiled("b", build(b, 1))
    assert builds == [a, b, b, b]
    # No key: built and compiled each time.
    kept.compiled(None, build(a, 1))
    kept.compiled(None, build(a, 1))
    assert builds[-2:] == [a, a]

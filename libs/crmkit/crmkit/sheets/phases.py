"""Where an import's wall time goes: seconds per phase (reading the file, checking the
rows, staging them, inserting, the job's own bookkeeping), summed over the run's batches
and kept in the job's options (`phases`) when it ends, for the bench and for anyone asking
why an import was slow. A phase inside a thread (`asyncio.to_thread` copies the context)
counts into the same run."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_RUN: ContextVar[dict[str, float] | None] = ContextVar("sheet_phases", default=None)


def begin() -> dict[str, float]:
    """A new run's timings, counted into by `phase` in this context from now on."""
    spent: dict[str, float] = {}
    _RUN.set(spent)
    return spent


@contextmanager
def phase(name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        spent = _RUN.get()
        if spent is not None:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started


def current() -> dict[str, float]:
    return _RUN.get() or {}


def rounded(spent: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in spent.items()}

"""CPU spent by the system under test, read from /proc: on a shared machine these figures
move far less than rates and latencies do, so they are the ones to compare before and after
a change."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg

from crmkit.children import RELAY_NAME

TICK = os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def is_relay(pid: int) -> bool:
    """An outbox relay process (TIDTAM_RELAY=process, crmkit.serve's child), by its name."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == RELAY_NAME
    except (FileNotFoundError, ProcessLookupError):
        return False


def own_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_seconds(pid: int, *, relay: bool | None = None) -> float:
    """utime + stime of `pid` and every descendant (uvicorn workers, the relay process);
    `relay=False` leaves relay processes out, `relay=True` counts only them."""
    if relay is not None and is_relay(pid):
        return cpu_seconds(pid) if relay else 0.0
    own = 0.0 if relay else own_cpu_seconds(pid)
    return own + sum(cpu_seconds(child, relay=relay) for child in children(pid))


async def backends(owner_url: str, database: str) -> list[int]:
    """The PostgreSQL backends of `database` now (the caller adds those it saw before)."""
    conn = await asyncpg.connect(owner_url.replace("postgresql+asyncpg", "postgresql"))
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1 "
                                "AND pid <> pg_backend_pid()", database)
        return [r["pid"] for r in rows]
    finally:
        await conn.close()

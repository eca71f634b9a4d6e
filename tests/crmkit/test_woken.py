"""The kit's woken worker (crmkit.woken) on real PostgreSQL: a NOTIFY on its channel wakes
it, the poll wakes it without one, a pass's own pause is kept, a failing pass is logged and
retried, and stop() ends it at once, even in the middle of a pass."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import asyncpg
import pytest
from sqlalchemy.engine import make_url

from crmkit.woken import WokenWorker

pytestmark = pytest.mark.integration
logger = logging.getLogger("tests.woken")


class Counting(WokenWorker):
    name = "test-woken"
    listen_name = "test-woken-listen"
    failed = "test pass failed"

    def __init__(self, dsn: str | None, *, poll: float, channel: str = "unused",
                 pause: float | None = None, fail_first: int = 0, block: bool = False) -> None:
        super().__init__(dsn, logger, poll)
        self.channel = channel
        self.pause = pause
        self.fail_first = fail_first
        self.block = block
        self.passes = 0
        self.passed = asyncio.Condition()
        self.stopped = False

    async def run_pass(self) -> float | None:
        async with self.passed:
            self.passes += 1
            self.passed.notify_all()
        if self.block:
            await asyncio.Event().wait()
        if self.passes <= self.fail_first:
            raise RuntimeError("boom")
        return self.pause

    async def on_stop(self) -> None:
        self.stopped = True

    async def until(self, passes: int) -> None:
        async with self.passed:
            await self.passed.wait_for(lambda: self.passes >= passes)


@asynccontextmanager
async def running(worker: Counting) -> AsyncIterator[Counting]:
    """The worker started, stopped on the way out; 30 s to do the rest (a hang fails)."""
    await worker.start()
    try:
        with anyio.fail_after(30):
            yield worker
    finally:
        await worker.stop()


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _listening(dsn: str, application: str) -> bool:
    conn = await asyncpg.connect(dsn)
    try:
        return bool(await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 "
            "AND query LIKE 'LISTEN%'", application))
    finally:
        await conn.close()


async def test_a_notify_on_its_channel_wakes_it(kitdb):
    dsn = _dsn(kitdb.owner_url)
    channel = f"test_woken_{uuid.uuid4().hex[:8]}"
    async with running(Counting(dsn, poll=3600, channel=channel)) as worker:  # no poll
        await worker.until(1)
        while True:  # polling the server: no event to wait on
            if await _listening(dsn, worker.listen_name):
                break
            await anyio.sleep(0.05)
        before = worker.passes
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(f"NOTIFY {channel}, 'x'")
        finally:
            await conn.close()
        await worker.until(before + 1)


async def test_the_poll_wakes_it_without_a_notify():
    async with running(Counting(None, poll=0.05)) as worker:  # no dsn: no LISTEN at all
        await worker.until(3)
    assert len(worker._tasks) == 1


async def test_the_pause_a_pass_returns_replaces_the_poll():
    async with running(Counting(None, poll=3600, pause=0.01)) as worker:
        await worker.until(3)


async def test_a_failing_pass_is_logged_and_the_next_one_runs(caplog):
    with caplog.at_level(logging.ERROR, logger="tests.woken"):
        async with running(Counting(None, poll=0.05, fail_first=2)) as worker:
            await worker.until(4)
    assert sum("test pass failed" in r.getMessage() for r in caplog.records) == 2


async def test_wake_runs_a_pass_at_once():
    async with running(Counting(None, poll=3600)) as worker:
        await worker.until(1)
        worker.wake()
        await worker.until(2)


@pytest.mark.parametrize("block", [False, True], ids=["waiting", "in-a-pass"])
async def test_stop_ends_it_promptly(kitdb, block):
    channel = f"test_woken_{uuid.uuid4().hex[:8]}"
    worker = Counting(_dsn(kitdb.owner_url), poll=3600, channel=channel, block=block)
    await worker.start()
    with anyio.fail_after(30):
        await worker.until(1)
        await worker.stop()
    assert all(task.done() for task in worker._tasks)
    assert worker.stopped

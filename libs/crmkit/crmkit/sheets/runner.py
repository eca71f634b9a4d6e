"""The import's run, in the background of the service process: the file read in chunks
(in a thread), each chunk imported and counted in its own transaction (what is done stays
when it is cancelled or fails), the job's status checked between chunks, and the rows that
failed written to the job's errors file. The events of each chunk carry the import's id as
their correlation id."""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
from fastapi import FastAPI

from ..config import ServiceSettings
from ..context import RequestContext
from ..db import unit_of_work
from ..errors import AppError
from ..logging import correlation_id
from . import phases, repository, storage
from .entity import ImportOptions, ImportRow, SheetEntity
from .files import Workbook
from .imports import errors_path, import_rows, limits, upload_path

log = logging.getLogger("crmkit.sheets")
_LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
CHUNK = 5000  # rows per transaction: the progress moves every chunk


def launch(app: FastAPI, ctx: RequestContext, entity: SheetEntity, job_id: uuid.UUID) -> None:
    tasks: dict[uuid.UUID, asyncio.Task[None]] = app.state.__dict__.setdefault(
        "sheet_tasks", {})
    task = asyncio.create_task(run(app, ctx, entity, job_id), name=f"import {job_id}")
    tasks[job_id] = task
    task.add_done_callback(lambda _t: tasks.pop(job_id, None))


async def run(app: FastAPI, ctx: RequestContext, entity: SheetEntity,
              job_id: uuid.UUID) -> None:
    token = correlation_id.set(str(job_id))
    phases.begin()
    try:
        await _run(app, ctx, entity, job_id)
    except AppError as exc:
        await _finish(app, ctx, job_id, "failed", exc.message)
    except asyncio.CancelledError:
        # Stopped with the service: still running, and due at once (no wait for the stale
        # time) to be resumed by the process that next reads it.
        async with unit_of_work(app.state.sessionmaker, ctx.tenant) as session:
            await repository.update_import(session, ctx, job_id, heartbeat_at=_LONG_AGO)
        raise
    except Exception:
        log.exception("import %s failed", job_id)
        await _finish(app, ctx, job_id, "failed", "an internal error stopped the import; "
                      "the rows done are kept")
    finally:
        correlation_id.reset(token)


async def _run(app: FastAPI, ctx: RequestContext, entity: SheetEntity,
               job_id: uuid.UUID) -> None:
    settings: ServiceSettings = app.state.settings
    maker = app.state.sessionmaker
    async with unit_of_work(maker, ctx.tenant) as session:  # waits for start's commit
        job = await repository.get_import(session, ctx, job_id, entity=entity.entity,
                                          lock=True)
    if job is None or job["status"] != "running":
        return
    o = job["options"]
    options = ImportOptions(policy=o["policy"], defaults=o.get("defaults") or {},
                            owner_id=uuid.UUID(o["owner_id"]) if o.get("owner_id") else None)
    path = upload_path(storage.job_dir(settings, ctx, job_id), job["kind"])
    book = await asyncio.to_thread(Workbook, path, job["filename"], limits(settings))
    rows = import_rows(book, job["sheet"], job["header_row"], o["columns"], o["mapping"],
                       o.get("owner_column"))
    if job["done"]:  # resumed after a restart: the rows done are in
        rows = itertools.islice(rows, job["done"], None)
    with phases.phase("read"):
        first = await asyncio.to_thread(_chunk, rows)
        total = await asyncio.to_thread(_height, book, job["sheet"], job["header_row"])
    async with unit_of_work(maker, ctx.tenant) as session:
        await repository.update_import(session, ctx, job_id, total=total)
    report = errors_path(settings, ctx, job_id)
    chunk = first
    with report.open("ab") as errors:
        while chunk:
            # The next chunk is read (in a thread) while this one is in the database.
            ahead = asyncio.create_task(_read(rows))
            try:
                outcomes = await _import(maker, ctx, entity, job_id, chunk, options)
            except BaseException:
                ahead.cancel()
                raise
            if outcomes is None:
                ahead.cancel()
                return  # cancelled: what is done stays
            errors.write(b"".join(_error_line(r, o) for r, o in zip(chunk, outcomes,
                                                                      strict=True)
                                  if o.status == "failed"))
            errors.flush()
            with phases.phase("read (waited for)"):
                chunk = await ahead
    await _finish(app, ctx, job_id, "done", None)


async def _import(maker: Any, ctx: RequestContext, entity: SheetEntity, job_id: uuid.UUID,
                  chunk: list[ImportRow], options: ImportOptions) -> list[Any] | None:
    """One chunk in one transaction with its counts (and the heartbeat); None when the job
    is no longer running (cancelled)."""
    async with unit_of_work(maker, ctx.tenant) as session:
        with phases.phase("job"):
            now = await repository.get_import(session, ctx, job_id, entity=entity.entity,
                                              lock=True)
        if now is None or now["status"] != "running":
            return None
        with phases.phase("import"):
            outcomes = await entity.import_rows(session, ctx, chunk, options, dry_run=False)
        counts = {"done": len(chunk), "created": 0, "updated": 0, "skipped": 0, "failed": 0}
        for outcome in outcomes:
            counts[outcome.status] += 1
        with phases.phase("job"):
            await repository.add_counts(session, ctx, job_id, counts)  # and the heartbeat
        with phases.phase("commit"):
            await session.commit()
    return outcomes


async def _read(rows: Iterator[ImportRow]) -> list[ImportRow]:
    with phases.phase("read"):
        return await asyncio.to_thread(_chunk, rows)


def _chunk(rows: Iterator[ImportRow]) -> list[ImportRow]:
    return list(itertools.islice(rows, CHUNK))


def _height(book: Workbook, sheet: str | None, header_at: int) -> int:
    return max(0, book.height(sheet) - header_at - 1)


def _error_line(row: ImportRow, outcome: Any) -> bytes:
    return orjson.dumps({"row": row.number, "cells": row.cells, "errors": [
        {"field": e.field, "code": e.code, "message": e.message, "message_th": e.message_th}
        for e in outcome.errors]}) + b"\n"


async def _finish(app: FastAPI, ctx: RequestContext, job_id: uuid.UUID, status: str,
                  error: str | None) -> None:
    async with unit_of_work(app.state.sessionmaker, ctx.tenant) as session:
        await repository.finish_import(session, ctx, job_id, status=status, error=error,
                                       phases=phases.rounded(phases.current()))

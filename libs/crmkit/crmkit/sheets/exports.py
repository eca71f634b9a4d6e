"""Export jobs: the rows the caller may see, as the list's filters select them, streamed
from the database into the writer (in a thread, through a small queue: memory stays flat),
downloadable by their maker until they expire."""

from __future__ import annotations

import asyncio
import logging
import queue
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from sqlalchemy.ext.asyncio import AsyncSession

from ..config import ServiceSettings
from ..context import RequestContext
from ..db import unit_of_work
from ..errors import NotFound, Unprocessable
from . import repository, storage
from .entity import SheetEntity
from .imports import columns_of
from .mapping import Column
from .schemas import ExportIn, ExportOut
from .writer import write_csv, write_xlsx

log = logging.getLogger("crmkit.sheets")
EXPIRES = timedelta(hours=1)


async def create(session: AsyncSession, ctx: RequestContext, entity: SheetEntity,
                 request: Request, body: ExportIn) -> ExportOut:
    by_key = {c.key: c for c in await columns_of(session, ctx, entity)}
    for i, key in enumerate(body.columns):
        if key not in by_key:
            # An unknown reference, as everywhere: 404 naming the field.
            raise NotFound.on(f"body.columns.{i}", f"{key!r} is not a field of "
                              f"{entity.entity} (GET /api/v1/imports/fields lists them)",
                              code="unknown_field")
    columns = [by_key[k] for k in body.columns]
    entity.check_export_filters(body.filters)
    job = await repository.insert_export(session, ctx, dict(
        id=uuid.uuid4(), entity=entity.entity, format=body.format, status="running"))
    _launch(request.app, ctx, entity, job["id"], body, columns)
    return out(job, entity)


def _launch(app: FastAPI, ctx: RequestContext, entity: SheetEntity, job_id: uuid.UUID,
            body: ExportIn, columns: list[Column]) -> None:
    tasks: dict[uuid.UUID, asyncio.Task[None]] = app.state.__dict__.setdefault(
        "sheet_tasks", {})
    task = asyncio.create_task(_run(app, ctx, entity, job_id, body, columns))
    tasks[job_id] = task
    task.add_done_callback(lambda _t: tasks.pop(job_id, None))


def export_path(settings: ServiceSettings, ctx: RequestContext, job_id: uuid.UUID,
                fmt: str) -> Path:
    return storage.job_dir(settings, ctx, job_id) / f"export.{fmt}"


async def _run(app: FastAPI, ctx: RequestContext, entity: SheetEntity, job_id: uuid.UUID,
               body: ExportIn, columns: list[Column]) -> None:
    settings: ServiceSettings = app.state.settings
    target = export_path(settings, ctx, job_id, body.format)
    headers = [c.label(body.language) for c in columns]
    status, error, rows = "done", None, 0
    try:
        async with unit_of_work(app.state.sessionmaker, ctx.tenant) as session:
            rows = await write_streamed(
                entity.export_rows(session, ctx, list_request(app, body.filters.params()),
                                   body.filters, body.columns),
                target, body.format, columns, headers)
    except Unprocessable as exc:
        status, error = "failed", exc.message
    except Exception:
        log.exception("export %s failed", job_id)
        status, error = "failed", "an internal error stopped the export"
    async with unit_of_work(app.state.sessionmaker, ctx.tenant) as session:
        await repository.update_export(session, ctx, job_id, status=status, error=error,
                                       rows=rows, finished_at=datetime.now(UTC),
                                       expires_at=datetime.now(UTC) + EXPIRES)


def list_request(app: FastAPI, filters: dict[str, str]) -> Request:
    """The list request these filters make (its query string), for the entity's list code."""
    pairs = list(filters.items())
    return Request({"type": "http", "app": app, "method": "GET", "path": "/", "headers": [],
                    "query_string": urlencode(pairs).encode()})


async def write_streamed(source: Any, target: Path, fmt: str, columns: Sequence[Column],
                         headers: Sequence[str]) -> int:
    """Batches of rows from an async iterator into the file, written in a thread; at most
    a few batches in memory."""
    q: queue.Queue[list[list[Any]] | None] = queue.Queue(maxsize=4)

    def rows() -> Iterator[list[Any]]:
        while (batch := q.get()) is not None:
            yield from batch

    def write() -> int:
        if fmt == "csv":
            return write_csv(target, headers, rows())
        return write_xlsx(target, columns, headers, rows())

    writer = asyncio.create_task(asyncio.to_thread(write))

    def put(item: list[list[Any]] | None) -> None:
        while not writer.done():  # a writer that failed takes nothing more
            try:
                return q.put(item, timeout=0.2)
            except queue.Full:
                continue

    try:
        async for batch in source:
            if batch:
                await asyncio.to_thread(put, batch)
    finally:
        await asyncio.to_thread(put, None)
    return await writer


async def load(session: AsyncSession, ctx: RequestContext, entity: SheetEntity,
               job_id: uuid.UUID) -> dict[str, Any]:
    job = await repository.get_export(session, ctx, job_id, entity=entity.entity)
    if job is None:
        raise NotFound("no such export")
    return job


def out(job: dict[str, Any], entity: SheetEntity) -> ExportOut:
    live = job["status"] == "done" and job["expires_at"] and job["expires_at"] > datetime.now(UTC)
    url = (f"/api/v1/exports/{job['id']}/download?entity={entity.entity}" if live else None)
    return ExportOut.model_validate({**job, "download_url": url})


def download_path(request: Request, ctx: RequestContext, job: dict[str, Any]) -> Path:
    if job["status"] != "done":
        raise NotFound("the export is not ready" if job["status"] == "running"
                       else "the export failed")
    if job["expires_at"] is None or job["expires_at"] <= datetime.now(UTC):
        raise NotFound("the export's link has expired; export again")
    return export_path(request.app.state.settings, ctx, job["id"], job["format"])

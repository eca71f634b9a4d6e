"""Import jobs: upload (checked, header found, mapping suggested, first rows previewed),
start, progress, cancel and the error report. The run itself is in runner.py."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from fastapi import Request, UploadFile
from sqlalchemy.ext.asyncio import AsyncSession

from ..config import ServiceSettings
from ..context import RequestContext
from ..custom.service import list_fields
from ..errors import Conflict, NotFound, Unprocessable
from . import repository, storage
from .entity import ImportOptions, ImportRow, Outcome, SheetEntity
from .files import Cell, Limits, Workbook
from .mapping import Column, cell_text, detect_header, header_names, suggest
from .schemas import FieldChoice, ImportOut, RowCheck, RowErrorOut, StartIn

PREVIEW_ROWS = 20
SAMPLE_ROWS = 5  # rows shown beside the mapping
_HEAD_ROWS = 10  # rows looked at for the header


def limits(settings: ServiceSettings) -> Limits:
    return Limits(max_rows=settings.import_max_rows)


async def columns_of(session: AsyncSession, ctx: RequestContext,
                     entity: SheetEntity) -> list[Column]:
    return entity.columns(await list_fields(session, ctx, entity.custom))


def upload_path(folder: Path, kind: str) -> Path:
    return folder / f"upload.{kind}"


async def upload(session: AsyncSession, ctx: RequestContext, entity: SheetEntity,
                 request: Request, file: UploadFile, key: str | None) -> ImportOut:
    settings: ServiceSettings = request.app.state.settings
    job_id = uuid.uuid4()
    folder = storage.job_dir(settings, ctx, job_id)
    raw = folder / "upload"
    try:
        sha = await asyncio.to_thread(storage.save, file.file, raw)
        if key is not None:
            found = await _by_key(session, ctx, entity, key, sha)
            if found is not None:
                storage.remove(folder)
                return found
        filename = file.filename or "upload"
        book = await asyncio.to_thread(Workbook, raw, filename, limits(settings))
        path = upload_path(folder, book.kind)
        raw.rename(path)
        book.path = path
        columns = await columns_of(session, ctx, entity)
        head = await asyncio.to_thread(_head, book, None)
        height = await asyncio.to_thread(book.height, None)  # past the limit: 422
        header_at = detect_header(head, columns)
        names = header_names(head[header_at]) if head else []
        mapping = suggest(head[header_at], columns) if head else {}
        options: dict[str, Any] = {"columns": names, "mapping": mapping}
        job = await repository.insert_import(session, ctx, dict(
            id=job_id, entity=entity.entity, filename=filename[:200], kind=book.kind,
            sheets=book.sheets, status="uploaded", sheet=book.sheets[0],
            header_row=header_at, options=options, idempotency_key=key, sha256=sha,
            total=max(0, height - header_at - 1)))
        rows = [_import_row(r, n, names, mapping, None) for n, r in
                enumerate(head[header_at + 1:header_at + 1 + PREVIEW_ROWS],
                          start=header_at + 2)]
        rows = [r for r in rows if r.values]
        outcomes = await entity.import_rows(session, ctx, rows, ImportOptions(
            policy="skip", owner_id=ctx.user_id, defaults={}), dry_run=True)
        options["samples"] = [[cell_text(c) for c in r][:len(names)]
                              for r in head[header_at + 1:header_at + 1 + SAMPLE_ROWS]]
        options["preview"] = [_check(r, o).model_dump() for r, o in zip(rows, outcomes,
                                                                        strict=True)]
        await repository.update_import(session, ctx, job_id, options=options)
        job["options"] = options
        return out(job, columns)
    except BaseException:
        storage.remove(folder)
        raise


async def _by_key(session: AsyncSession, ctx: RequestContext, entity: SheetEntity, key: str,
                  sha: str) -> ImportOut | None:
    from sqlalchemy import select

    from .tables import IMPORTS
    row = (await session.execute(select(IMPORTS).where(
        IMPORTS.c.tenant_id == ctx.tenant.value, IMPORTS.c.created_by == ctx.user_id,
        IMPORTS.c.idempotency_key == key))).mappings().one_or_none()
    if row is None:
        return None
    if row["sha256"] != sha or row["entity"] != entity.entity:
        raise Unprocessable.on("header.Idempotency-Key", "this key was already used with "
                               "another file; send the same file to repeat that upload, or "
                               "a new key", code="idempotency_key_reused")
    return out(dict(row), await columns_of(session, ctx, entity))


def _head(book: Workbook, sheet: str | None) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for row in book.rows(sheet):
        rows.append(row)
        if len(rows) >= _HEAD_ROWS + PREVIEW_ROWS:
            break
    return rows


def _import_row(cells: Sequence[Cell], number: int, names: Sequence[str],
                mapping: dict[str, str | None], owner_column: str | None) -> ImportRow:
    values: dict[str, str] = {}
    owner = None
    texts = [cell_text(c) for c in cells]
    for name, text in zip(names, texts, strict=False):
        if not text:
            continue
        if name == owner_column:
            owner = text
        key = mapping.get(name)
        if key:
            values[key] = text
    return ImportRow(number=number, values=values, owner_email=owner, cells=texts)


def import_rows(book: Workbook, sheet: str | None, header_at: int, names: Sequence[str],
                mapping: dict[str, str | None], owner_column: str | None
                ) -> Iterator[ImportRow]:
    """The data rows below the header as ImportRows; blank rows left out."""
    for n, cells in enumerate(book.rows(sheet), start=1):
        if n <= header_at + 1:
            continue
        row = _import_row(cells, n, names, mapping, owner_column)
        if row.values or row.owner_email:
            yield row


def _check(row: ImportRow, outcome: Outcome) -> RowCheck:
    status = {"failed": "failed", "skipped": "duplicate"}.get(outcome.status, "ok")
    return RowCheck(row=row.number, status=status,  # type: ignore[arg-type]
                    errors=[error_out(e) for e in outcome.errors])


def error_out(e: Any) -> RowErrorOut:
    return RowErrorOut(field=e.field, code=e.code, message=e.message, message_th=e.message_th)


def out(job: dict[str, Any], columns: Sequence[Column]) -> ImportOut:
    options = job["options"]
    eta = None
    if job["status"] == "running" and job["started_at"] and job["done"]:
        spent = (datetime.now(UTC) - job["started_at"]).total_seconds()
        eta = round(spent / job["done"] * max(0, job["total"] - job["done"]), 1)
    return ImportOut.model_validate({
        **job, "header_row": job["header_row"] + 1, "columns": options.get("columns", []),
        "mapping": options.get("mapping", {}), "preview": options.get("preview", []),
        "samples": options.get("samples", []),
        "fields": [FieldChoice(key=c.key, label_th=c.label_th, label_en=c.label_en,
                               importable=c.importable) for c in columns],
        "eta_seconds": eta})


async def load(session: AsyncSession, ctx: RequestContext, entity: SheetEntity,
               job_id: uuid.UUID, *, lock: bool = False) -> dict[str, Any]:
    job = await repository.get_import(session, ctx, job_id, entity=entity.entity, lock=lock)
    if job is None:
        raise NotFound("no such import")
    return job


async def start(session: AsyncSession, ctx: RequestContext, entity: SheetEntity,
                request: Request, job_id: uuid.UUID, body: StartIn) -> ImportOut:
    job = await load(session, ctx, entity, job_id, lock=True)
    if job["status"] != "uploaded":
        raise Conflict(f"this import is already {job['status']}; upload the file again to "
                       f"import it again", code="import_started")
    columns = await columns_of(session, ctx, entity)
    keys = {c.key for c in columns if c.importable}
    if job["sheets"] and body.sheet is not None and body.sheet not in job["sheets"]:
        raise Unprocessable.on("body.sheet", f"no sheet named {body.sheet!r}; the file has "
                               f"{', '.join(job['sheets'])}", code="no_such_sheet")
    sheet = body.sheet or job["sheet"]
    header_at = body.header_row - 1 if body.header_row else job["header_row"]
    names = job["options"]["columns"]
    if sheet != job["sheet"] or header_at != job["header_row"]:
        names = await _names_at(request, job, ctx, sheet, header_at)
    for name, key in body.mapping.items():
        if name not in names:
            raise Unprocessable.on(f"body.mapping.{name}", "not a column of the header; "
                                   f"the columns are {', '.join(names)}", code="unknown_column")
        if key is not None and key not in keys:
            raise Unprocessable.on(f"body.mapping.{name}", f"{key!r} is not a field of "
                                   f"{entity.entity}", code="unknown_field")
    mapped = [k for k in body.mapping.values() if k]
    if len(mapped) != len(set(mapped)):
        raise Unprocessable.on("body.mapping", "each field may take one column only",
                               code="field_twice")
    for key in body.defaults:
        if key not in keys:
            raise Unprocessable.on(f"body.defaults.{key}", "not a field", code="unknown_field")
    owner = body.owner
    if owner and owner.column is not None and owner.column not in names:
        raise Unprocessable.on("body.owner.column", "not a column of the header",
                               code="unknown_column")
    if owner and owner.user_id is not None:
        await entity.require_owner(session, ctx, owner.user_id)
    options = {**job["options"], "columns": names, "mapping": body.mapping,
               "policy": body.duplicates, "defaults": body.defaults,
               "owner_id": str(owner.user_id) if owner and owner.user_id else None,
               "owner_column": owner.column if owner else None}
    await repository.update_import(session, ctx, job_id, status="running", sheet=sheet,
                                   header_row=header_at, options=options,
                                   started_at=datetime.now(UTC), heartbeat_at=datetime.now(UTC))
    from .runner import launch
    launch(request.app, ctx, entity, job_id)
    job = await load(session, ctx, entity, job_id)
    return out(job, columns)


async def _names_at(request: Request, job: dict[str, Any], ctx: RequestContext, sheet: str,
                    header_at: int) -> list[str]:
    settings: ServiceSettings = request.app.state.settings
    path = upload_path(storage.job_dir(settings, ctx, job["id"]), job["kind"])
    book = await asyncio.to_thread(Workbook, path, job["filename"], limits(settings))
    head = await asyncio.to_thread(_head, book, sheet)
    if header_at >= len(head):
        raise Unprocessable.on("body.header_row", "the sheet has no row there",
                               code="no_such_row")
    return header_names(head[header_at])


async def cancel(session: AsyncSession, ctx: RequestContext, entity: SheetEntity,
                 job_id: uuid.UUID) -> ImportOut:
    """Stop a running import; what is done stays. An uploaded one is cancelled unrun."""
    job = await load(session, ctx, entity, job_id, lock=True)
    if job["status"] in ("uploaded", "running"):
        await repository.update_import(session, ctx, job_id, status="cancelled",
                                       finished_at=datetime.now(UTC))
    return out(await load(session, ctx, entity, job_id), await columns_of(session, ctx, entity))


async def status(session: AsyncSession, ctx: RequestContext, entity: SheetEntity,
                 request: Request, job_id: uuid.UUID, stale_after: float) -> ImportOut:
    """A running job that no task of this process runs and whose runner has not reported
    for `stale_after` seconds was lost with its process (a restart): this process takes it
    over and resumes it after the rows done (each batch commits with its counts, so `done`
    is exactly what is in)."""
    job = await load(session, ctx, entity, job_id)
    beat = job["heartbeat_at"]
    ours = job_id in request.app.state.__dict__.get("sheet_tasks", {})
    if job["status"] == "running" and not ours and beat is not None and \
            (datetime.now(UTC) - beat).total_seconds() > stale_after:
        job = await load(session, ctx, entity, job_id, lock=True)
        if job["status"] == "running" and job["heartbeat_at"] == beat:
            await repository.update_import(session, ctx, job_id,
                                           heartbeat_at=datetime.now(UTC))
            from .runner import launch
            launch(request.app, ctx, entity, job_id)  # it waits for this commit
            job = await load(session, ctx, entity, job_id)
    return out(job, await columns_of(session, ctx, entity))


def errors_path(settings: ServiceSettings, ctx: RequestContext, job_id: uuid.UUID) -> Path:
    return storage.job_dir(settings, ctx, job_id) / "errors.jsonl"


def read_errors(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open("rb") as f:
        for line in f:
            yield orjson.loads(line)

"""`/api/v1/imports` and `/api/v1/exports`, mounted alike by every service that owns an
entity (as crmkit.custom's routers): the `entity` query parameter tells the gateway which
service answers, and a service asked about another entity answers 404."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile
from fastapi.responses import FileResponse

from ..custom.service import check_entity
from ..deps import Ctx, Db, IdempotentDb
from ..errors import NotFound, error_responses
from ..idempotency import IdempotentRoute, KeyHeader, check_key
from . import exports, imports
from .entity import SheetEntity
from .report import write_report
from .schemas import ExportIn, ExportOut, FieldChoice, ImportOut, StartIn

ENTITY_DOC = "Whose records: `lead` (leads service) or `account` (accounts service)"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A job no task of this process runs, not heard from for this long (a batch reports when
# it commits), belongs to a runner lost with its process.
STALE_SECONDS = 600.0

EntityQ = Annotated[str, Query(alias="entity", pattern="^(lead|account)$",
                               description=ENTITY_DOC)]


def sheet_routers(entity: SheetEntity) -> list[APIRouter]:
    return [_imports_router(entity), _exports_router(entity)]


def _imports_router(entity: SheetEntity) -> APIRouter:
    router = APIRouter(prefix="/api/v1/imports", tags=["imports and exports"],
                       route_class=IdempotentRoute)

    def check(name: str) -> None:
        check_entity(entity.custom, name, "imports")

    @router.post("", status_code=201, response_model=ImportOut,
                 responses=error_responses(401, 404, 413, 422))
    async def upload_import(request: Request, ctx: Ctx, db: Db, entity_: EntityQ,
                            file: UploadFile = File(description=(
                                ".xlsx, .xls, .ods or .csv (UTF-8, UTF-16 or cp874), at "
                                "most 50 MB")),
                            key: KeyHeader = None) -> ImportOut:
        """Upload a file to import. The answer names its sheets, the header row found, a
        suggested mapping of columns to fields (Thai and English headers, custom fields by
        their labels) and the first 20 rows checked as they would be imported. Nothing is
        imported until `POST /imports/{id}/start`. A file that is not what its name says,
        empty, password-protected, a zip bomb, with XML entities, or past the row limit
        (`TIDTAM_IMPORT_MAX_ROWS`, said in the error) is 422 naming `body.file`.
        `Idempotency-Key`: a repeat with the same key and the same file answers the same
        import; with another file, 422."""
        check(entity_)
        return await imports.upload(db, ctx, entity, request, file,
                                    None if key is None else check_key(key))

    @router.get("/fields", response_model=list[FieldChoice],
                responses=error_responses(401, 404, 422))
    async def import_fields(ctx: Ctx, db: Db, entity_: EntityQ) -> list[FieldChoice]:
        """The fields a column may map to (and an export may write), custom ones last."""
        check(entity_)
        return [FieldChoice(key=c.key, label_th=c.label_th, label_en=c.label_en,
                            importable=c.importable)
                for c in await imports.columns_of(db, ctx, entity)]

    @router.get("/{job_id:id}", response_model=ImportOut,
                responses=error_responses(401, 404, 422))
    async def get_import(job_id: uuid.UUID, request: Request, ctx: Ctx, db: Db,
                         entity_: EntityQ) -> ImportOut:
        """Progress: rows done of total, created, updated, skipped, failed and an ETA.
        Only its maker sees an import (404 otherwise)."""
        check(entity_)
        return await imports.status(db, ctx, entity, request, job_id, STALE_SECONDS)

    @router.post("/{job_id:id}/start", response_model=ImportOut,
                 responses=error_responses(401, 404, 409, 422))
    async def start_import(job_id: uuid.UUID, body: StartIn, request: Request, ctx: Ctx,
                           db: IdempotentDb, entity_: EntityQ) -> ImportOut:
        """Run the import in the background with this mapping, sheet, owner and duplicate
        policy. Started already: 409."""
        check(entity_)
        return await imports.start(db, ctx, entity, request, job_id, body)

    @router.post("/{job_id:id}/cancel", response_model=ImportOut,
                 responses=error_responses(401, 404, 422))
    async def cancel_import(job_id: uuid.UUID, ctx: Ctx, db: IdempotentDb,
                            entity_: EntityQ) -> ImportOut:
        """Stop it between two batches; what is imported stays."""
        check(entity_)
        return await imports.cancel(db, ctx, entity, job_id)

    @router.get("/{job_id:id}/errors.xlsx", response_class=FileResponse,
                responses={**error_responses(401, 404, 422),
                           200: {"content": {XLSX: {}}, "description": "The error report"}})
    async def import_errors(job_id: uuid.UUID, request: Request, ctx: Ctx, db: Db,
                            entity_: EntityQ) -> Response:
        """The rows that failed, as read (correct them and upload the file again), with
        their row numbers and what to fix in Thai and English."""
        check(entity_)
        job = await imports.load(db, ctx, entity, job_id)
        errors = imports.errors_path(request.app.state.settings, ctx, job_id)
        target = errors.with_name("errors.xlsx")
        await asyncio.to_thread(write_report, errors, target, job["options"]["columns"])
        return FileResponse(target, media_type=XLSX, filename="errors.xlsx")

    return router


def _exports_router(entity: SheetEntity) -> APIRouter:
    router = APIRouter(prefix="/api/v1/exports", tags=["imports and exports"],
                       route_class=IdempotentRoute)

    def check(name: str) -> None:
        check_entity(entity.custom, name, "exports")

    @router.post("", status_code=202, response_model=ExportOut,
                 responses=error_responses(401, 404, 422))
    async def create_export(body: ExportIn, request: Request, ctx: Ctx, db: IdempotentDb,
                            entity_: EntityQ) -> ExportOut:
        """Export what the caller may see of the list the filters select, with the columns
        chosen, as .xlsx or CSV (UTF-8 with BOM), in the background: poll
        `GET /exports/{id}` for its download URL."""
        check(entity_)
        return await exports.create(db, ctx, entity, request, body)

    @router.get("/{job_id:id}", response_model=ExportOut,
                responses=error_responses(401, 404, 422))
    async def get_export(job_id: uuid.UUID, ctx: Ctx, db: Db, entity_: EntityQ) -> ExportOut:
        """Status, and the download URL while it lasts (an hour). Only its maker sees it."""
        check(entity_)
        return exports.out(await exports.load(db, ctx, entity, job_id), entity)

    @router.get("/{job_id:id}/download", response_class=FileResponse,
                responses={**error_responses(401, 404, 422),
                           200: {"content": {XLSX: {}, "text/csv": {}},
                                 "description": "The file"}})
    async def download_export(job_id: uuid.UUID, request: Request, ctx: Ctx, db: Db,
                              entity_: EntityQ) -> Response:
        """The file, for its maker only, until it expires (404 after)."""
        check(entity_)
        job = await exports.load(db, ctx, entity, job_id)
        path = exports.download_path(request, ctx, job)
        if not path.exists():
            raise NotFound("the export's file is gone; export again")
        media = "text/csv" if job["format"] == "csv" else XLSX
        return FileResponse(path, media_type=media, filename=f"{entity.entity}s.{job['format']}")

    return router

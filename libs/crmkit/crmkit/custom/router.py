"""The custom-field and segment operations, mounted alike by every service that owns an
entity with custom fields. Same functions, paths, parameters and models everywhere, so the
operations are identical in each service's OpenAPI document; `entity` tells the gateway
which service to route to, and a service asked about another entity answers 404."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Path, Query, Request, Response

from ..deps import Ctx, Db, IdempotentDb
from ..errors import Unprocessable, error_responses
from ..idempotency import IdempotentRoute
from . import service
from .listing import validate_segment_filters
from .schemas import (
    KEY_PATTERN,
    CustomFieldCreate,
    CustomFieldOut,
    CustomFieldPatch,
    Entity,
    SegmentCreate,
    SegmentOut,
    SegmentPatch,
)
from .service import CustomEntity, check_entity

ENTITY_DOC = "Whose custom fields or segments: `lead` (leads service) or `account` " \
             "(accounts service)"


def custom_routers(config: CustomEntity) -> list[APIRouter]:
    return [_fields_router(config), _segments_router(config)]


def _fields_router(config: CustomEntity) -> APIRouter:
    router = APIRouter(prefix="/api/v1/custom-fields", tags=["custom fields"],
                       route_class=IdempotentRoute)
    KeyPath = Path(pattern=KEY_PATTERN, description="The field's `key`")

    @router.get("", response_model=list[CustomFieldOut],
                responses=error_responses(401, 404, 422))
    async def list_custom_fields(ctx: Ctx, db: Db,
                                 entity: Entity = Query(description=ENTITY_DOC)
                                 ) -> list[CustomFieldOut]:
        """The tenant's custom fields of one entity, in display order. Everyone reads them
        (they describe the `custom` object of each record)."""
        check_entity(config, entity, "custom fields")
        return await service.list_fields(db, ctx, config)

    @router.post("", status_code=201, response_model=CustomFieldOut,
                 responses=error_responses(401, 403, 404, 409, 422))
    async def create_custom_field(body: CustomFieldCreate, ctx: Ctx, db: IdempotentDb,
                                  entity: Entity = Query(description=ENTITY_DOC)) -> CustomFieldOut:
        """Admins only (403 otherwise). A `key` already defined is 409, and so is a 51st
        field of the entity."""
        check_entity(config, entity, "custom fields")
        return await service.create_field(db, ctx, config, body)

    @router.patch("/{key}", response_model=CustomFieldOut,
                  responses=error_responses(401, 403, 404, 409, 422))
    async def patch_custom_field(body: CustomFieldPatch, ctx: Ctx, db: Db,
                                 key: str = KeyPath,
                                 entity: Entity = Query(description=ENTITY_DOC)) -> CustomFieldOut:
        """Admins only. Labels, `required` and `position` change freely; `type` only while
        no record holds a value of the field, and an option may be removed only while no
        record holds it (409 otherwise)."""
        check_entity(config, entity, "custom fields")
        return await service.patch_field(db, ctx, config, key, body)

    @router.delete("/{key}", status_code=204, response_class=Response,
                   responses=error_responses(401, 403, 404, 422))
    async def delete_custom_field(ctx: Ctx, db: Db, key: str = KeyPath,
                                  entity: Entity = Query(description=ENTITY_DOC)) -> Response:
        """Admins only. The field's values are removed from every record too; segments
        that filter on it answer 422 until they are edited."""
        check_entity(config, entity, "custom fields")
        await service.delete_field(db, ctx, config, key)
        return Response(status_code=204)

    return router


def _segments_router(config: CustomEntity) -> APIRouter:
    router = APIRouter(prefix="/api/v1/segments", tags=["segments"], route_class=IdempotentRoute)

    @router.get("", response_model=list[SegmentOut], responses=error_responses(401, 404, 422))
    async def list_segments(ctx: Ctx, db: Db,
                            entity: Entity = Query(description=ENTITY_DOC)) -> list[SegmentOut]:
        """The caller's own segments and every shared one, by name."""
        check_entity(config, entity, "segments")
        return await service.list_segments(db, ctx, config)

    @router.post("", status_code=201, response_model=SegmentOut,
                 responses=error_responses(401, 404, 409, 422))
    async def create_segment(body: SegmentCreate, request: Request, ctx: Ctx, db: IdempotentDb,
                             entity: Entity = Query(description=ENTITY_DOC)) -> SegmentOut:
        """A saved filter of the entity's list: use it as `GET /api/v1/leads?segment=<id>`
        (or `/accounts`). Anyone may save one; a shared one is seen by the whole tenant.
        At most 100 per user and entity (409)."""
        check_entity(config, entity, "segments")
        if body.entity is not None and body.entity != entity:
            raise Unprocessable.on("body.entity", "must equal the `entity` query parameter",
                                   code="entity_mismatch")
        filters = await validate_segment_filters(db, ctx, config, request.app, body.filters)
        return await service.create_segment(db, ctx, config, body.name, filters, body.shared)

    @router.get("/{segment_id:id}", response_model=SegmentOut,
                responses=error_responses(401, 404, 422))
    async def get_segment(segment_id: uuid.UUID, ctx: Ctx, db: Db,
                          entity: Entity = Query(description=ENTITY_DOC)) -> SegmentOut:
        """Another user's personal segment is 404."""
        check_entity(config, entity, "segments")
        return service.segment_out(ctx, await service.visible_segment(db, ctx, config,
                                                                      segment_id))

    @router.patch("/{segment_id:id}", response_model=SegmentOut,
                  responses=error_responses(401, 403, 404, 422))
    async def patch_segment(segment_id: uuid.UUID, body: SegmentPatch, request: Request,
                            ctx: Ctx, db: Db,
                            entity: Entity = Query(description=ENTITY_DOC)) -> SegmentOut:
        """Its creator may change it; a shared one, also an admin (403 for others)."""
        check_entity(config, entity, "segments")
        await service.visible_segment(db, ctx, config, segment_id, write=True)
        values = {f: getattr(body, f) for f in body.model_fields_set}
        if body.filters is not None:  # Omittable: sent exactly when not None
            values["filters"] = await validate_segment_filters(db, ctx, config, request.app,
                                                               body.filters)
        return await service.patch_segment(db, ctx, segment_id, values)

    @router.delete("/{segment_id:id}", status_code=204, response_class=Response,
                   responses=error_responses(401, 403, 404, 422))
    async def delete_segment(segment_id: uuid.UUID, ctx: Ctx, db: Db,
                             entity: Entity = Query(description=ENTITY_DOC)) -> Response:
        """Its creator may delete it; a shared one, also an admin (403 for others)."""
        check_entity(config, entity, "segments")
        await service.delete_segment(db, ctx, config, segment_id)
        return Response(status_code=204)

    return router

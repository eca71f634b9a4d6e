"""Custom-field definitions and segments: who may do what, limits, and what a change may
not break. The entity-specific parts (which table, which list) come from `CustomEntity`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..context import RequestContext
from ..errors import Conflict, Forbidden, NotFound, Unprocessable
from . import cache as rules_cache
from . import repository
from .repository import FieldRow, SegmentRow
from .schemas import (
    CHOICE_TYPES,
    MAX_FIELDS,
    CustomFieldCreate,
    CustomFieldOption,
    CustomFieldOut,
    CustomFieldPatch,
    SegmentOut,
)
from .values import Definition

SERVICE_OF = {"lead": "leads", "account": "accounts"}
MAX_SEGMENTS = 100  # per user and entity


@dataclass(frozen=True)
class CustomEntity:
    """An entity with custom fields, as its owning service configures it."""

    entity: str  # "lead" | "account"
    table: str  # the entity's table, holding the JSONB column `custom`
    list_path: str  # the entity's list operation (GET), whose parameters segments store


def check_entity(config: CustomEntity, entity: str, what: str) -> None:
    """A service answers only for its own entity; the gateway routes by `entity`."""
    if entity != config.entity:
        raise NotFound.on("query.entity", f"{what} of {entity}s live in the "
                                          f"{SERVICE_OF[entity]} service", code="wrong_service")


async def definitions(session: AsyncSession, ctx: RequestContext, config: CustomEntity
                      ) -> dict[str, Definition]:
    """The entity's field rules: from the app's cache (crmkit.custom.cache) when it has
    them, else read."""
    async def load() -> dict[str, Definition]:
        return {key: Definition(key, type_, tuple(o["value"] for o in options), required)
                for key, type_, options, required in
                await repository.value_rules(session, ctx.tenant, config.entity)}

    cache = rules_cache.of(session)
    if cache is None:
        return await load()
    return await cache.get(ctx.tenant.value, config.entity, load)


def _field_out(row: FieldRow) -> CustomFieldOut:
    return CustomFieldOut.model_validate(dict(row))


def _require_admin(ctx: RequestContext) -> None:
    if not ctx.is_admin:
        raise Forbidden("only an admin may define custom fields")


def _options(type_: str, options: Sequence[CustomFieldOption | str]) -> list[dict[str, str]]:
    """Options as stored: objects with both labels filled in. Only choice types have them,
    and those need at least one; values are unique."""
    if type_ not in CHOICE_TYPES:
        if options:
            raise Unprocessable.on("body.options", f"a {type_} field has no options; "
                                                   "leave them out", code="options_not_allowed")
        return []
    if not options:
        raise Unprocessable.on("body.options", f"a {type_} field needs at least one option",
                               code="options_required")
    out = []
    for o in options:
        o = CustomFieldOption(value=o) if isinstance(o, str) else o
        th = o.label_th or o.value
        out.append({"value": o.value, "label_th": th, "label_en": o.label_en or th})
    values = [o["value"] for o in out]
    if len(set(values)) != len(values):
        dup = next(v for v in values if values.count(v) > 1)
        raise Unprocessable.on("body.options", f"option value {dup!r} is given twice",
                               code="duplicate_option")
    return out


async def list_fields(session: AsyncSession, ctx: RequestContext, config: CustomEntity
                      ) -> list[CustomFieldOut]:
    return [_field_out(r) for r in await repository.fields(session, ctx.tenant, config.entity)]


async def create_field(session: AsyncSession, ctx: RequestContext, config: CustomEntity,
                       body: CustomFieldCreate) -> CustomFieldOut:
    _require_admin(ctx)
    options = _options(body.type, body.options)
    count, next_position = await repository.lock_fields(session, ctx.tenant, config.entity)
    if count >= MAX_FIELDS:
        raise Conflict(f"a tenant has at most {MAX_FIELDS} custom fields per entity; "
                       "delete one first")
    row = await repository.insert_field(session, ctx.tenant, dict(
        entity=config.entity, key=body.key, label_th=body.label_th, label_en=body.label_en,
        type=body.type, options=options, required=body.required,
        position=next_position if body.position is None else body.position))
    if row is None:
        raise Conflict.on("body.key", f"a custom field {body.key!r} already exists",
                          code="already_exists")
    return _field_out(row)


async def _field_or_404(session: AsyncSession, ctx: RequestContext, config: CustomEntity,
                        key: str) -> FieldRow:
    row = await repository.field(session, ctx.tenant, config.entity, key, lock=True)
    if row is None:
        raise NotFound.on("path.key", f"no custom field {key!r}", code="unknown_custom_field")
    return row


async def patch_field(session: AsyncSession, ctx: RequestContext, config: CustomEntity,
                      key: str, body: CustomFieldPatch) -> CustomFieldOut:
    """A type changes only while no record holds a value; an option goes only while no
    record holds it. Both would otherwise leave records with values the field refuses."""
    _require_admin(ctx)
    current = await _field_or_404(session, ctx, config, key)
    given = body.model_fields_set
    values: dict[str, Any] = {f: getattr(body, f) for f in given - {"options"}}
    # Omittable fields: sent (in `given`) exactly when not None.
    type_ = body.type if body.type is not None else current["type"]
    if type_ != current["type"] and await repository.in_use(session, ctx.tenant,
                                                            config.table, key):
        raise Conflict.on("body.type", f"records hold values of {key!r}: its type cannot "
                                       "change (create another field instead)", code="type_in_use")
    if body.options is not None or type_ != current["type"]:
        kept = [CustomFieldOption(**o) for o in current["options"]] if type_ in CHOICE_TYPES \
            else []
        values["options"] = _options(type_, body.options if body.options is not None else kept)
        if type_ == current["type"] and type_ in CHOICE_TYPES:
            gone = ({o["value"] for o in current["options"]}
                    - {o["value"] for o in values["options"]})
            used = await repository.in_use(session, ctx.tenant, config.table, key,
                                           sorted(gone), multi=type_ == "multi_select")
            if used:
                raise Conflict.on("body.options", "records hold the options "
                                  f"{', '.join(map(repr, used))}: keep them", code="options_in_use")
    if not values:
        return _field_out(current)
    return _field_out(await repository.update_field(session, ctx.tenant, config.entity, key,
                                                    values))


async def delete_field(session: AsyncSession, ctx: RequestContext, config: CustomEntity,
                       key: str) -> None:
    _require_admin(ctx)
    await _field_or_404(session, ctx, config, key)
    await repository.delete_field(session, ctx.tenant, config.entity, key, config.table)


# --- segments ------------------------------------------------------------------------------

def segment_out(ctx: RequestContext, row: SegmentRow) -> SegmentOut:
    data = dict(row)
    data["editable"] = row["created_by"] == ctx.user_id or (row["shared"] and ctx.is_admin)
    return SegmentOut.model_validate(data)


async def visible_segment(session: AsyncSession, ctx: RequestContext, config: CustomEntity,
                          segment_id: uuid.UUID, *, field: str = "path.segment_id",
                          write: bool = False) -> SegmentRow:
    """The segment if the caller sees it (404 otherwise); with `write`, 403 unless they
    may change it."""
    row = await repository.segment(session, ctx.tenant, config.entity, viewer=ctx.user_id,
                                   segment_id=segment_id, lock=write)
    if row is None:
        raise NotFound.on(field, "no such segment", code="unknown_segment")
    if write and not segment_out(ctx, row).editable:
        raise Forbidden("only its creator or an admin may change a shared segment")
    return row


async def list_segments(session: AsyncSession, ctx: RequestContext, config: CustomEntity
                        ) -> list[SegmentOut]:
    rows = await repository.segments(session, ctx.tenant, config.entity, ctx.user_id)
    return [segment_out(ctx, r) for r in rows]


async def create_segment(session: AsyncSession, ctx: RequestContext, config: CustomEntity,
                         name: str, filters: dict[str, Any], shared: bool) -> SegmentOut:
    if await repository.count_segments(session, ctx.tenant, config.entity,
                                       ctx.user_id) >= MAX_SEGMENTS:
        raise Conflict(f"a user has at most {MAX_SEGMENTS} segments per entity; delete one "
                       "first")
    row = await repository.insert_segment(session, ctx.tenant, dict(
        id=uuid.uuid4(), entity=config.entity, name=name, filters=filters, shared=shared,
        created_by=ctx.user_id))
    return segment_out(ctx, row)


async def patch_segment(session: AsyncSession, ctx: RequestContext, segment_id: uuid.UUID,
                        values: dict[str, Any]) -> SegmentOut:
    row = await repository.update_segment(session, ctx.tenant, segment_id, values)
    return segment_out(ctx, row)


async def delete_segment(session: AsyncSession, ctx: RequestContext, config: CustomEntity,
                         segment_id: uuid.UUID) -> None:
    await visible_segment(session, ctx, config, segment_id, write=True)
    await repository.delete_segment(session, ctx.tenant, segment_id)

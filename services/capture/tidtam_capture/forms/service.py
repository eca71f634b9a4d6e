"""Web forms for admins: create, list, get, change, delete. Another tenant's form is 404; a
caller who is not an admin is 403."""

from __future__ import annotations

import html
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit import publickeys
from crmkit.context import RequestContext, TenantId
from crmkit.errors import Forbidden, NotFound, Unprocessable

from ..config import settings
from ..products import service as products
from ..users.service import require_active
from . import repository
from .schemas import BUILT_IN, FieldSpec, FormCreate, FormOut, FormPage, FormPatch

PUBLIC_KEY_PATTERN = publickeys.PATTERN
# The hidden field a person never fills (a bot does): a submission with it is dropped.
HONEYPOT = "website_url"


def new_public_key(tenant: TenantId) -> str:
    return publickeys.new_key(tenant.value)


tenant_of_key = publickeys.tenant_of


def _admin(ctx: RequestContext) -> None:
    if not ctx.is_admin:
        raise Forbidden("web forms are for admins")


def post_path(public_key: str) -> str:
    return f"/capture/forms/{public_key}"


def snippet(public_key: str, fields: list[FieldSpec]) -> str:
    """A plain HTML form (no script) posting to the form; after a post the browser lands on
    the hosted page's thank-you."""
    base = settings().public_url.rstrip("/")
    esc = html.escape
    inputs = []
    for f in fields:
        tag = (f'<textarea name="{f.key}"{" required" if f.required else ""}></textarea>'
               if f.kind == "textarea" else
               f'<input name="{f.key}" type="{f.kind}"{" required" if f.required else ""}>')
        inputs.append(f'  <label>{esc(f.label_th)} / {esc(f.label_en)} {tag}</label>')
    return "\n".join([
        f'<form method="post" action="{base}{post_path(public_key)}" accept-charset="utf-8">',
        *inputs,
        f'  <input name="{HONEYPOT}" tabindex="-1" autocomplete="off" '
        'style="position:absolute;left:-9999px" aria-hidden="true">',
        '  <input type="hidden" name="consent_language" value="th">',
        '  <label><input type="checkbox" name="consent" value="true" required> '
        f'<a href="{base}/f/{public_key}" target="_blank">ยินยอมตามนโยบาย / I consent</a>'
        '</label>',
        '  <button type="submit">ส่ง / Send</button>',
        '</form>'])


def to_out(row: dict[str, Any]) -> FormOut:
    base = settings().public_url.rstrip("/")
    fields = [FieldSpec.model_validate(f) for f in row["fields"]]
    data = {k: row[k] for k in FormOut.model_fields if k in row}
    data["fields"] = fields
    return FormOut(**data, hosted_url=f"{base}/f/{row['public_key']}",
                   post_url=f"{base}{post_path(row['public_key'])}",
                   snippet_html=snippet(row["public_key"], fields))


async def _check_owner(db: AsyncSession, ctx: RequestContext, owner: uuid.UUID | None) -> None:
    if owner is not None:
        await require_active(db, ctx, owner, "body.owner_id")


async def create(db: AsyncSession, ctx: RequestContext, body: FormCreate) -> FormOut:
    _admin(ctx)
    await _check_owner(db, ctx, body.owner_id)
    await products.require_known(db, ctx.tenant, body.product_ids, "body.product_ids")
    values = body.model_dump(mode="json")
    values["owner_id"] = body.owner_id
    values["product_ids"] = body.product_ids
    row = await repository.insert_form(db, ctx.tenant, dict(
        values, id=uuid.uuid4(), public_key=new_public_key(ctx.tenant)))
    return to_out(row)


async def page(db: AsyncSession, ctx: RequestContext) -> FormPage:
    _admin(ctx)
    return FormPage(items=[to_out(r) for r in await repository.listing(db, ctx.tenant)])


async def _found(db: AsyncSession, ctx: RequestContext, form_id: uuid.UUID, *,
                 lock: bool = False) -> dict[str, Any]:
    _admin(ctx)
    row = await repository.get(db, ctx.tenant, form_id, lock=lock)
    if row is None:
        raise NotFound("no such form")
    return row


async def get(db: AsyncSession, ctx: RequestContext, form_id: uuid.UUID) -> FormOut:
    return to_out(await _found(db, ctx, form_id))


async def patch(db: AsyncSession, ctx: RequestContext, form_id: uuid.UUID,
                body: FormPatch) -> FormOut:
    current = await _found(db, ctx, form_id, lock=True)
    given = {k: v for k, v in body.model_dump(mode="json", exclude_unset=True).items()
             if v is not None or k == "owner_id"}
    if "owner_id" in given:
        given["owner_id"] = body.owner_id
        await _check_owner(db, ctx, body.owner_id)
    if body.product_ids is not None:
        await products.require_known(db, ctx.tenant, body.product_ids, "body.product_ids")
        given["product_ids"] = body.product_ids
    text_changed = any(k in given and given[k] != current[k] for k in ("consent_th",
                                                                       "consent_en"))
    if text_changed and given.get("consent_version", current["consent_version"]) \
            == current["consent_version"]:
        raise Unprocessable.on("body.consent_version", "the consent text changed: give it a "
                               "new version, so each person's consent names what they saw",
                               code="consent_version_unchanged")
    changed = {k: v for k, v in given.items() if current[k] != v}
    if changed:
        await repository.update(db, ctx.tenant, form_id, changed)
    return to_out(await _found(db, ctx, form_id))


async def delete(db: AsyncSession, ctx: RequestContext, form_id: uuid.UUID) -> None:
    _admin(ctx)
    if not await repository.delete(db, ctx.tenant, form_id):
        raise NotFound("no such form")


def custom_keys(fields: list[FieldSpec]) -> list[FieldSpec]:
    return [f for f in fields if f.key not in BUILT_IN]

"""What every channel's admin settings share (LINE, Facebook, email): admins only, one row per
tenant (channel_rows), its secrets sealed by the caller and never shown again, and the
answer naming the webhook's public URL."""

from __future__ import annotations

import hmac
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.db import unit_of_work
from crmkit.errors import Forbidden, NotFound, Unauthorized
from crmkit.sealed import Unsealable

from . import channel_rows
from .config import CaptureSettings, settings
from .forms.public import limits, read_body
from .forms.service import new_public_key, tenant_of_key
from .products import service as products
from .users.service import require_active

MAX_BODY = 256 * 1024  # a channel's webhook body

Out = TypeVar("Out", bound=BaseModel)


def require_admin(ctx: RequestContext) -> None:
    if not ctx.is_admin:
        raise Forbidden("channels are for admins")


@dataclass(frozen=True)
class Channel(Generic[Out]):
    model: Any  # the settings table
    path: str  # the webhook: /capture/<path>/<webhook_key>
    missing: str  # the 404's message when none is set up
    out: type[Out]
    shown: tuple[str, ...]  # the row's columns the answer shows (never a sealed one)

    def webhook_path(self, key: str) -> str:
        return f"/capture/{self.path}/{key}"

    def answer(self, row: dict[str, Any]) -> Out:
        return self.out(**{k: row[k] for k in self.shown}, secrets_set=True,
                        product_ids=list(row["product_ids"] or ()),
                        webhook_url=settings().public_url.rstrip("/")
                        + self.webhook_path(row["webhook_key"]))

    async def row(self, session: AsyncSession, tenant: TenantId) -> dict[str, Any] | None:
        return await channel_rows.get(session, tenant, self.model)

    async def hooked(self, session: AsyncSession, ctx: RequestContext,
                     key: str) -> dict[str, Any]:
        """The settings whose webhook `key` is (404 for any other key)."""
        row = await self.row(session, ctx.tenant)
        if row is None or row["webhook_key"] != key:
            raise NotFound("no such webhook")
        return row

    @staticmethod
    def unseal(conf: CaptureSettings, sealed: str) -> str:
        try:
            return conf.keyring.unseal(sealed)
        except Unsealable:
            raise Unauthorized("the channel's secrets cannot be opened; save them again") \
                from None

    async def body(self, request: Request, ctx: RequestContext, key: str) -> bytes:
        """A webhook call's first steps: the key's tenant, its rate, the raw body (capped)."""
        if tenant_of_key(key) != ctx.tenant.value:
            raise NotFound("no such webhook")
        limits(request).by_form.check_key(key)
        return await read_body(request, MAX_BODY)

    @staticmethod
    def check(header: str, given: str, expected: str) -> None:
        """401 unless the signature `given` in `header` is `expected` (constant time)."""
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise Unauthorized(f"{header} does not match the body")

    @asynccontextmanager
    async def signed(self, request: Request, ctx: RequestContext, key: str, *, header: str,
                     sign: Callable[[str, bytes], str]
                     ) -> AsyncIterator[tuple[AsyncSession, dict[str, Any], bytes]]:
        """A webhook call: the key's tenant and rate, the raw body (capped), then in one
        transaction the settings and `header` checked against `sign(secret, body)` before
        anything reads the body. Yields the session, the settings row and the body."""
        raw = await self.body(request, ctx, key)
        conf: CaptureSettings = request.app.state.settings
        async with unit_of_work(request.app.state.sessionmaker, ctx.tenant) as session:
            row = await self.hooked(session, ctx, key)
            self.check(header, request.headers.get(header, ""),
                       sign(self.unseal(conf, row["secret_sealed"]), raw))
            yield session, row, raw

    async def save(self, db: AsyncSession, ctx: RequestContext, owner_id: Any,
                   values: dict[str, Any], *, product_ids: list[uuid.UUID]) -> Out:
        """Create or replace the tenant's settings (the webhook key is kept once made); its
        leads' products (`product_ids`) checked against the catalogue as a form's are."""
        require_admin(ctx)
        if owner_id is not None:
            await require_active(db, ctx, owner_id, "body.owner_id")
        await products.require_known(db, ctx.tenant, product_ids, "body.product_ids")
        return self.answer(await channel_rows.put(db, ctx.tenant, self.model, {
            **values, "owner_id": owner_id, "product_ids": product_ids,
            "webhook_key": new_public_key(ctx.tenant)}))

    async def read(self, db: AsyncSession, ctx: RequestContext) -> Out:
        require_admin(ctx)
        row = await self.row(db, ctx.tenant)
        if row is None:
            raise NotFound(self.missing)
        return self.answer(row)

    async def remove(self, db: AsyncSession, ctx: RequestContext) -> None:
        require_admin(ctx)
        if not await channel_rows.delete(db, ctx.tenant, self.model):
            raise NotFound(self.missing)

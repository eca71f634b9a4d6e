"""The company profile: the seller on every document. Admins set it; everyone reads it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext, TenantId
from crmkit.errors import Forbidden, NotFound
from crmkit.thai import branch_label

from .models import CompanyProfile
from .schemas import ProfileIn, ProfileOut


def out(p: CompanyProfile) -> ProfileOut:
    return ProfileOut(name=p.name, name_en=p.name_en, tax_id=p.tax_id, branch=p.branch,
                      branch_label=branch_label(p.branch), address=p.address, phone=p.phone,
                      has_logo=p.logo is not None, version=p.version)


async def find(session: AsyncSession, tenant: TenantId) -> CompanyProfile | None:
    found: CompanyProfile | None = (await session.execute(sa.select(CompanyProfile).where(
        CompanyProfile.tenant_id == tenant.value))).scalar_one_or_none()
    return found


async def get(session: AsyncSession, ctx: RequestContext) -> ProfileOut:
    found = await find(session, ctx.tenant)
    if found is None:
        raise NotFound("the company profile is not set yet; an admin sets it with PUT",
                       code="company_profile_missing")
    return out(found)


async def _admin_profile(session: AsyncSession, ctx: RequestContext) -> CompanyProfile:
    if not ctx.is_admin:
        raise Forbidden("only an admin may change the company profile")
    found = await find(session, ctx.tenant)
    if found is None:
        raise NotFound("set the company profile first (PUT /api/v1/company-profile)",
                       code="company_profile_missing")
    return found


async def set_logo(session: AsyncSession, ctx: RequestContext, png: bytes | None) -> ProfileOut:
    """`png` already re-encoded (pdf/images.py); None removes the logo."""
    await _admin_profile(session, ctx)
    await session.execute(sa.update(CompanyProfile).where(
        CompanyProfile.tenant_id == ctx.tenant.value).values(
        logo=png, version=CompanyProfile.version + 1, updated_at=sa.func.now()))
    found = await find(session, ctx.tenant)
    assert found is not None
    await session.refresh(found)
    return out(found)


async def logo(session: AsyncSession, ctx: RequestContext) -> bytes:
    found = await find(session, ctx.tenant)
    if found is None or found.logo is None:
        raise NotFound("no logo uploaded yet")
    return found.logo


async def put(session: AsyncSession, ctx: RequestContext, body: ProfileIn) -> ProfileOut:
    if not ctx.is_admin:
        raise Forbidden("only an admin may change the company profile")
    values = body.model_dump()
    stmt = insert(CompanyProfile).values(tenant_id=ctx.tenant.value, version=1,
                                         updated_at=sa.func.now(), **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[CompanyProfile.tenant_id],
        set_={**values, "version": CompanyProfile.version + 1, "updated_at": sa.func.now()})
    await session.execute(stmt)
    found = await find(session, ctx.tenant)
    assert found is not None
    return out(found)

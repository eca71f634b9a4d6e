"""Who sees which activity and check-in, as SQL conditions from the caller's context.

An activity linked to a lead follows the lead's rule (the caller's lead scope: owners, plus
read-only the leads they sent on), one linked to an account the account's; linked to both,
the caller must see both. Unlinked ones (and check-ins not at an account) are their
owner's, their team's managers' and the admins'. The records' owners come from the lead
and account projections (records/)."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import SQLCoreOperations

from crmkit.context import RequestContext, VisibilityScope

from .records.models import AccountRecord, LeadRecord
from .users.models import User

# A column or expression of ids (nullable or not).
Ids = SQLCoreOperations[Any]


def lead_rule(ctx: RequestContext, *, write: bool = False) -> sa.ColumnElement[bool]:
    """Over LeadRecord: a lead the caller may see (`write`: may change)."""
    scope = ctx.lead_scope
    rule = _owned(scope, LeadRecord.owner_id)
    if not write and scope.sender_id is not None:
        rule = sa.or_(rule, sa.literal(scope.sender_id, sa.Uuid) == sa.any_(LeadRecord.sent_by))
    return rule


def account_rule(ctx: RequestContext) -> sa.ColumnElement[bool]:
    """Over AccountRecord: a live account the caller may see."""
    return sa.and_(AccountRecord.deleted.is_(False),
                   _owned(ctx.account_scope, AccountRecord.owner_id))


def lead_visible(ctx: RequestContext, lead_id: Ids | uuid.UUID, *,
                 write: bool = False) -> sa.ColumnElement[bool]:
    """The lead is one the caller may see (`write`: may change)."""
    return sa.exists().where(LeadRecord.tenant_id == ctx.tenant.value,
                             LeadRecord.id == lead_id, lead_rule(ctx, write=write))


def account_visible(ctx: RequestContext, account_id: Ids | uuid.UUID) -> sa.ColumnElement[bool]:
    return sa.exists().where(AccountRecord.tenant_id == ctx.tenant.value,
                             AccountRecord.id == account_id, account_rule(ctx))


def _owned(scope: VisibilityScope,
           owner: Ids) -> sa.ColumnElement[bool]:
    if scope.owner_ids is None:
        return sa.true()
    return owner.in_(sorted(scope.owner_ids))


def personal(ctx: RequestContext, owner: Ids) -> sa.ColumnElement[bool]:
    """What is someone's own: theirs, their team's managers', the admins'."""
    if ctx.role in ("admin", "integration"):
        return sa.true()
    mine = owner == ctx.user_id
    if ctx.role == "manager" and ctx.team_id is not None:
        team = sa.select(User.id).where(User.tenant_id == ctx.tenant.value,
                                        User.team_id == ctx.team_id)
        return sa.or_(mine, owner.in_(team.scalar_subquery()))
    return mine


def linked_visible(ctx: RequestContext, *, lead_id: Ids, account_id: Ids, owner: Ids,
                   write: bool = False) -> sa.ColumnElement[bool]:
    """The rule for a row with an optional lead, an optional account and an owner."""
    lead_ok = sa.or_(lead_id.is_(None), lead_visible(ctx, lead_id, write=write))
    account_ok = sa.or_(account_id.is_(None), account_visible(ctx, account_id))
    unlinked_ok = sa.or_(lead_id.is_not(None), account_id.is_not(None), personal(ctx, owner))
    return sa.and_(lead_ok, account_ok, unlinked_ok)

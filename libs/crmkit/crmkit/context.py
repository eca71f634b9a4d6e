"""The request context the gateway signs and every service verifies.

`TenantId` and `VisibilityScope` are created only here: repository functions take them as
arguments, so no handler can invent a tenant or widen what a caller may see.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from .errors import Unauthorized

HEADER = "X-Tidtam-Context"
Role = Literal["admin", "manager", "sales", "integration"]
Visibility = Literal["all", "team", "own"]

_KEY = object()


class TenantId:
    """A tenant id that came from a verified context (or a verified event)."""

    __slots__ = ("value",)

    def __init__(self, value: uuid.UUID, _key: object = None):
        if _key is not _KEY:
            raise TypeError("TenantId is created only by crmkit.context")
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TenantId) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:
        return f"TenantId({self.value})"


@dataclass(frozen=True, slots=True)
class VisibilityScope:
    """Which owners' records a caller may see and change.

    `owner_ids is None` means every record of the tenant. `sender_id`, when set, also makes
    records that caller passed on (their Sent box) visible, read-only.
    """

    owner_ids: frozenset[uuid.UUID] | None
    sender_id: uuid.UUID | None = None
    _key: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._key is not _KEY:
            raise TypeError("VisibilityScope is created only by crmkit.context")

    @property
    def sees_all(self) -> bool:
        return self.owner_ids is None

    def may_write(self, owner_id: uuid.UUID) -> bool:
        return self.owner_ids is None or owner_id in self.owner_ids

    def may_read(self, owner_id: uuid.UUID, senders: Sequence[uuid.UUID] = ()) -> bool:
        return self.may_write(owner_id) or (
            self.sender_id is not None and self.sender_id in senders
        )


@dataclass(frozen=True, slots=True)
class RequestContext:
    tenant: TenantId
    user_id: uuid.UUID
    role: Role
    team_id: uuid.UUID | None
    lead_scope: VisibilityScope
    # Accounts and their contacts follow the tenant's `account_visibility` by the same rule
    # (`scope_for`); there is no Sent box for accounts, so its `sender_id` is never used.
    account_scope: VisibilityScope
    settings: dict[str, Any]
    correlation_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def scope_for(role: Role, visibility: Visibility, user_id: uuid.UUID,
              team_member_ids: list[uuid.UUID]) -> VisibilityScope:
    """The visibility rule of ARCHITECTURE.md, in one place.

    all: everyone sees everything. team: sales see their own and team mates' records.
    own: sales see their own, plus read-only what they sent on. Managers see their team in
    `team` and `own`; admins and integrations see everything.
    """
    if visibility == "all" or role in ("admin", "integration"):
        return VisibilityScope(None, _key=_KEY)
    team = frozenset(team_member_ids) | {user_id}
    if role == "manager" or visibility == "team":
        return VisibilityScope(team, _key=_KEY)
    return VisibilityScope(frozenset({user_id}), sender_id=user_id, _key=_KEY)


def tenant_from_event(value: str) -> TenantId:
    """For consumers: the tenant of an event that arrived from our own broker."""
    return TenantId(uuid.UUID(str(value)), _KEY)


def authenticated_tenant(value: uuid.UUID | str) -> TenantId:
    """For the gateway: a tenant it has authenticated itself (a verified JWT or API key, or
    the operator creating that tenant)."""
    return TenantId(uuid.UUID(str(value)), _KEY)


def addressed_tenant(value: uuid.UUID | str) -> TenantId:
    """For a receiver outside HTTP (the capture service's SMTP): the tenant whose
    system-made address a message was sent to, as the service's database named it."""
    return TenantId(uuid.UUID(str(value)), _KEY)


def context_for(tenant: TenantId, user_id: uuid.UUID, role: Role, team_id: uuid.UUID | None,
                account_owner_ids: list[uuid.UUID] | None, *,
                correlation_id: str | None = None) -> RequestContext:
    """For consumers acting for the person who asked (e.g. a lead's conversion): their
    account visibility as the asking service recorded it from their signed context
    (`account_owner_ids`, None: every account). Leads are not theirs to see here."""
    owners = None if account_owner_ids is None else frozenset(account_owner_ids)
    scope = VisibilityScope(owners, _key=_KEY)
    return RequestContext(tenant=tenant, user_id=user_id, role=role, team_id=team_id,
                          lead_scope=VisibilityScope(frozenset(), _key=_KEY),
                          account_scope=scope, settings={}, correlation_id=correlation_id)


def system_scope() -> VisibilityScope:
    """Everything in the tenant: for consumers and relays acting for the system."""
    return VisibilityScope(None, _key=_KEY)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_context(secret: str, *, tenant_id: uuid.UUID, user_id: uuid.UUID, role: Role,
                 team_id: uuid.UUID | None, lead_visibility: Visibility,
                 team_member_ids: list[uuid.UUID], settings: dict[str, Any],
                 account_visibility: Visibility = "all",
                 correlation_id: str | None = None, ttl: int = 60) -> str:
    payload = {
        "tid": str(tenant_id), "uid": str(user_id), "role": role,
        "team": str(team_id) if team_id else None, "lv": lead_visibility,
        "av": account_visibility,
        "tm": [str(m) for m in team_member_ids], "set": settings,
        "cid": correlation_id, "exp": int(time.time()) + ttl,
    }
    body = _b64(orjson.dumps(payload))
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def verify_context(secret: str, token: str | None) -> RequestContext:
    """Check the gateway's signature and expiry; anything off is a 401."""
    if not token or "." not in token:
        raise Unauthorized("this service answers only requests signed by the gateway")
    body, _, mac = token.partition(".")
    want = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    try:
        given = _unb64(mac)
    except ValueError:
        given = b""
    if not hmac.compare_digest(want, given):
        raise Unauthorized("the gateway signature on this request is invalid")
    try:
        p = orjson.loads(_unb64(body))
        if int(p["exp"]) < time.time():
            raise Unauthorized("the gateway-signed context has expired")
        user_id = uuid.UUID(p["uid"])
        team = uuid.UUID(p["team"]) if p.get("team") else None
        members = [uuid.UUID(m) for m in p.get("tm", [])]
        return RequestContext(
            tenant=TenantId(uuid.UUID(p["tid"]), _KEY),
            user_id=user_id,
            role=p["role"],
            team_id=team,
            lead_scope=scope_for(p["role"], p["lv"], user_id, members),
            account_scope=scope_for(p["role"], p["av"], user_id, members),
            settings=dict(p.get("set") or {}),
            correlation_id=p.get("cid"),
        )
    except Unauthorized:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        raise Unauthorized("the gateway-signed context is malformed") from exc

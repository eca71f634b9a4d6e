"""Who is calling: built once per request from a JWT or an API key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

from crmkit.context import Role, TenantId, Visibility, VisibilityScope, scope_for, sign_context


@dataclass(frozen=True, slots=True)
class Caller:
    tenant: TenantId
    user_id: uuid.UUID
    role: Role
    team_id: uuid.UUID | None
    email: str | None
    name: str | None
    lead_visibility: Visibility
    allow_stage_back: bool
    account_visibility: Visibility = "all"
    team_member_ids: tuple[uuid.UUID, ...] = ()
    api_key_id: uuid.UUID | None = None
    # The generation the user's tokens must name (users.session_generation).
    session_generation: int = 0
    language: Literal["th", "en"] = "th"
    must_change_password: bool = False
    allow_price_edit: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def lead_scope(self) -> VisibilityScope:
        return scope_for(self.role, self.lead_visibility, self.user_id,
                         list(self.team_member_ids))

    @property
    def account_scope(self) -> VisibilityScope:
        return scope_for(self.role, self.account_visibility, self.user_id,
                         list(self.team_member_ids))

    def service_settings(self) -> dict[str, bool]:
        """The tenant settings services read from the context (docs/CONTRACTS.md)."""
        return {"allow_stage_back": self.allow_stage_back,
                "allow_price_edit": self.allow_price_edit}

    def signed_context(self, secret: str, *, ttl: int, correlation_id: str | None) -> str:
        return sign_context(
            secret, tenant_id=self.tenant.value, user_id=self.user_id, role=self.role,
            team_id=self.team_id, lead_visibility=self.lead_visibility,
            account_visibility=self.account_visibility,
            team_member_ids=list(self.team_member_ids), settings=self.service_settings(),
            correlation_id=correlation_id, ttl=ttl,
        )

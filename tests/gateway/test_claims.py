"""Unit: the caller's scope and signed context, tokens and settings (no I/O)."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest

from crmkit.context import authenticated_tenant, verify_context
from crmkit.errors import Unauthorized
from tidtam_gateway.auth.caller import Caller
from tidtam_gateway.auth.tokens import (
    VerifiedTokens,
    hash_api_key,
    is_api_key,
    issue_access_token,
    new_api_key,
    read_access_token,
)
from tidtam_gateway.config import GatewaySettings

pytestmark = pytest.mark.unit
ME, MATE = uuid.uuid4(), uuid.uuid4()
TENANT = uuid.uuid4()


def _caller(role: str, visibility: str, members=(MATE,)) -> Caller:
    return Caller(tenant=authenticated_tenant(TENANT), user_id=ME, role=role, team_id=None,
                  email="me@x.example", name="me", lead_visibility=visibility,
                  allow_stage_back=True, team_member_ids=tuple(members))


@pytest.mark.parametrize("role,visibility,owners,sender", [
    ("admin", "own", None, None), ("integration", "team", None, None),
    ("sales", "all", None, None), ("sales", "team", {ME, MATE}, None),
    ("sales", "own", {ME}, ME), ("manager", "own", {ME, MATE}, None),
    ("manager", "team", {ME, MATE}, None),
])
def test_scope_and_signed_context_agree(role, visibility, owners, sender):
    caller = _caller(role, visibility)
    scope = caller.lead_scope
    assert scope.owner_ids == (None if owners is None else frozenset(owners))
    assert scope.sender_id == sender
    ctx = verify_context("k", caller.signed_context("k", ttl=30, correlation_id="c"))
    assert ctx.lead_scope == scope and ctx.tenant.value == TENANT and ctx.role == role
    assert ctx.settings == {"allow_stage_back": True, "allow_price_edit": False}
    assert ctx.correlation_id == "c"


@pytest.mark.parametrize("role,visibility,owners", [
    ("admin", "own", None), ("sales", "all", None), ("sales", "team", {ME, MATE}),
    ("sales", "own", {ME}), ("manager", "own", {ME, MATE}),
])
def test_account_scope_follows_its_own_setting(role, visibility, owners):
    caller = Caller(tenant=authenticated_tenant(TENANT), user_id=ME, role=role, team_id=None,
                    email=None, name=None, lead_visibility="all", allow_stage_back=False,
                    account_visibility=visibility, team_member_ids=(MATE,))
    ctx = verify_context("k", caller.signed_context("k", ttl=30, correlation_id=None))
    assert caller.account_scope.owner_ids == (None if owners is None else frozenset(owners))
    assert ctx.account_scope == caller.account_scope and ctx.lead_scope.sees_all


def test_access_tokens_round_trip_and_refuse_tampering():
    token = issue_access_token("s", user_id=ME, tenant_id=TENANT, ttl=60)
    assert read_access_token("s", token) == (TENANT, ME, 0)
    with pytest.raises(Unauthorized, match="invalid"):
        read_access_token("other", token)
    with pytest.raises(Unauthorized, match="expired"):
        read_access_token("s", issue_access_token("s", user_id=ME, tenant_id=TENANT, ttl=-1))


def test_a_verified_token_is_remembered_until_it_expires():
    tokens = VerifiedTokens("s")
    token = issue_access_token("s", user_id=ME, tenant_id=TENANT, ttl=2)
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    assert tokens.read(token) == (TENANT, ME, 0) == tokens.read(token)
    with pytest.raises(Unauthorized, match="invalid"):  # a forged one is never remembered
        tokens.read(issue_access_token("other", user_id=ME, tenant_id=TENANT, ttl=60))
    time.sleep(max(0.0, expires + 0.01 - time.time()))
    with pytest.raises(Unauthorized, match="expired"):
        tokens.read(token)
    with pytest.raises(Unauthorized, match="expired"):
        VerifiedTokens("s").read(token)


def test_api_keys_are_random_and_only_their_hash_is_kept():
    key, prefix, stored = new_api_key()
    other, _, _ = new_api_key()
    assert key != other and is_api_key(key) and key.startswith(prefix)
    assert stored == hash_api_key(key) and key not in stored and len(stored) == 64


def test_settings_refuse_dev_secrets_outside_development(monkeypatch):
    for name in ("TIDTAM_JWT_SECRET", "TIDTAM_CONTEXT_SECRET", "TIDTAM_OPERATOR_TOKEN",
                 "TIDTAM_ENV"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="JWT_SECRET"):
        GatewaySettings(env="production", context_secret="c" * 32, operator_token="o" * 32)
    with pytest.raises(ValueError, match="OPERATOR_TOKEN"):
        GatewaySettings(env="production", context_secret="c" * 32, jwt_secret="j" * 32)
    dev = GatewaySettings(env="development")
    assert dev.operator_token_generated and len(dev.operator_token.get_secret_value()) > 30
    given = GatewaySettings(env="development", operator_token="mine")
    assert not given.operator_token_generated
    assert given.operator_token.get_secret_value() == "mine"


def test_the_proxy_forgets_idle_connections_before_the_services_close_them(monkeypatch):
    for name in ("TIDTAM_PROXY_IDLE_SECONDS", "TIDTAM_KEEP_ALIVE_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    assert GatewaySettings().proxy_idle_seconds < GatewaySettings().keep_alive_seconds
    assert GatewaySettings(proxy_idle_seconds=4.5, keep_alive_seconds=5).proxy_idle_seconds
    with pytest.raises(ValueError, match="TIDTAM_PROXY_IDLE_SECONDS .* must be below "
                                         "TIDTAM_KEEP_ALIVE_SECONDS"):
        GatewaySettings(proxy_idle_seconds=5, keep_alive_seconds=5)

"""The signed gateway context and the visibility rule (unit: no I/O)."""

import time
import uuid

import pytest

from crmkit.context import TenantId, VisibilityScope, scope_for, sign_context, verify_context
from crmkit.errors import Unauthorized

pytestmark = pytest.mark.unit
SECRET = "s3cret"
ME, MATE, OTHER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def _sign(**over):
    args = dict(tenant_id=uuid.uuid4(), user_id=ME, role="sales", team_id=None,
                lead_visibility="own", team_member_ids=[MATE], settings={"allow_stage_back": True})
    args.update(over)
    return sign_context(SECRET, **args)


def test_round_trip_carries_tenant_role_and_settings():
    tid = uuid.uuid4()
    ctx = verify_context(SECRET, _sign(tenant_id=tid, correlation_id="c-1"))
    assert ctx.tenant.value == tid and ctx.user_id == ME and ctx.role == "sales"
    assert ctx.settings == {"allow_stage_back": True}
    assert ctx.correlation_id == "c-1"


@pytest.mark.parametrize("token", [None, "", "garbage", "a.b", "e30.AAAA"])
def test_missing_or_forged_signature_is_401(token):
    with pytest.raises(Unauthorized):
        verify_context(SECRET, token)


def test_other_secret_is_401():
    with pytest.raises(Unauthorized, match="invalid"):
        verify_context("another", _sign())


def test_tampered_body_is_401():
    body, _, mac = _sign().partition(".")
    forged = _sign(role="admin").partition(".")[0]
    with pytest.raises(Unauthorized):
        verify_context(SECRET, f"{forged}.{mac}")
    assert body != forged


def test_expired_context_is_401():
    token = _sign(ttl=-1)
    time.sleep(0.01)
    with pytest.raises(Unauthorized, match="expired"):
        verify_context(SECRET, token)


def test_types_cannot_be_made_outside_the_context_module():
    with pytest.raises(TypeError):
        TenantId(uuid.uuid4())
    with pytest.raises(TypeError):
        VisibilityScope(None)


@pytest.mark.parametrize("role,visibility,sees_all,owners,sender", [
    ("admin", "own", True, None, None),
    ("integration", "own", True, None, None),
    ("sales", "all", True, None, None),
    ("manager", "all", True, None, None),
    ("sales", "team", False, {ME, MATE}, None),
    ("manager", "team", False, {ME, MATE}, None),
    ("manager", "own", False, {ME, MATE}, None),
    ("sales", "own", False, {ME}, ME),
])
def test_visibility_matrix(role, visibility, sees_all, owners, sender):
    scope = scope_for(role, visibility, ME, [MATE])
    assert scope.sees_all is sees_all
    assert (scope.owner_ids is None and owners is None) or scope.owner_ids == owners
    assert scope.sender_id == sender
    assert scope.may_write(OTHER) is sees_all
    # a lead OTHER owns that I sent on: readable only under `own` (or when all is visible)
    assert scope.may_read(OTHER, [ME]) is (sees_all or sender == ME)
    assert scope.may_write(ME)

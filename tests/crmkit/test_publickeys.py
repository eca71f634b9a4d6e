"""crmkit.publickeys: a public key names its tenant, and nothing of another shape does (unit)."""

import re
import uuid

import pytest

from crmkit.publickeys import PATTERN, new_key, tenant_of

pytestmark = pytest.mark.unit


def test_a_key_names_its_tenant_and_is_unguessable():
    tenant = uuid.uuid4()
    key, other = new_key(tenant), new_key(tenant)
    assert re.fullmatch(PATTERN, key) and key != other
    assert tenant_of(key) == tenant_of(other) == tenant


@pytest.mark.parametrize("key", ["", "short", "z" * 54, uuid.uuid4().hex + "A" * 21,
                                 uuid.uuid4().hex + "A" * 23])
def test_other_shapes_name_no_tenant(key):
    assert tenant_of(key) is None

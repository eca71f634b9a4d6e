"""The activities database's roles: request handlers may only INSERT into the outbox, which holds
every tenant's events outside RLS; only the relay role reads it."""

from __future__ import annotations

import pytest

from crmkit.testing.roles import assert_outbox_roles

pytestmark = pytest.mark.integration


async def test_request_role_may_only_insert_into_the_outbox(act_db):
    await assert_outbox_roles(act_db)

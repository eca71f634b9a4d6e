"""The capture database's roles: request handlers (the public form posts among them) may only
INSERT into the outbox, which holds every tenant's events outside RLS; only the relay role
reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmkit.testing.roles import assert_outbox_roles

pytestmark = pytest.mark.integration

SERVICE_DIR = Path(__file__).resolve().parents[2] / "services" / "capture"


@pytest.fixture(scope="module")
def capture_db(make_service_db):
    return make_service_db("capture", SERVICE_DIR)  # migrated outside the test's event loop


async def test_request_role_may_only_insert_into_the_outbox(capture_db):
    await assert_outbox_roles(capture_db)

"""crmkit.idempotency without a database: what a key may be, what "the same request" is, and
that a route taking keys without the route class that records answers fails loudly."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import APIRouter

from crmkit.config import DEV_CONTEXT_SECRET, ServiceSettings
from crmkit.context import HEADER, sign_context
from crmkit.db import create_engine, sessionmaker
from crmkit.deps import IdempotentDb
from crmkit.errors import Unprocessable
from crmkit.idempotency import IdempotentRoute, check_key, fingerprint
from crmkit.web import create_app

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("key", ["a", str(uuid.uuid4()), "order 42/retry:1 ~!", "x" * 255])
def test_keys_of_1_to_255_printable_ascii_characters(key):
    assert check_key(key) == key


def test_spaces_around_a_key_are_not_part_of_it():
    assert check_key(" 0 ") == "0" and check_key("a b ") == "a b"


@pytest.mark.parametrize("key", ["", "   ", "x" * 256, " " + "x" * 255, "ไทย", "tab\there",
                                 "nul\x00", "del\x7f", "line\n"])
def test_anything_else_is_422_naming_the_header(key):
    with pytest.raises(Unprocessable) as refused:
        check_key(key)
    assert refused.value.fields[0].field == "header.Idempotency-Key"


def test_the_same_request_is_the_same_json_whatever_its_key_order_and_spacing():
    same = fingerprint("POST", "/api/v1/leads", b'{"name": "a", "phone": "1"}')
    assert fingerprint("POST", "/api/v1/leads", b'{"phone":"1","name":"a"}') == same
    assert fingerprint("POST", "/api/v1/leads", b'{"name": "b", "phone": "1"}') != same
    assert fingerprint("POST", "/api/v1/labels", b'{"name": "a", "phone": "1"}') != same
    assert fingerprint("PUT", "/api/v1/leads", b'{"name": "a", "phone": "1"}') != same
    assert fingerprint("POST", "/api/v1/leads?x=1", b'{"name": "a", "phone": "1"}') != same


def test_a_body_that_is_not_json_counts_byte_for_byte():
    assert fingerprint("POST", "/x", b"\xff\xfe") == fingerprint("POST", "/x", b"\xff\xfe")
    assert fingerprint("POST", "/x", b"\xff\xfe") != fingerprint("POST", "/x", b"\xff\xfd")
    deep = b"[" * 2000 + b"]" * 2000  # deeper than orjson reads: byte for byte too
    assert fingerprint("POST", "/x", deep) != fingerprint("POST", "/x", deep + b" ")


async def test_a_keyed_route_outside_the_route_class_fails_before_touching_anything():
    settings = ServiceSettings(service_name="kit")
    app = create_app(service="kit", title="kit")
    app.state.settings = settings
    # Never connected: the check comes first.
    app.state.sessionmaker = sessionmaker(create_engine("postgresql+asyncpg://x@127.0.0.1:9/x"))
    plain, wired = APIRouter(), APIRouter(route_class=IdempotentRoute)

    @plain.post("/plain")
    async def forgot(db: IdempotentDb) -> dict[str, str]:
        return {}

    @wired.get("/listing")
    async def listing() -> dict[str, str]:
        return {"ok": "yes"}

    app.include_router(plain)
    app.include_router(wired)
    token = sign_context(DEV_CONTEXT_SECRET, tenant_id=uuid.uuid4(), user_id=uuid.uuid4(),
                         role="admin", team_id=None, lead_visibility="all",
                         team_member_ids=[], settings={})
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        r = await client.post("/plain", headers={HEADER: token})
        assert r.status_code == 500
        # a route of an IdempotentRoute router that takes no key is served as FastAPI would
        assert (await client.get("/listing")).json() == {"ok": "yes"}

"""The shared HTTP edge: body limit, error schema, correlation id, OpenAPI errors (in-process)."""

import httpx
import pytest
from pydantic import BaseModel, ConfigDict, Field

from crmkit.errors import Conflict, error_responses
from crmkit.web import create_app

pytestmark = pytest.mark.unit


class Thing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200)
    count: int = 0


def _app():
    app = create_app(service="t", title="t")

    @app.post("/things", status_code=201, responses=error_responses(409))
    async def make(thing: Thing):
        if thing.name == "taken":
            raise Conflict("a thing with this name exists; choose another name")
        return thing

    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


async def test_valid_request_passes_and_echoes_a_correlation_id(client):
    r = await client.post("/things", json={"name": "ลูกค้า"}, headers={"X-Correlation-ID": "abc"})
    assert r.status_code == 201 and r.json()["name"] == "ลูกค้า"
    assert r.headers["x-correlation-id"] == "abc"


async def test_generated_correlation_id_when_none_given(client):
    r = await client.post("/things", json={"name": "x"})
    assert len(r.headers["x-correlation-id"]) == 36


@pytest.mark.parametrize("body,field,fragment,code,params", [
    ({"name": "x", "colour": 1}, "body.colour", "not a known field", "unknown_field", {}),
    ({"name": "x", "count": "many"}, "body.count", "integer", "int_parsing", {}),
    ({}, "body.name", "required", "missing", {}),
    ({"name": "ก" * 10_000}, "body.name", "at most 200", "too_long", {"max_length": 200}),
    ({"name": None}, "body.name", "null", "null_not_allowed", {}),
])
async def test_bad_input_is_422_naming_the_field(client, body, field, fragment, code, params):
    r = await client.post("/things", json=body)
    assert r.status_code == 422
    err = r.json()
    assert err["code"] == "validation_error"
    assert err["fields"][0]["field"] == field
    # The stable code and its parameters: what a client translates, whatever the message.
    assert err["fields"][0]["code"] == code and err["fields"][0]["params"] == params
    assert fragment in err["fields"][0]["message"]


async def test_body_over_one_megabyte_is_413(client):
    r = await client.post("/things", content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                          headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"


async def test_chunked_body_over_limit_is_413_without_content_length(client):
    async def chunks():
        for _ in range(40):
            yield b" " * 65536

    r = await client.post("/things", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


async def test_deeply_nested_json_is_4xx_not_500(client):
    deep = b"[" * 200_000 + b"]" * 200_000
    r = await client.post("/things", content=deep[: 1024 * 1000],
                          headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    r = await client.post("/things", content=b'{"name": "x", "count": ' + b"9" * 5000 + b"}",
                          headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text


async def test_typed_error_carries_status_and_message(client):
    r = await client.post("/things", json={"name": "taken"})
    assert r.status_code == 409
    assert r.json() == {"code": "conflict",
                        "message": "a thing with this name exists; choose another name",
                        "fields": []}


async def test_unknown_route_and_method_use_the_error_schema(client):
    r = await client.get("/nothing")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    r = await client.delete("/things")
    assert r.status_code == 405 and r.json()["code"] == "method_not_allowed"


def test_openapi_documents_errors_with_one_schema():
    spec = _app().openapi()
    op = spec["paths"]["/things"]["post"]
    for status in ("401", "409", "422"):
        assert op["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]


async def test_405_allows_every_method_of_the_path_not_only_the_first_route():
    app = create_app(service="t", title="t")

    @app.get("/things/{thing_id:id}")
    async def read(thing_id: str):
        return {}

    @app.delete("/things/{thing_id:id}")
    async def remove(thing_id: str):
        return {}

    @app.post("/things/archive")
    async def archive():
        return {}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        for method in ("OPTIONS", "PUT", "QUERY"):
            r = await c.request(method, "/things/0b5a8f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b")
            assert r.status_code == 405 and r.headers["allow"] == "GET, DELETE", method
            assert r.json()["code"] == "method_not_allowed" and "GET, DELETE" in r.text
        # `archive` is not an id, so only the literal route's methods apply
        r = await c.patch("/things/archive")
        assert r.status_code == 405 and r.headers["allow"] == "POST"
        assert (await c.get("/things/not-an-id")).status_code == 404


async def test_405_names_the_methods_of_included_routers_and_mounted_apps(tmp_path):
    """Services declare their routes on APIRouters (nested ones too) and include them, and
    an app may mount another: their routes are not in `app.router.routes`."""
    from fastapi import APIRouter
    from starlette.responses import JSONResponse
    from starlette.routing import Route, Router
    from starlette.staticfiles import StaticFiles

    app = create_app(service="t", title="t")
    outer = APIRouter(prefix="/api/v1/leads")
    inner = APIRouter(prefix="/{lead_id:id}/followups")

    @inner.get("")
    async def list_followups(lead_id: str):
        return []

    @inner.post("")
    async def log_followup(lead_id: str):
        return {}

    @inner.get("/{entry_id:int}")
    async def one_followup(lead_id: str, entry_id: int):
        return {}

    @outer.get("")
    async def list_leads():
        return []

    @outer.post("")
    async def create_lead():
        return {}

    outer.include_router(inner)
    app.include_router(outer)
    async def put_key(request):
        return JSONResponse({})

    # A mounted router (not an app): its 405 is answered by the outer app's handler.
    app.mount("/sub", Router(routes=[Route("/{key}", put_key, methods=["PUT"])]))
    (tmp_path / "app.js").write_text("export {};")
    app.mount("/static", StaticFiles(directory=tmp_path))  # GET and HEAD only
    lead = "/api/v1/leads/0b5a8f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b/followups"
    expected = [("DELETE", "/api/v1/leads", "GET, POST"),
                ("PUT", lead, "GET, POST"),
                ("PATCH", f"{lead}/7", "GET"),
                ("DELETE", f"{lead}/7", "GET"),
                ("GET", "/sub/k", "PUT"),
                ("POST", "/static/app.js", "GET, HEAD")]
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        for method, path, allow in expected:
            r = await c.request(method, path)
            assert r.status_code == 405 and r.headers["allow"] == allow, (method, path)
            use = ", ".join(m for m in allow.split(", ") if m != "HEAD")  # HEAD goes unsaid
            assert r.json() == {"code": "method_not_allowed", "fields": [],
                                "message": f"{method} is not allowed here; use {use}"}
        assert (await c.put("/sub/k")).status_code == 200
        assert (await c.get("/static/app.js")).status_code == 200
        assert (await c.patch(f"{lead}/not-a-number")).status_code == 404

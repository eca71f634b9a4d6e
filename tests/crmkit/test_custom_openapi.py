"""The custom-field and segment operations are the same, byte for byte, in every service that
mounts them: the gateway merges the services' documents by keeping one copy of an equal
operation (unit)."""

from __future__ import annotations

import orjson
import pytest
from fastapi import FastAPI

from crmkit.custom import CustomEntity, custom_routers
from crmkit.web import create_app

pytestmark = pytest.mark.unit


def _spec(entity: str, table: str) -> dict:
    app: FastAPI = create_app(service=table, title=f"Tidtam {table}")

    @app.get(f"/api/v1/{table}")
    async def listing(q: str | None = None):
        return []

    for router in custom_routers(CustomEntity(entity, table, f"/api/v1/{table}")):
        app.include_router(router)
    return app.openapi()


def _refs(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                found.add(v.rsplit("/", 1)[-1])
            else:
                _refs(v, found)
    elif isinstance(node, list):
        for v in node:
            _refs(v, found)
    return found


def test_operations_and_their_schemas_are_identical_in_both_services():
    leads, accounts = _spec("lead", "leads"), _spec("account", "accounts")
    paths = [p for p in leads["paths"] if p.startswith(("/api/v1/custom-fields",
                                                        "/api/v1/segments"))]
    assert sorted(paths) == ["/api/v1/custom-fields", "/api/v1/custom-fields/{key}",
                             "/api/v1/segments", "/api/v1/segments/{segment_id}"]
    for path in paths:
        assert orjson.dumps(leads["paths"][path]) == orjson.dumps(accounts["paths"][path])
    names = _refs([leads["paths"][p] for p in paths], set())
    while True:  # schemas referenced by schemas too
        more = _refs([leads["components"]["schemas"][n] for n in names], set()) - names
        if not more:
            break
        names |= more
    assert {"CustomFieldCreate", "CustomFieldOut", "SegmentOut", "ErrorBody"} <= names
    for name in names:
        assert leads["components"]["schemas"][name] == accounts["components"]["schemas"][name]


def test_entity_is_a_required_query_enum_and_every_error_is_documented():
    spec = _spec("lead", "leads")
    for path in ("/api/v1/custom-fields", "/api/v1/segments/{segment_id}"):
        for method, op in spec["paths"][path].items():
            [entity] = [p for p in op["parameters"] if p["name"] == "entity"]
            assert entity["in"] == "query" and entity["required"] is True
            assert entity["schema"]["enum"] == ["lead", "account"]
            assert {"401", "404", "422"} <= set(op["responses"]), (path, method)
    assert {"403", "409"} <= set(spec["paths"]["/api/v1/custom-fields"]["post"]["responses"])


@pytest.mark.parametrize("body", [
    {"type": "select", "options": ["A", {"value": "B", "label_th": "บี"}]},
    {"type": "multi_select", "options": ["A"]},
    {"type": "text"}, {"type": "checkbox", "options": []},
    {"type": "select"}, {"type": "select", "options": []},
    {"type": "number", "options": ["1"]}, {"type": "date", "options": [{"value": "x"}]},
    {"type": "select", "options": ["A", "A"]},
])
def test_the_schema_states_the_options_rule_the_service_checks(body):
    """A custom field's `options` by `type` (oneOf): the served schema accepts a body
    exactly when the service does."""
    import jsonschema

    from crmkit.custom.schemas import CustomFieldCreate
    from crmkit.custom.service import _options
    from crmkit.errors import Unprocessable

    spec = _spec("lead", "leads")
    schema = {**spec["components"]["schemas"]["CustomFieldCreate"],
              "components": spec["components"]}
    full = {"key": "grade", "label_th": "เกรด", **body}
    schema_ok = jsonschema.Draft202012Validator(
        schema, format_checker=None).is_valid(full)
    try:
        model = CustomFieldCreate.model_validate(full)
        _options(model.type, model.options)
        service_ok = True
    except Unprocessable:
        service_ok = False
    assert schema_ok == service_ok, (body, schema_ok, service_ok)

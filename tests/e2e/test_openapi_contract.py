"""The served OpenAPI is the contract: a property-based schemathesis run against the
gateway finds no 5xx and no response off its schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

pytestmark = pytest.mark.e2e


CALLER: dict = {}


@pytest.fixture(scope="module")
def api_schema(system, make_tenant):
    tenant = make_tenant("บริษัท สคีมา จำกัด")
    tenant.add_user("sales", "sales")
    tenant.create_lead("sales")
    CALLER.update(base_url=system.gateway.url, headers=tenant.h("admin"))
    return schemathesis.openapi.from_url(system.gateway.url + "/api/v1/openapi.json")


def test_spec_documents_errors_with_one_schema(gw):
    spec = gw.get("/api/v1/openapi.json").json()
    assert any(p.startswith("/api/v1/leads") for p in spec["paths"])
    assert any(p.startswith("/api/v1/users") for p in spec["paths"])
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = op["responses"].keys()
            assert "422" in codes or method == "get" and not op.get("parameters"), (path, method)
            for code, resp in op["responses"].items():
                if code.startswith(("4", "5")):
                    ref = resp["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorBody"), (path, method, code)
            if path not in ("/api/v1/auth/token",):
                assert "401" in codes, (path, method)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_no_5xx_and_responses_match_the_schema(case):
    case.call_and_validate(base_url=CALLER["base_url"], headers=CALLER["headers"])

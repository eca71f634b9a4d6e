"""The served OpenAPI is the contract: a property-based schemathesis run against the
gateway finds no 5xx and no response off its schema."""

from __future__ import annotations

import os
import time
import unicodedata

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import positive_data_acceptance
from stdnum.th import moa

from crmkit.text import BLANK, PHONE_PATTERN

pytestmark = pytest.mark.e2e


CALLER: dict = {}

# `format: th-tax-id`: 13 digits whose last is a check digit, which no pattern can state.
# Valid ones to fuzz with (a company's, so valid for either kind of account).
schemathesis.openapi.format("th-tax-id", st.integers(0, 10**8 - 1).map(
    lambda n: f"0105{n:08d}" + moa.calc_check_digit(f"0105{n:08d}")))

# `format: phone`: any number we can dial, which no pattern states; fuzz with the common
# Thai forms (every string of PHONE_PATTERN is a valid number).
schemathesis.openapi.format("phone", st.from_regex(PHONE_PATTERN, fullmatch=True))


def distinct_option_values(body) -> bool:
    """The one part of a custom field's options rule a schema cannot state: values are
    unique once trimmed, across the string and the object form (`uniqueItems` only catches
    identical items). A POST that repeats one may get its 422 (it is exempt from the
    positive-data check, as the rules below are); every other POST is checked, the options
    by `type` rule (`oneOf`) included."""
    if not isinstance(body, dict) or not isinstance(body.get("options"), list):
        return True
    values = [o.get("value") if isinstance(o, dict) else o for o in body["options"]]
    keys = [unicodedata.normalize("NFC", v).strip(BLANK) if isinstance(v, str) else v
            for v in values]
    return len(keys) == len({repr(k) for k in keys})


# Rules across parameters that OpenAPI cannot state: a schema-valid request may break them
# and get its 422, which is right. GET /accounts/lookup takes exactly one of tax_id, name; in
# a custom field's PATCH, the options allowed depend on the stored type (a POST states its
# rule: `oneOf` by `type`, so it is checked); a segment's filters are those of the list of
# the `entity` named in the query string. A bulk action's fields depend on `action`, its
# query filters apply only with `all_matching` (and more than 500 matching is refused); an
# event feed cursor past its retention is 410. The documents rules are named below.
CROSS_PARAMETER_RULES = {("GET", "/api/v1/accounts/lookup"),
                         ("PATCH", "/api/v1/custom-fields/{key}"),
                         ("POST", "/api/v1/segments"), ("PATCH", "/api/v1/segments/{segment_id}"),
                         ("POST", "/api/v1/leads/bulk"),
                         # a cursor older than the feed keeps is 410: a rule of time
                         ("GET", "/api/v1/events"),
                         # a webhook's URL must resolve to a public address: a rule of the
                         # network (the SSRF guard), which no schema can state
                         ("POST", "/api/v1/webhooks"),
                         ("PATCH", "/api/v1/webhooks/{webhook_id}"),
                         # an activity's times by its kind (a meeting's start before its end,
                         # a task's due time), `from` before `to`; a check-in's position
                         # fresh and within 1 km of the place: rules across fields and time
                         ("POST", "/api/v1/activities"),
                         ("PATCH", "/api/v1/activities/{activity_id}"),
                         ("GET", "/api/v1/activities"), ("POST", "/api/v1/checkins"),
                         ("GET", "/api/v1/calendar"),
                         # a quote names a lead or an account; a line without a product
                         # needs a description and a price; one discount of two kinds; a
                         # discount at most what it discounts; totals that fit a document
                         ("POST", "/api/v1/quotes"), ("PATCH", "/api/v1/quotes/{quote_id}"),
                         ("POST", "/api/v1/quotes/preview"),  # the same rules, nothing kept
                         # a deal's lines (quantity × price, and their sum) must fit an
                         # amount (numeric(14, 2))
                         ("POST", "/api/v1/deals"), ("PATCH", "/api/v1/deals/{deal_id}"),
                         # the body must decode as a PNG or JPEG of at most 4 M pixels
                         ("PUT", "/api/v1/document-profile/signature"),
                         # an upload's content (a real spreadsheet), an import's owner
                         # (exactly one of user_id and column), an export's filters (those
                         # of the list of the `entity` named in the query string)
                         ("POST", "/api/v1/imports"), ("POST", "/api/v1/exports"),
                         ("POST", "/api/v1/imports/{job_id}/start"),
                         # a web form asks `name` and a phone or an email, each key once;
                         # an allowed origin must parse as one
                         ("POST", "/api/v1/capture/forms"),
                         ("PATCH", "/api/v1/capture/forms/{form_id}"),
                         # a data-subject request names the person by at least one of
                         # email, phone and LINE id; an archive only once every service
                         # answered an export (409 before, and for an erase)
                         ("POST", "/api/v1/privacy/requests"),
                         ("GET", "/api/v1/privacy/requests/{request_id}/archive"),
                         # a report's `from` not after its `to`, at most 3,700 days apart
                         *(("GET", f"/api/v1/insights/{report}{export}")
                           for report in ("funnel", "pipeline", "forecast", "won", "lost",
                                          "sources", "activities", "targets")
                           for export in ("", "/export"))}


@pytest.fixture(scope="module")
def api_schema(system, make_tenant):
    tenant = make_tenant("บริษัท สคีมา จำกัด")
    tenant.add_user("sales", "sales")
    tenant.create_lead("sales")
    # Custom-field definitions the fuzzer makes (required ones, too) would change what other
    # operations accept: they are made in a tenant of their own.
    definitions = make_tenant("บริษัท ฟิลด์ จำกัด")
    CALLER.update(base_url=system.gateway.url, headers=tenant.h("admin"),
                  definitions_headers=definitions.h("admin"))
    complete_document(system.gateway.url)
    return schemathesis.openapi.from_url(system.gateway.url + "/api/v1/openapi.json")


def complete_document(base_url: str, timeout: float = 90.0) -> None:
    """Wait until the gateway's document holds every service's operations. A service that
    did not answer in time is left out of the merged document (its description says so), and
    a fuzz run on that document would skip the service's operations without a word."""
    deadline = time.monotonic() + timeout
    while True:
        spec = httpx.get(base_url + "/api/v1/openapi.json", timeout=30).json()
        missing = "operations are missing" in spec.get("info", {}).get("description", "")
        if not missing:
            return
        assert time.monotonic() < deadline, spec["info"]["description"]
        time.sleep(1)


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


# Every POST that changes something takes `Idempotency-Key`; these do not: a log-in, a
# read-only search, and an operator action that is idempotent by itself.
NO_IDEMPOTENCY_KEY = {"/api/v1/auth/token", "/api/v1/accounts/duplicates",
                      "/api/v1/tenants/announce-limits",
                      # totals of a draft, computed and not kept (the quote editor's)
                      "/api/v1/quotes/preview",
                      # Their answers are credentials (a token, a one-time password): kept
                      # nowhere, so not for replay; a retry changes the password again.
                      "/api/v1/me/password", "/api/v1/users/{user_id}/password",
                      # a new secret calendar address each time (the old one stops working)
                      "/api/v1/calendar/feed"}


def test_every_changing_post_documents_the_idempotency_key(gw):
    spec = gw.get("/api/v1/openapi.json").json()
    for path, item in spec["paths"].items():
        if "post" not in item:
            continue
        keys = [p for p in item["post"].get("parameters", [])
                if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        if path in NO_IDEMPOTENCY_KEY:
            assert not keys, path
            continue
        assert len(keys) == 1 and not keys[0]["required"], path
        assert keys[0]["schema"]["type"] == "string" and keys[0]["schema"]["maxLength"] == 255
        assert "422" in item["post"]["responses"], path
        successes = {s: r for s, r in item["post"]["responses"].items() if s.startswith("2")}
        assert successes, path
        for status, answer in successes.items():  # a replay says so in a documented header
            replayed = answer.get("headers", {}).get("Idempotent-Replayed")
            assert replayed and replayed["schema"]["enum"] == ["true"], (path, status)


# The live stream (server-sent events) never ends, so it cannot be read whole and checked
# here; tests/e2e/test_notifications.py and tests/notifications read it.
STREAMS = "/api/v1/notifications/stream"
schema = schemathesis.pytest.from_fixture("api_schema").exclude(path=STREAMS)


# Every operation is one subtest of this one test: its time grows with the API (about 200 s
# alone on two cores), past the suite's 300 s when the machine is busy.
@pytest.mark.timeout(900)
@schema.parametrize()
@settings(max_examples=int(os.environ.get("TIDTAM_FUZZ_EXAMPLES", "25")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_no_5xx_and_responses_match_the_schema(case):
    # A key the fuzzer repeats with another body is 422, rightly: a rule across requests.
    cross = ((case.method.upper(), case.path) in CROSS_PARAMETER_RULES
             or "Idempotency-Key" in (case.headers or {})
             or ((case.method.upper(), case.path) == ("POST", "/api/v1/custom-fields")
                 and not distinct_option_values(case.body)))
    definitions = case.path.startswith(("/api/v1/custom-fields", "/api/v1/segments"))
    headers = CALLER["definitions_headers" if definitions else "headers"]
    case.call_and_validate(base_url=CALLER["base_url"], headers=headers,
                           excluded_checks=[positive_data_acceptance] if cross else None)

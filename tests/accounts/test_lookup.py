"""GET /api/v1/accounts/lookup against a fake Revenue Department server (fake_rd.py): the
service process is real and talks SOAP over HTTP to the fake (TIDTAM_RD_TIMEOUT=1)."""

from __future__ import annotations

import asyncio
import itertools
import unicodedata
import uuid

import anyio
import pytest
from accounts_support import SECRET, Person, Tenant
from stdnum.th import moa

from crmkit.testing.fake_rd import CACHED_TIN, COMPANY_NAME_QUERY, COMPANY_TIN, PERSON_TIN
from crmkit.testing.process import free_port
from tidtam_accounts.lookup.cache import TTLCache
from tidtam_accounts.lookup.client import RDClient, RDUnavailable

pytestmark = pytest.mark.integration

URL = "/api/v1/accounts/lookup"
UNREGISTERED_TIN = "0105556000041"  # valid check digit, unknown to the RD
_serial = itertools.count(1)


def fresh_tin() -> str:
    """A valid tax ID no other lookup of this session used (so not in the service's cache);
    the fake RD does not know it."""
    base = f"0105557{next(_serial):05d}"
    return base + moa.calc_check_digit(base)


@pytest.fixture
def rd(fake_rd):
    yield fake_rd
    fake_rd.reset()


@pytest.fixture
def headers():
    """A signed context as the gateway sends it. The lookup reads no tenant data, so the
    person need not be in the service's users projection."""
    tenant = Tenant(uuid.uuid4(), secret=SECRET)
    tenant.people["sales1"] = Person(uuid.uuid4(), "sales", "มานะ ขายเก่ง", uuid.uuid4(),
                                     "sales1@example.co.th")
    return tenant.headers(tenant.sales1, "all")


def assert_unavailable(resp) -> None:
    assert resp.status_code == 503, resp.text
    body = resp.json()
    assert body["code"] == "service_unavailable"
    assert "Revenue Department" in body["message"]
    assert "by hand" in body["message"]


async def test_found_by_tax_id(api, headers, rd):
    resp = await api.get(URL, params={"tax_id": COMPANY_TIN}, headers=headers)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["found"] is True and body["source"] == "rd"
    # The RD wrote ป + tone + vowel below, with stray spaces; we give NFC, spaces collapsed.
    name = "บริษัท \u0e1b\u0e39\u0e48ทดสอบ จำกัด"
    assert unicodedata.is_normalized("NFC", name)
    assert body["candidates"] == [{
        "kind": "company",
        "name": name,
        "tax_id": COMPANY_TIN,
        "branch": "00000",
        "branch_label": "สำนักงานใหญ่",
        "address": {"line": "175 อาคารสาทรซิตี้ทาวเวอร์ ชั้น 12 ห้อง 1201 ถนนสาทรใต้",
                    "subdistrict": "ทุ่งมหาเมฆ", "district": "สาทร",
                    "province": "กรุงเทพมหานคร", "postcode": "10120"},
        "business_first_date": "2013-01-25",  # 2556/01/25 in Buddhist Era
    }]
    assert (COMPANY_TIN, "") in rd.requests
    assert rd.bad_requests == []  # every call had the RD's SOAPAction, login and codes


async def test_person_and_tax_id_with_dashes(api, headers, rd):
    resp = await api.get(URL, params={"tax_id": "3-1006-00445-63-5"}, headers=headers)
    assert resp.status_code == 200, resp.text
    [person] = resp.json()["candidates"]
    assert person["kind"] == "person"
    assert person["tax_id"] == PERSON_TIN
    assert person["name"] == "นายสมชาย ใจดี"
    assert person["address"]["line"] == "8 หมู่บ้านสุขใจ หมู่ที่ 3"  # "-" parts left out
    assert person["business_first_date"] == "2017-02-01"  # 01/02/2560


async def test_found_by_name(api, headers, rd):
    resp = await api.get(URL, params={"name": f"  {COMPANY_NAME_QUERY} "}, headers=headers)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["found"] is True
    assert [(c["tax_id"], c["branch"], c["branch_label"]) for c in body["candidates"]] == [
        (COMPANY_TIN, "00000", "สำนักงานใหญ่"), (COMPANY_TIN, "00001", "สาขาที่ 00001")]
    branch = body["candidates"][1]
    assert branch["address"] == {"line": "99/9 หมู่ที่ 4 ซอยสันติธรรม 2",
                                 "subdistrict": "ช้างเผือก", "district": "เมืองเชียงใหม่",
                                 "province": "เชียงใหม่", "postcode": "50300"}
    assert ("", COMPANY_NAME_QUERY) in rd.requests  # trimmed before asking


async def test_name_is_escaped_in_the_request(api, headers, rd):
    name = "A&B <ทดสอบ> \"1\""
    resp = await api.get(URL, params={"name": name}, headers=headers)
    assert resp.status_code == 200, resp.text
    assert rd.count(name=name) == 1  # the fake parsed our XML and read the name intact
    assert rd.bad_requests == []


async def test_not_found_is_not_an_error(api, headers, rd):
    resp = await api.get(URL, params={"tax_id": UNREGISTERED_TIN}, headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.json() == {"found": False, "source": "rd", "candidates": [], "cached": False}
    resp = await api.get(URL, params={"name": "ไม่มีบริษัทนี้"}, headers=headers)
    assert resp.status_code == 200
    assert resp.json()["found"] is False


@pytest.mark.parametrize("mode", ["malformed", "http500", "doctype"])
async def test_bad_replies_are_503_and_not_cached(api, headers, rd, mode):
    tin = fresh_tin()
    rd.modes[tin] = mode
    assert_unavailable(await api.get(URL, params={"tax_id": tin}, headers=headers))
    assert rd.count(tin) == 1
    # The failure was not cached: once the RD answers again, so do we.
    rd.reset()
    resp = await api.get(URL, params={"tax_id": tin}, headers=headers)
    assert resp.status_code == 200 and resp.json()["cached"] is False
    assert rd.count(tin) == 2


async def test_timeout_is_503_and_the_service_keeps_answering(api, headers, rd):
    slow_tin = fresh_tin()
    rd.modes[slow_tin] = "slow"  # held until reset(), far past TIDTAM_RD_TIMEOUT=1
    slow = asyncio.create_task(api.get(URL, params={"tax_id": slow_tin}, headers=headers))
    assert await anyio.to_thread.run_sync(rd.wait_for_call, slow_tin)
    # While the RD holds that call, other lookups are answered (and asked of the RD).
    other_tin = fresh_tin()
    other = await api.get(URL, params={"tax_id": other_tin}, headers=headers)
    assert other.status_code == 200 and other.json() == {
        "found": False, "source": "rd", "candidates": [], "cached": False}
    assert rd.count(other_tin) == 1
    resp = await slow
    assert_unavailable(resp)
    assert "timeout" in resp.json()["message"]
    assert (await api.get("/healthz")).status_code == 200


async def test_answers_are_cached(api, headers, rd):
    first = await api.get(URL, params={"tax_id": CACHED_TIN}, headers=headers)
    second = await api.get(URL, params={"tax_id": CACHED_TIN}, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["cached"] is False and second.json()["cached"] is True
    assert first.json()["candidates"] == second.json()["candidates"]
    assert rd.count(CACHED_TIN) == 1
    # "Not VAT-registered" is an answer too.
    unregistered = fresh_tin()
    for _ in range(2):
        resp = await api.get(URL, params={"tax_id": unregistered}, headers=headers)
        assert resp.json()["found"] is False
    assert resp.json()["cached"] is True
    assert rd.count(unregistered) == 1


async def test_lookups_are_counted_in_metrics(api, headers, rd):
    for _ in range(2):
        await api.get(URL, params={"tax_id": COMPANY_TIN}, headers=headers)
    metrics = (await api.get("/metrics")).text
    assert 'tidtam_rd_lookups_total{cached="true",outcome="found",service="accounts"}' in metrics


@pytest.mark.parametrize("tax_id", [
    "0105556000018",  # wrong check digit
    "010555600001",  # 12 digits
    "01055560000ab",  # letters
    "",
])
async def test_bad_tax_id_is_422(api, headers, rd, tax_id):
    before = len(rd.requests)
    resp = await api.get(URL, params={"tax_id": tax_id}, headers=headers)
    assert resp.status_code == 422, resp.text
    assert [f["field"] for f in resp.json()["fields"]] == ["query.tax_id"]
    assert len(rd.requests) == before  # the RD was not asked


@pytest.mark.parametrize("params", [{}, {"tax_id": COMPANY_TIN, "name": "ทดสอบ"}])
async def test_exactly_one_of_tax_id_or_name(api, headers, params):
    resp = await api.get(URL, params=params, headers=headers)
    assert resp.status_code == 422, resp.text
    assert {f["field"] for f in resp.json()["fields"]} == {"query.tax_id", "query.name"}


@pytest.mark.parametrize("name", ["ก", "   ", "ทดสอบ\x01"])
async def test_bad_name_is_422(api, headers, name):
    resp = await api.get(URL, params={"name": name}, headers=headers)
    assert resp.status_code == 422, resp.text
    assert [f["field"] for f in resp.json()["fields"]] == ["query.name"]


async def test_needs_a_signed_context(api, rd):
    before = len(rd.requests)
    resp = await api.get(URL, params={"tax_id": COMPANY_TIN})
    assert resp.status_code == 401
    assert resp.json()["code"] == "unauthorized"
    assert len(rd.requests) == before


async def test_openapi_documents_the_errors(api):
    spec = (await api.get("/openapi.json")).json()
    responses = spec["paths"][URL]["get"]["responses"]
    assert {"200", "401", "422", "503"} <= set(responses)
    assert responses["503"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"}


# --- the pieces on their own ---------------------------------------------------------------

@pytest.mark.unit
def test_cache_expires_and_evicts_least_recently_used():
    now = [0.0]
    cache = TTLCache(ttl=10, size=2, clock=lambda: now[0])
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    now[0] = 10.0
    assert cache.get("a") is None and len(cache) == 1


@pytest.mark.unit
async def test_client_connection_refused_is_unavailable():
    client = RDClient(f"http://127.0.0.1:{free_port()}/vatserviceRD3.asmx", timeout=1)
    try:
        with pytest.raises(RDUnavailable) as caught:
            await client.search(tin=COMPANY_TIN)
    finally:
        await client.aclose()
    assert caught.value.reason == "connection"

"""POST /api/v1/leads: Thai phones, NFC text, defaults, duplicates hint and clear 422s."""

from __future__ import annotations

import unicodedata
import uuid

import pytest
from leads_support import lead_body

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("raw, e164", [
    ("081-234-5678", "+66812345678"),
    ("0812345678", "+66812345678"),
    ("02 123 4567", "+6621234567"),
    ("053-123-456", "+6653123456"),
    ("๐๘๑-๒๓๔-๕๖๗๘", "+66812345678"),
    ("+66 81 234 5678", "+66812345678"),
    ("66812345678", "+66812345678"),
    ("02-123-4567 ต่อ 12", "+6621234567;ext=12"),
    ("๐๒ ๑๒๓ ๔๕๖๗ ต่อ ๓๔", "+6621234567;ext=34"),
    ("+66 2 123 4567 ext. 5", "+6621234567;ext=5"),
])
async def test_thai_phone_forms_are_stored_e164(api, tenant, raw, e164):
    """One way to write an extension, the accounts service's too: inside the phone."""
    r = await api.post("/api/v1/leads", json=lead_body(phone=raw),
                       headers=tenant.headers(tenant.sales1))
    assert r.status_code == 201, r.text
    assert r.json()["phone"] == e164 and "phone_ext" not in r.json()


async def test_a_phone_with_an_extension_is_found_and_changed(api, tenant, lead_events):
    h = tenant.headers(tenant.sales1)
    r = await api.post("/api/v1/leads", json=lead_body(phone="02-987-6543 ต่อ 21"), headers=h)
    assert r.status_code == 201, r.text
    lead = r.json()
    for q in ("02-987-6543", "029876543", "+6629876543"):
        found = (await api.get("/api/v1/leads", params={"q": q}, headers=h)).json()["items"]
        assert [x["id"] for x in found] == [lead["id"]], q
    r = await api.patch(f"/api/v1/leads/{lead['id']}", headers=h,
                        json={"phone": "02-987-6543 ต่อ 22"})
    assert r.status_code == 200 and r.json()["phone"] == "+6629876543;ext=22"
    def mine(e):
        return e["subject"] == lead["id"]

    events = [await lead_events.assert_published(t, mine)
              for t in ("lead.created", "lead.updated")]
    assert [e["data"]["phone"] for e in events] == ["+6629876543;ext=21",
                                                    "+6629876543;ext=22"]
    assert all("phone_ext" not in e["data"] for e in events)


async def test_defaults_nfc_and_owner(api, tenant):
    # "ำ" written decomposed (NIKHAHIT + SARA AA) must come back composed (NFC, not NFKC)
    decomposed = "บริษัท น\u0e4d\u0e32ดี จำกัด"
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1), json=lead_body(
        name="  คุณ\u0e01\u0e34\u0e48ง  ", company=decomposed, email="Somsak@Example.CO.TH",
        potential="15000.50", note="สนใจ"))
    assert r.status_code == 201, r.text
    lead = r.json()
    assert lead["name"] == "คุณกิ่ง"
    assert lead["company"] == unicodedata.normalize("NFC", decomposed)
    assert "\u0e33" in lead["company"]
    assert lead["email"] == "Somsak@example.co.th"
    assert lead["owner_id"] == str(tenant.sales1.id)
    assert lead["box"] == "inbox" and "status" not in lead
    assert lead["sent_by"] == [] and lead["version"] == 1
    assert lead["potential"] == "15000.50" and lead["read_only"] is False
    pipes = (await api.get("/api/v1/pipelines", headers=tenant.headers(tenant.sales1))).json()
    standard = next(p for p in pipes if p["is_standard"])
    assert lead["pipeline_id"] == standard["id"]
    assert lead["stage_id"] == standard["stages"][0]["id"]


async def test_owner_must_be_an_active_user(api, tenant):
    h = tenant.headers(tenant.admin)
    r = await api.post("/api/v1/leads", headers=h, json=lead_body(owner_id=str(tenant.sales2.id)))
    assert r.status_code == 201 and r.json()["owner_id"] == str(tenant.sales2.id)
    r = await api.post("/api/v1/leads", headers=h, json=lead_body(owner_id=str(uuid.uuid4())))
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.owner_id"


async def test_possible_duplicates_are_reported_but_created(api, tenant, create_lead):
    first = await create_lead(tenant.sales1, phone="081-999-0001", email="dup@example.co.th")
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1),
                       json=lead_body(phone="+66819990001"))
    assert r.status_code == 201
    assert r.json()["possible_duplicates"] == [
        {"id": first["id"], "name": first["name"], "match": "phone"}]
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1),
                       json=lead_body(phone="089-000-1234", email="DUP@example.co.th"))
    assert [d["match"] for d in r.json()["possible_duplicates"]] == ["email"]
    # a lead the caller cannot see is not hinted at
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales3, "own"),
                       json=lead_body(phone="081-999-0001"))
    assert r.status_code == 201 and r.json()["possible_duplicates"] == []


@pytest.mark.parametrize("change, field", [
    ({"favourite_colour": "red"}, "body.favourite_colour"),
    ({"name": 42}, "body.name"),
    ({"name": "ก" * 10_000}, "body.name"),
    ({"name": "   "}, "body.name"),
    ({"phone": "12"}, "body.phone"),
    ({"phone": "โทรมาได้เลย"}, "body.phone"),
    ({"email": "not-an-email"}, "body.email"),
    ({"source": "Carrier Pigeon"}, "body.source"),
    ({"potential": -1}, "body.potential"),
    ({"potential": "lots"}, "body.potential"),
    ({"potential": "1.234"}, "body.potential"),
    ({"name": "a\x00b"}, "body.name"),
])
async def test_bad_input_is_422_naming_the_field(api, tenant, change, field):
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1),
                       json=lead_body(**change))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "validation_error"
    assert field in [f["field"] for f in body["fields"]], body


@pytest.mark.parametrize("change, field", [
    ({"source": "carrier_pigeon"}, "body.source"),
    ({"stage_id": str(uuid.uuid4())}, "body.stage_id"),
    ({"pipeline_id": str(uuid.uuid4())}, "body.pipeline_id"),
    ({"label_ids": [str(uuid.uuid4())]}, "body.label_ids"),
])
async def test_unknown_references_are_404_naming_the_field(api, tenant, change, field):
    # Well-formed, but the tenant has no such thing (the schema cannot know): 404, as for
    # any record the caller cannot see, with `fields` saying which reference.
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1),
                       json=lead_body(**change))
    assert r.status_code == 404, r.text
    assert field in [f["field"] for f in r.json()["fields"]], r.text


async def test_missing_required_fields(api, tenant):
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1), json={})
    assert r.status_code == 422
    assert {f["field"] for f in r.json()["fields"]} >= {
        "body.name", "body.phone", "body.email", "body.source"}


async def test_name_limit_is_the_schemas_max_length(api, tenant):
    # Counted in code points, as the schema's maxLength (200) counts: tone marks count too.
    # (Counting only what a reader sees let through what the schema refuses.)
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1),
                       json=lead_body(name="ก\u0e48" * 100))
    assert r.status_code == 201, r.text
    for name in ("ก\u0e48" * 100 + "ก", "ก" * 201):
        r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1),
                           json=lead_body(name=name))
        assert r.status_code == 422 and "at most 200" in r.text


async def test_created_event_is_published(api, tenant, lead_events):
    r = await api.post("/api/v1/leads", headers=tenant.headers(tenant.sales1), json=lead_body())
    lead = r.json()
    event = await lead_events.assert_published(
        "lead.created", lambda e: e["subject"] == lead["id"])
    assert event["source"] == "/services/leads" and event["specversion"] == "1.0"
    assert event["tenantid"] == str(tenant.id) and event["sequence"] == 1
    assert event["dataversion"] == "2"
    assert event["data"]["phone"] == lead["phone"] and event["data"]["box"] == "inbox"


@pytest.mark.parametrize("potential", ["15000", "0.5", None])
async def test_created_event_says_what_was_stored(api, tenant, lead_events, potential):
    """The insert writes the event in the same statement, its timestamps rendered by
    PostgreSQL: every field of the lead, timestamps as written, is the stored lead's."""
    h = tenant.headers(tenant.sales1)
    r = await api.post("/api/v1/leads", headers=h, json=lead_body(
        potential=potential, company="บริษัท ทดสอบ จำกัด", note="สนใจ"))
    assert r.status_code == 201, r.text
    stored = (await api.get(f"/api/v1/leads/{r.json()['id']}", headers=h)).json()
    event = await lead_events.assert_published(
        "lead.created", lambda e: e["subject"] == stored["id"])
    assert event["data"] == {**{k: v for k, v in stored.items()
                                if k not in ("label_ids", "read_only", "conversion_error",
                                             "consent", "line_id", "consent_change",
                                             "marketing")},
                             "by_user_id": str(tenant.sales1.id)}
    assert event["data"]["created_at"] == event["data"]["updated_at"] == stored["created_at"]


def _creates(metrics: str, path: str) -> float:
    line = f'tidtam_lead_creates_total{{path="{path}"}} '
    return next((float(x[len(line):]) for x in metrics.splitlines() if x.startswith(line)), 0.0)


async def test_the_common_create_takes_the_bare_connection(api, tenant, lead_events):
    """Once the set-up caches are warm, the caller's own plain lead is made on a bare
    asyncpg transaction (crmkit.rawtx); a lead for another owner takes the session path.
    Both answer alike and both publish their event."""
    h = tenant.headers(tenant.sales1)
    assert (await api.post("/api/v1/leads", headers=h, json=lead_body())).status_code == 201
    before = (await api.get("/metrics")).text
    bare = await api.post("/api/v1/leads", headers=h, json=lead_body())
    middle = (await api.get("/metrics")).text
    other = await api.post("/api/v1/leads", headers=h,
                           json=lead_body(owner_id=str(tenant.sales2.id)))
    after = (await api.get("/metrics")).text
    assert bare.status_code == other.status_code == 201, (bare.text, other.text)
    assert _creates(middle, "bare") == _creates(before, "bare") + 1
    assert _creates(middle, "session") == _creates(before, "session")
    assert _creates(after, "session") == _creates(middle, "session") + 1
    assert set(bare.json()) == set(other.json())
    for lead in (bare.json(), other.json()):
        await lead_events.assert_published("lead.created",
                                           lambda e, i=lead["id"]: e["subject"] == i)

"""GPS check-ins on the real service: within 1 km of the place (999 m yes, 1,001 m no, with
the distance stated), across the antimeridian and near a pole; stale, future and inaccurate
positions and an account without a location refused saying why; history per user and per
account with its visibility; event `checkin.recorded`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from act_support import known_account, known_lead

from tidtam_activities.checkins.geo import destination

pytestmark = pytest.mark.integration


def position(lat, lon, *, accuracy=15.0, age=timedelta(seconds=5)):
    return {"lat": lat, "lon": lon, "accuracy_m": accuracy,
            "taken_at": (datetime.now(UTC) - age).isoformat()}


async def check_in(api, tenant, who, pos, place, **extra):
    return await api.post("/api/v1/checkins", headers=tenant.headers(getattr(tenant, who)),
                          json={"position": pos, "place": place, **extra})


@pytest.mark.parametrize(("lat", "lon", "bearing"), [
    (13.7563, 100.5018, 30),       # Bangkok
    (-16.5, 179.9995, 90),         # Fiji, across the antimeridian
    (89.999, 45.0, 200),           # near the North Pole
])
async def test_999_m_accepted_1001_m_refused_with_the_distance(api, tenant, lat, lon,
                                                               bearing):
    place = {"lat": lat, "lon": lon, "name": "หน้าร้าน"}
    near = destination(lat, lon, bearing, 999.0)
    r = await check_in(api, tenant, "sales1", position(*near), place)
    assert r.status_code == 201, r.text
    assert r.json()["distance_m"] == pytest.approx(999.0, abs=0.01)
    assert r.json()["place_name"] == "หน้าร้าน"
    far = destination(lat, lon, bearing, 1001.0)
    r = await check_in(api, tenant, "sales1", position(*far), place)
    assert r.status_code == 422, r.text
    field = r.json()["fields"][0]
    assert field["code"] == "too_far" and field["params"]["distance_m"] == 1001
    assert "1,001 m" in r.json()["message"]


async def test_an_accounts_location_and_its_history(api, tenant, gateway_events, act_db,
                                                    captured):
    acc = await known_account(gateway_events, tenant, act_db, tenant.sales1,
                              location=(18.7877, 98.9931))
    at = destination(18.7877, 98.9931, 120, 250.0)
    before = datetime.now(UTC)
    r = await check_in(api, tenant, "sales1", position(*at), {"account_id": acc["id"]},
                       note="พบคุณสมชายที่ร้าน")
    assert r.status_code == 201, r.text
    c = r.json()
    assert c["account_id"] == acc["id"] and c["user_id"] == str(tenant.sales1.id)
    assert c["distance_m"] == pytest.approx(250.0, abs=0.01)
    assert datetime.fromisoformat(c["created_at"]) >= before - timedelta(seconds=1)
    event = await captured.assert_published("checkin.recorded", lambda e: e["subject"] == c["id"])
    assert event["data"]["account_id"] == acc["id"]

    mine = (await api.get("/api/v1/checkins", headers=tenant.headers(tenant.sales1),
                          params={"user_id": str(tenant.sales1.id)})).json()["items"]
    assert [x["id"] for x in mine] == [c["id"]]
    theirs = (await api.get("/api/v1/checkins", headers=tenant.headers(tenant.admin),
                            params={"account_id": acc["id"]})).json()["items"]
    assert [x["id"] for x in theirs] == [c["id"]]
    # the account's rule: own visibility hides it from a team mate, 404 on the one too
    h = tenant.headers(tenant.sales2, account_visibility="own")
    assert (await api.get("/api/v1/checkins", headers=h,
                          params={"account_id": acc["id"]})).json()["items"] == []
    assert (await api.get(f"/api/v1/checkins/{c['id']}", headers=h)).status_code == 404
    r = await check_in(api, tenant, "sales2", position(*at), {"account_id": acc["id"]})
    assert r.status_code == 201  # with visibility all, sales2 sees the account
    r = await api.post("/api/v1/checkins", headers=h, json={
        "position": position(*at), "place": {"account_id": acc["id"]}})
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.place.account_id"


async def test_point_check_ins_are_the_users_their_managers_and_admins(api, tenant):
    r = await check_in(api, tenant, "sales1", position(13.75, 100.5), {"lat": 13.75,
                                                                       "lon": 100.5})
    assert r.status_code == 201
    cid = r.json()["id"]
    seen = {who for who in ("admin", "manager", "sales1", "sales2", "sales3")
            if (await api.get(f"/api/v1/checkins/{cid}",
                              headers=tenant.headers(getattr(tenant, who)))).status_code == 200}
    assert seen == {"admin", "manager", "sales1"}


# The positions are made when each test runs, not when the module is collected: a
# position "1 minute ahead" made at collection is in the past by the time a long suite
# reaches the test.
@pytest.mark.parametrize(("shape", "field", "code"), [
    ({"age": timedelta(minutes=2, seconds=5)}, "body.position.taken_at", "position_stale"),
    ({"age": timedelta(minutes=-1)}, "body.position.taken_at", "position_in_future"),
    ({"accuracy": 1000.5}, "body.position.accuracy_m", "position_inaccurate"),
])
async def test_stale_future_and_inaccurate_positions_refused(api, tenant, shape, field, code):
    pos = position(13.75, 100.5, **shape)
    r = await check_in(api, tenant, "sales1", pos, {"lat": 13.75, "lon": 100.5})
    assert r.status_code == 422, r.text
    assert r.json()["fields"][0]["field"] == field and r.json()["fields"][0]["code"] == code


async def test_a_position_90_s_old_and_accurate_to_1_km_is_fine(api, tenant):
    pos = position(13.75, 100.5, accuracy=1000.0, age=timedelta(seconds=90))
    r = await check_in(api, tenant, "sales1", pos, {"lat": 13.75, "lon": 100.5})
    assert r.status_code == 201, r.text


async def test_an_account_without_a_location_or_unknown(api, tenant, gateway_events, act_db):
    acc = await known_account(gateway_events, tenant, act_db, tenant.sales1, location=None)
    r = await check_in(api, tenant, "sales1", position(13.75, 100.5), {"account_id": acc["id"]})
    assert r.status_code == 422
    assert r.json()["fields"][0]["code"] == "account_without_location"
    r = await check_in(api, tenant, "sales1", position(13.75, 100.5),
                       {"account_id": str(uuid.uuid4())})
    assert r.status_code == 404
    r = await check_in(api, tenant, "sales1", position(13.75, 100.5),
                       {"lat": 13.75, "lon": 100.5}, activity_id=str(uuid.uuid4()))
    assert r.status_code == 404 and r.json()["fields"][0]["field"] == "body.activity_id"


async def test_the_event_names_the_lead_of_its_activity(api, tenant, gateway_events, act_db,
                                                        captured):
    """The lead's history shows a check-in at one of its activities: the event says which
    lead (the leads service does not know activities)."""
    lead = await known_lead(gateway_events, tenant, act_db, tenant.sales1)
    due = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    r = await api.post("/api/v1/activities", headers=tenant.headers(tenant.sales1), json={
        "kind": "call", "subject": "เยี่ยมลูกค้า", "lead_id": lead["id"], "due_at": due})
    assert r.status_code == 201, r.text
    activity = r.json()
    r = await check_in(api, tenant, "sales1", position(13.75, 100.5),
                       {"lat": 13.75, "lon": 100.5}, activity_id=activity["id"])
    assert r.status_code == 201, r.text
    event = await captured.assert_published("checkin.recorded",
                                            lambda e: e["subject"] == r.json()["id"])
    assert event["data"]["lead_id"] == lead["id"]
    assert event["data"]["activity_id"] == activity["id"]
    r = await check_in(api, tenant, "sales1", position(13.75, 100.5),
                       {"lat": 13.75, "lon": 100.5})
    event = await captured.assert_published("checkin.recorded",
                                            lambda e: e["subject"] == r.json()["id"])
    assert event["data"]["lead_id"] is None

"""Teams and tenant settings."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


async def test_teams_are_created_listed_and_announced(gw, make_tenant, event_capture):
    t = make_tenant()
    r = gw.post("/api/v1/teams", headers=t.admin, json={"name": "  ทีมเหนือ "})
    assert r.status_code == 201, r.text
    team = r.json()
    assert team["name"] == "ทีมเหนือ"
    event = await event_capture.assert_published(
        "team.created", where=lambda e: e["subject"] == team["id"])
    assert event["data"] == {"id": team["id"], "tenant_id": t.id, "name": "ทีมเหนือ"}
    dup = gw.post("/api/v1/teams", headers=t.admin, json={"name": "ทีมเหนือ"})
    assert dup.status_code == 409 and dup.json()["code"] == "team_exists"
    t.add_team("ทีมใต้")
    names = [x["name"] for x in gw.get("/api/v1/teams", headers=t.admin).json()["items"]]
    assert sorted(names) == names and set(names) == {"ทีมเหนือ", "ทีมใต้"}
    # Another tenant may use the same name, and sees none of these.
    other = make_tenant()
    assert gw.post("/api/v1/teams", headers=other.admin, json={"name": "ทีมเหนือ"}
                   ).status_code == 201
    assert len(gw.get("/api/v1/teams", headers=other.admin).json()["items"]) == 1


def _values(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "items"}


def test_settings_defaults_and_patch(gw, make_tenant):
    t = make_tenant()
    _, _, sales = t.add_user()
    calendar = {"time_zone": "Asia/Bangkok", "agenda_time": "07:00",
                "document_digits": "arabic"}
    assert _values(gw.get("/api/v1/settings", headers=sales).json()) == {
        "lead_visibility": "all", "account_visibility": "all", "allow_stage_back": False,
        **calendar, "allow_price_edit": False}
    r = gw.patch("/api/v1/settings", headers=t.admin, json={"lead_visibility": "own"})
    assert _values(r.json()) == {"lead_visibility": "own", "account_visibility": "all",
                                 "allow_stage_back": False, "allow_price_edit": False,
                                 **calendar}
    r = gw.patch("/api/v1/settings", headers=t.admin, json={"allow_stage_back": True})
    assert _values(r.json()) == {"lead_visibility": "own", "account_visibility": "all",
                                 "allow_stage_back": True, "allow_price_edit": False,
                                 **calendar}
    r = gw.patch("/api/v1/settings", headers=t.admin,
                 json={"account_visibility": "team", "allow_price_edit": True})
    assert _values(r.json()) == {"lead_visibility": "own", "account_visibility": "team",
                                 "allow_stage_back": True, "allow_price_edit": True,
                                 **calendar}
    assert gw.patch("/api/v1/settings", headers=t.admin, json={}).json() == r.json()
    assert gw.get("/api/v1/settings", headers=sales).json() == r.json()
    # Only admins change them.
    assert gw.patch("/api/v1/settings", headers=sales,
                    json={"account_visibility": "all"}).status_code == 403
    # Settings are per tenant.
    assert gw.get("/api/v1/settings", headers=make_tenant().admin).json()["lead_visibility"] \
        == "all"


def test_settings_list_every_setting_with_its_type_and_allowed_values(gw, make_tenant):
    """Enough to draw the settings screen: every setting PATCH takes, its current value,
    type and choices."""
    t = make_tenant()
    gw.patch("/api/v1/settings", headers=t.admin, json={"lead_visibility": "team"})
    body = gw.get("/api/v1/settings", headers=t.admin).json()
    items = {i["key"]: i for i in body["items"]}
    assert set(items) == set(_values(body)) == {
        "lead_visibility", "account_visibility", "allow_stage_back", "time_zone",
        "agenda_time", "allow_price_edit", "document_digits"}
    assert items["lead_visibility"] | {"description": ""} == {
        "key": "lead_visibility", "value": "team", "type": "choice",
        "allowed": ["all", "team", "own"], "default": "all", "description": ""}
    assert items["allow_stage_back"]["type"] == "boolean"
    assert items["allow_stage_back"]["allowed"] is None
    assert all(i["description"] for i in body["items"])
    # Every listed choice is one PATCH takes, and nothing else is.
    for value in items["account_visibility"]["allowed"]:
        assert gw.patch("/api/v1/settings", headers=t.admin,
                        json={"account_visibility": value}).status_code == 200
    assert gw.patch("/api/v1/settings", headers=t.admin,
                    json={"account_visibility": "nobody"}).status_code == 422


@pytest.mark.parametrize("body,field", [
    ({"lead_visibility": "everyone"}, "body.lead_visibility"),
    ({"lead_visibility": None}, "body.lead_visibility"),
    ({"account_visibility": "everyone"}, "body.account_visibility"),
    ({"account_visibility": None}, "body.account_visibility"),
    ({"account_visibility": "ALL"}, "body.account_visibility"),
    ({"allow_stage_back": "maybe"}, "body.allow_stage_back"),
    ({"allow_stage_back": 1}, "body.allow_stage_back"),
    ({"allow_stage_back": None}, "body.allow_stage_back"),
    ({"time_zone": "Mars/Olympus"}, "body.time_zone"),
    ({"agenda_time": "07:30"}, "body.agenda_time"),
    ({"document_digits": "roman"}, "body.document_digits"),
    ({"theme": "dark"}, "body.theme"),
])
def test_settings_validation_names_the_field(gw, make_tenant, body, field):
    t = make_tenant()
    r = gw.patch("/api/v1/settings", headers=t.admin, json=body)
    assert r.status_code == 422, r.text
    assert [f["field"] for f in r.json()["fields"]] == [field]
    unchanged = gw.get("/api/v1/settings", headers=t.admin).json()
    assert (unchanged["lead_visibility"], unchanged["account_visibility"]) == ("all", "all")


async def test_document_digits_are_announced(gw, make_tenant, event_capture):
    """The documents service prints by it: tenant.settings_changed carries it."""
    t = make_tenant()
    r = gw.patch("/api/v1/settings", headers=t.admin, json={"document_digits": "thai"})
    assert r.status_code == 200 and r.json()["document_digits"] == "thai"
    event = await event_capture.assert_published(
        "tenant.settings_changed",
        where=lambda e: e["subject"] == t.id and e["data"]["document_digits"] == "thai")
    assert event["data"]["time_zone"] == "Asia/Bangkok"

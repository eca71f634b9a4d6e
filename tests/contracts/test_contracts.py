"""The contracts package and the kit's checks of a service's lists: versions and upcasting,
and a wrong or missing registration failing when the app is built, naming the event type."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import ClassVar

import pytest
from pydantic import ValidationError

from crmkit.config import ServiceSettings
from crmkit.consumer import check_handlers, on
from crmkit.events import EventSource
from crmkit.runtime import build_service
from tidtam_contracts import CATALOGUE, Catalogue, ContractError, EventData, UnknownVersion
from tidtam_contracts.accounts import AccountLeadConvertedV1
from tidtam_contracts.gateway import TenantCreatedV1, UserCreatedV1
from tidtam_contracts.leads import (
    CURRENT,
    LeadCreatedV1,
    LeadCreatedV2,
    LeadLostV1,
    LeadLostV2,
    LeadSentV2,
)

pytestmark = pytest.mark.unit


def lead_v1(**over: object) -> dict[str, object]:
    now = datetime.now(UTC).isoformat()
    return {"id": str(uuid.uuid4()), "name": "คุณสมชาย ใจดี", "phone": "+66812345678",
            "email": "somchai@example.co.th", "source": "website",
            "owner_id": str(uuid.uuid4()), "status": "lost", "reason": "ราคาสูง",
            "sent_by": [], "pipeline_id": str(uuid.uuid4()), "stage_id": str(uuid.uuid4()),
            "version": 3, "created_at": now, "updated_at": now, "from_status": "inbox",
            **over}


async def noop(session: object, event: object) -> None:
    return None


def test_v1_lead_data_is_read_as_v2():
    lost = LeadLostV2.read("1", lead_v1())
    assert isinstance(lost, LeadLostV2)
    assert (lost.box, lost.from_box, lost.reason) == ("lost", "inbox", "ราคาสูง")
    # v1 left these out (they had defaults); v2 has them, empty
    assert lost.custom == {} and lost.conversion_status is None
    assert lost.phone == "+66812345678" and "phone_ext" not in lost.model_dump()
    again = LeadLostV2.read("2", lost.model_dump(mode="json"))
    assert again == lost
    assert "status" not in again.model_dump() and "from_status" not in again.model_dump()


def test_an_early_v1_extension_moves_into_the_phone():
    early = LeadLostV2.read("1", lead_v1(phone="+6621234567", phone_ext="12"))
    assert early.phone == "+6621234567;ext=12"
    later = LeadLostV2.read("1", lead_v1(phone="+6621234567;ext=12"))  # no phone_ext
    assert later.phone == "+6621234567;ext=12"


def test_invalid_or_unknown_versions_are_refused():
    with pytest.raises(ValidationError):
        LeadLostV2.read("1", lead_v1(status=None))  # v1 data is checked against v1
    with pytest.raises(ValidationError):
        LeadLostV2.read("2", lead_v1())  # v1 data sent as v2: no `box`
    with pytest.raises(UnknownVersion, match="lead.lost has no version '3'"):
        LeadLostV2.read("3", lead_v1())
    with pytest.raises(ValidationError):  # v2's box is one of the lead's boxes
        LeadLostV2.read("1", lead_v1(status="sent"))


def test_the_catalogue_knows_every_version_and_the_newest():
    for model in CURRENT:
        assert CATALOGUE.latest(model.TYPE) is model
    assert CATALOGUE.latest("lead.lost") is LeadLostV2 and LeadLostV2.PREVIOUS is LeadLostV1
    assert LeadLostV1 in CATALOGUE and LeadLostV2.versions() == [LeadLostV2, LeadLostV1]
    assert CATALOGUE.latest("account.lead_converted") is AccountLeadConvertedV1
    with pytest.raises(ContractError, match="no contract for event type lead.vanished"):
        CATALOGUE.latest("lead.vanished")


def test_a_new_version_without_an_upcast_is_refused():
    class Bumped(EventData):
        TYPE: ClassVar[str] = "tenant.created"
        VERSION: ClassVar[str] = "2"
        PREVIOUS: ClassVar[type[EventData] | None] = TenantCreatedV1
        id: uuid.UUID

    with pytest.raises(ContractError, match="tenant.created v2 follows tenant.created v1 "
                                            "but has no upcast"):
        Catalogue([TenantCreatedV1, Bumped])


def test_an_event_source_lists_only_newest_known_contracts_once():
    with pytest.raises(ContractError, match="leads publishes lead.created v1; the newest "
                                            "is lead.created v2"):
        EventSource("leads", [LeadCreatedV1])
    with pytest.raises(ContractError, match="lists lead.created twice"):
        EventSource("leads", [LeadCreatedV2, LeadCreatedV2])

    class Stray(EventData):
        TYPE: ClassVar[str] = "lead.teleported"
        VERSION: ClassVar[str] = "1"

    with pytest.raises(ContractError, match="lead.teleported v1, which is not in "
                                            "tidtam_contracts"):
        EventSource("leads", [Stray])


def test_an_event_not_on_the_list_is_refused_naming_its_type():
    source = EventSource("leads", [LeadCreatedV2])
    v2 = LeadLostV2.read("1", lead_v1())
    with pytest.raises(ContractError, match="leads does not list lead.lost v2"):
        source.event(v2, tenant_id=uuid.uuid4(), subject=str(v2.id))
    created = LeadCreatedV2.model_validate(v2.model_dump())
    event = source.event(created, tenant_id=uuid.uuid4(), subject=str(created.id),
                         sequence=3)
    assert (event.type, event.dataversion, event.sequence) == ("lead.created", "2", 3)
    assert event.data["box"] == "lost" and event.source == "/services/leads"


def test_handlers_are_checked_naming_the_event_type():
    with pytest.raises(ContractError, match="handles lead.sent v1; the newest is lead.sent v2"):
        check_handlers("accounts.projections", [on(LeadSentV2.PREVIOUS, noop)])
    with pytest.raises(ContractError, match="handles user.created twice"):
        check_handlers("leads.projections", [on(UserCreatedV1, noop), on(UserCreatedV1, noop)])
    assert set(check_handlers("x.y", [on(LeadSentV2, noop)])) == {"lead.sent"}


def test_a_wrong_registration_fails_when_the_app_is_built():
    settings = ServiceSettings(service_name="leads", database_url="postgresql+asyncpg://x@/y")
    events = EventSource("leads", [LeadCreatedV2])
    with pytest.raises(ContractError, match="leads.projections handles lead.lost v1; the "
                                            "newest is lead.lost v2"):
        build_service(settings, title="leads", events=events,
                      handlers=[on(LeadLostV1, noop)])

    class Unlisted(EventData):
        TYPE: ClassVar[str] = "invoice.paid"
        VERSION: ClassVar[str] = "1"

    with pytest.raises(ContractError, match="invoice.paid v1, which is not in "
                                            "tidtam_contracts"):
        build_service(settings, title="leads", events=events, handlers=[on(Unlisted, noop)])
    app = build_service(settings, title="leads", events=events,
                        handlers=[on(LeadLostV2, noop)])
    doc = app.state.event_catalogue
    assert set(doc["operations"]) == {"leads_send_lead_created", "leads_receive_lead_lost"}
    assert {"lead_lost_v1", "lead_lost_v2"} <= set(doc["channels"]["lead_lost"]["messages"])

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ModelWrapValidatorHandler, model_validator
from pydantic.config import JsonDict

from crmkit.custom import CustomValuesIn, CustomValuesPatch
from crmkit.fields import Email, Omittable
from crmkit.money import BahtAmount
from crmkit.text import Phone, Text
from tidtam_contracts.capture import Consent
from tidtam_contracts.leads import Lead

from ..catalog.schemas import SourceKey
from ..consent.schemas import ConsentChange

Box = Literal["inbox", "sent", "lost", "junk"]

Potential = Annotated[Decimal, BahtAmount("Expected value in THB")]
MAX_PRODUCTS = 20
ProductIds = Annotated[list[uuid.UUID], Field(
    max_length=MAX_PRODUCTS, json_schema_extra={"uniqueItems": True}, description=(
        "The products the lead is interested in: the documents service's catalogue "
        "(GET /api/v1/products), each once; one this service does not know is 404"))]


# `name`, `phone` and `email` are required unless the lead is made from an account
# (`account_id`), which fills what is left out; `contact_id` needs `account_id`. The service
# checks it (422 naming the field); the schema states it.
_FROM_ACCOUNT_RULE: JsonDict = {"anyOf": [
    {"required": ["account_id"]},
    {"required": ["name", "phone", "email"], "not": {"required": ["contact_id"]}},
]}


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_FROM_ACCOUNT_RULE)

    # Not nullable: leave a field out to have the account's value.
    name: Omittable[Annotated[str, Text(200)]] = Field(
        None, description="Required without `account_id`; else the contact's or account's "
                          "name")
    phone: Omittable[Phone] = Field(
        None, description="Thai local forms, Thai digits, +66… or 66…; stored as E.164. "
                          "Required without `account_id`; else the contact's or account's "
                          "first phone")
    email: Omittable[Email] = Field(
        None, description="Required without `account_id`; else the contact's or account's "
                          "first email")
    account_id: Omittable[uuid.UUID] = Field(None, description=(
        "Make the lead for an existing account (GET /api/v1/accounts): what the body leaves "
        "out is filled from it; not visible to the caller: 404. Any number of leads may "
        "share an account."))
    contact_id: Omittable[uuid.UUID] = Field(None, description=(
        "A contact of `account_id` (which it requires): fills name, phone and email first; "
        "left out, the account's primary contact does"))
    source: SourceKey = Field(description="One of the tenant's lead sources (`key`, "
                                          "GET /api/v1/lead-sources); another is 404")
    company: Annotated[str, Text(200)] | None = None
    note: Annotated[str, Text(5000)] | None = None
    owner_id: uuid.UUID | None = Field(None, description="Defaults to the caller; must be an "
                                                         "active user (else 404)")
    pipeline_id: uuid.UUID | None = None
    stage_id: uuid.UUID | None = None
    label_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    potential: Potential | None = None
    custom: CustomValuesIn = Field(default_factory=dict)
    product_ids: ProductIds = Field(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _details_required_without_account(cls, data: Any,
                                          handler: ModelWrapValidatorHandler[LeadCreate]
                                          ) -> LeadCreate:
        # Without account_id a body missing name, phone or email is validated as the
        # stricter model, so every missing field is named together with the others' errors.
        if (cls is LeadCreate and isinstance(data, dict) and data.get("account_id") is None
                and any(f not in data for f in _DETAILS)):
            _LeadCreateOwnDetails.model_validate(data)
        return handler(data)


_DETAILS = ("name", "phone", "email")


class _LeadCreateOwnDetails(LeadCreate):
    name: Annotated[str, Text(200)]
    phone: Phone
    email: Email


class LeadPatch(BaseModel):
    """Only the fields sent change. `name`, `phone`, `email`, `source` and `owner_id` may
    not be null (the types exclude it: leave the field out to keep it); the others may, to
    clear them."""

    model_config = ConfigDict(extra="forbid")

    name: Omittable[Annotated[str, Text(200)]] = None
    phone: Omittable[Phone] = None
    email: Omittable[Email] = None
    company: Annotated[str, Text(200)] | None = None
    note: Annotated[str, Text(5000)] | None = None
    source: Omittable[SourceKey] = None
    potential: Potential | None = None
    owner_id: Omittable[uuid.UUID] = None
    custom: Omittable[CustomValuesPatch] = None
    product_ids: Omittable[ProductIds] = None


class LeadOut(Lead):
    """The lead (its fields are the lead events' too: tidtam_contracts.leads.Lead), plus
    what only the API shows."""

    conversion_error: str | None = Field(description="Why the last conversion failed")
    label_ids: list[uuid.UUID] = Field(description="System labels and the caller's own")
    read_only: bool = Field(description="Visible to the caller only because they sent it on")
    consent: Consent | None = Field(None, description=(
        "The person's consent (PDPA) when the lead came through a capture channel (a web "
        "form): the text shown, its version, when, the channel, the client address, and "
        "whether marketing was agreed to (`marketing: false`: no marketing to this lead)"))
    line_id: str | None = Field(None, description="The person's LINE user id, when the lead "
                                                  "came from the tenant's LINE OA")
    consent_change: ConsentChange | None = Field(None, description=(
        "The latest change of the person's consent someone recorded (POST …/consent/revoke "
        "or …/consent/grant): withdrawn or given again, when, how, by whom"))
    marketing: bool | None = Field(None, description=(
        "Whether marketing to the person is allowed now (PDPA): the latest change recorded, "
        "else the consent captured; null when neither says (a lead typed in)"))


class DuplicateHint(BaseModel):
    id: uuid.UUID
    name: str
    match: Literal["phone", "email"]


class LeadCreated(LeadOut):
    possible_duplicates: list[DuplicateHint]


class BoxCounts(BaseModel):
    """How many leads each of the caller's boxes holds (what `GET /leads?box=` would list)."""
    inbox: int
    sent: int
    lost: int
    junk: int


class LeadPage(BaseModel):
    items: list[LeadOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmkit.custom import CustomValuesIn, CustomValuesPatch
from crmkit.fields import Email, JsonBool, JsonDate, JsonFloat, JsonIntRange, Omittable
from crmkit.money import BahtAmount, Percent
from crmkit.text import Phone, Text
from crmkit.thai import Branch, Postcode, TaxId
from tidtam_contracts.accounts import Account

Kind = Literal["company", "person"]
MatchReason = Literal["tax_id_branch", "tax_id", "phone", "email", "name"]
Baht = Annotated[Decimal, BahtAmount("Amount in THB")]
CreditDays = Annotated[int, JsonIntRange(ge=0, le=3650)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Address(_Strict):
    """A Thai address: `line` is house number, building, street…; then ตำบล/แขวง, อำเภอ/เขต,
    จังหวัด and the postcode."""

    line: Annotated[str, Text(300)] | None = None
    subdistrict: Annotated[str, Text(100)] | None = Field(None, description="ตำบล / แขวง")
    district: Annotated[str, Text(100)] | None = Field(None, description="อำเภอ / เขต")
    province: Annotated[str, Text(100)] | None = Field(None, description="จังหวัด, e.g. เชียงใหม่")
    postcode: Postcode | None = None


class Location(_Strict):
    lat: JsonFloat = Field(ge=-90, le=90)
    lon: JsonFloat = Field(ge=-180, le=180)


class PercentDiscount(_Strict):
    kind: Literal["percent"]
    value: Percent


class AmountDiscount(_Strict):
    kind: Literal["amount"]
    value: Baht


BillDiscount = Annotated[PercentDiscount | AmountDiscount, Field(discriminator="kind")]


class Anniversary(_Strict):
    kind: Literal["birthday", "founding", "other"]
    date: JsonDate
    contact_id: uuid.UUID | None = None
    note: Annotated[str, Text(500)] | None = None


Label = Annotated[str, Text(50)]


class AccountFields(_Strict):
    kind: Kind = "company"
    name: Annotated[str, Text(200)] = Field(description="Thai and/or English")
    name_en: Annotated[str, Text(200)] | None = None
    tax_id: TaxId | None = None
    branch: Branch | None = Field(None, description="Defaults to 00000 when tax_id is given; "
                                                    "ignored without tax_id")
    address: Address | None = None
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    emails: list[Email] = Field(default_factory=list, max_length=10)
    website: Annotated[str, Text(300)] | None = None
    line_id: Annotated[str, Text(100)] | None = None
    location: Location | None = None
    owner_id: uuid.UUID | None = Field(None, description="Defaults to the caller; must be an "
                                                         "active user (else 404)")
    credit_limit: Baht | None = None
    credit_days: CreditDays | None = None
    bill_discount: BillDiscount | None = None
    anniversaries: list[Anniversary] = Field(default_factory=list, max_length=50)
    labels: list[Label] = Field(default_factory=list, max_length=30)
    custom: CustomValuesIn = Field(default_factory=dict)


class AccountCreate(AccountFields):
    force: JsonBool = Field(False, description="Save even if an account with the same tax ID and "
                                           "branch exists (else 409)")


class AccountPatch(_Strict):
    """Only the fields sent change; `name`, `kind` and `owner_id` may not be null."""

    kind: Omittable[Kind] = None
    name: Omittable[Annotated[str, Text(200)]] = None
    name_en: Annotated[str, Text(200)] | None = None
    tax_id: TaxId | None = None
    branch: Branch | None = None
    address: Address | None = None
    phones: Omittable[list[Phone]] = Field(None, max_length=10)
    emails: Omittable[list[Email]] = Field(None, max_length=10)
    website: Annotated[str, Text(300)] | None = None
    line_id: Annotated[str, Text(100)] | None = None
    location: Location | None = None
    owner_id: Omittable[uuid.UUID] = None
    credit_limit: Baht | None = None
    credit_days: CreditDays | None = None
    bill_discount: BillDiscount | None = None
    anniversaries: Omittable[list[Anniversary]] = Field(None, max_length=50)
    labels: Omittable[list[Label]] = Field(None, max_length=30)
    custom: Omittable[CustomValuesPatch] = None
    force: JsonBool = False


class AccountOut(Account):
    """The account: its fields are the account events' too (tidtam_contracts.accounts)."""


class AccountPage(BaseModel):
    items: list[AccountOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page")


class CopyIn(_Strict):
    name: Annotated[str, Text(200)]


class MergeIn(_Strict):
    from_id: uuid.UUID = Field(description="The account merged into this one (then gone)")


class DuplicateQuery(_Strict):
    """Candidate fields of an account about to be saved (none given: no duplicates)."""

    name: Annotated[str, Text(200)] | None = None
    tax_id: TaxId | None = None
    branch: Branch | None = None
    phones: list[Phone] = Field(default_factory=list, max_length=10)
    emails: list[Email] = Field(default_factory=list, max_length=10)
    exclude_id: uuid.UUID | None = Field(None, description="The account being edited")


class Duplicate(BaseModel):
    account: AccountOut
    score: int = Field(ge=0, le=100, description="100: certainly the same")
    reasons: list[MatchReason]


class DuplicateList(BaseModel):
    items: list[Duplicate]

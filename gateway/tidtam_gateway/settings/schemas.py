from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, StrictBool

from crmkit.fields import Omittable
from tidtam_contracts.gateway import AgendaTime, TimeZone

from ..common import Input

Visibility = Literal["all", "team", "own"]
DocumentDigits = Literal["arabic", "thai"]


class SettingValues(BaseModel):
    """Every tenant setting's value. A setting added here (with its column and its
    SettingsPatch field) appears in `items` by itself, so screens need no change."""

    lead_visibility: Visibility = Field(
        "all", description="all: everyone sees every lead; team: sales see their team's; "
                           "own: sales see their own (plus, read-only, those they sent on)")
    account_visibility: Visibility = Field(
        "all", description="The same rule for accounts and their contacts: all, team or own "
                           "(managers see their team's; admins everything)")
    allow_stage_back: bool = Field(
        False, description="Whether non-admins may move a lead to an earlier stage")
    time_zone: TimeZone = Field(
        "Asia/Bangkok", description="The time zone of the tenant's calendar days and daily "
                                    "agenda")
    agenda_time: AgendaTime = Field(
        "07:00", description="When (local time) each user's daily agenda of activities "
                             "and planned contacts is sent")
    allow_price_edit: bool = Field(
        False, description="Whether non-admins may put a price other than the catalogue's "
                           "on a quotation or invoice line")
    document_digits: DocumentDigits = Field(
        "arabic", description="The digits documents print numbers, amounts and dates in: "
                              "arabic (0-9) or thai (๐-๙)")


class SettingItem(BaseModel):
    """One setting, described enough to draw its control."""

    key: str = Field(description="The field to send in PATCH /api/v1/settings")
    value: Any = Field(description="Its current value")
    type: Literal["boolean", "choice"] = Field(
        description="boolean: true or false; choice: one of `allowed`")
    allowed: list[str] | None = Field(description="The values a choice may take; null for "
                                                  "a boolean")
    default: Any = Field(description="Its value in a new tenant")
    description: str


class SettingsOut(SettingValues):
    items: list[SettingItem] = Field(description=(
        "Every setting with its value, type, allowed values and meaning, in display order"))


class SettingsPatch(Input):
    # Omittable: left out is fine (None), an explicit null is a 422.
    lead_visibility: Omittable[Visibility] = None
    account_visibility: Omittable[Visibility] = None
    allow_stage_back: Omittable[StrictBool] = None
    time_zone: Omittable[TimeZone] = None
    agenda_time: Omittable[AgendaTime] = None
    allow_price_edit: Omittable[StrictBool] = None
    document_digits: Omittable[DocumentDigits] = None

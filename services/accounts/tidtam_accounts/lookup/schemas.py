from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field


class AddressOut(BaseModel):
    line: str = Field(description="House number, building, floor, room, village, moo, soi, "
                                  "street; empty when the RD has none")
    subdistrict: str = Field(description="ตำบล / แขวง")
    district: str = Field(description="อำเภอ / เขต")
    province: str
    postcode: str


class CandidateOut(BaseModel):
    """A pre-filled account for the user to confirm (nothing is saved)."""

    kind: Literal["company", "person"] = Field(
        description="`company` for a juristic person's tax ID (starts with 0), else `person`")
    name: str = Field(description="Registered name with its title, e.g. `บริษัท ตัวอย่าง จำกัด`")
    tax_id: str = Field(pattern=r"^\d{13}$")
    branch: str = Field(pattern=r"^\d{5}$", description="`00000` is the head office")
    branch_label: str = Field(description="`สำนักงานใหญ่` or `สาขาที่ 00001`, as printed on a "
                                          "tax invoice")
    address: AddressOut
    business_first_date: dt.date | None = Field(description="Start of business as the RD has it")


class LookupOut(BaseModel):
    found: bool = Field(description="False means not VAT-registered (or no registrant with "
                                    "that name)")
    source: Literal["rd"] = "rd"
    candidates: list[CandidateOut]
    cached: bool = Field(description="Answered from this service's cache, not asked again")

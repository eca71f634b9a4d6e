from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from crmkit.text import Text
from crmkit.thai import Branch, TaxId


class ProfileIn(BaseModel):
    """Every field of the seller that a full tax invoice (Revenue Code 86/4) prints."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Text(200), Field(description="Legal name in Thai, e.g. บริษัท "
                                                      "ติดตาม จำกัด")]
    name_en: Annotated[str, Text(200)] | None = None
    tax_id: TaxId
    branch: Branch = "00000"
    address: Annotated[str, Text(500), Field(description="As registered with the Revenue "
                                                         "Department")]
    phone: Annotated[str, Text(50)] | None = None


class ProfileOut(BaseModel):
    name: str
    name_en: str | None
    tax_id: str
    branch: str
    branch_label: str = Field(description="สำนักงานใหญ่ or สาขาที่ 00001")
    address: str
    phone: str | None
    has_logo: bool = Field(description="Whether a logo is set (PUT /company-profile/logo)")
    version: int

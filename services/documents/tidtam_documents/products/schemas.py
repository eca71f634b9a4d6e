from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from crmkit.fields import Omittable
from crmkit.money import BahtAmount
from crmkit.text import Text

from ..money.totals import VatType

Baht = Annotated[Decimal, BahtAmount("Amount in THB")]
Sku = Annotated[str, Text(50), Field(description="Stock-keeping unit, unique in the tenant "
                                                 "whatever its case")]


class ProductIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sku: Sku
    name: Annotated[str, Text(200), Field(description="Thai name, as printed on documents")]
    name_en: Annotated[str, Text(200)] | None = None
    unit: Annotated[str, Text(30), Field(description="e.g. ชิ้น, ชั่วโมง, เดือน")]
    unit_price: Baht
    vat_type: VatType = Field("vat7", description="vat7: 7 % VAT; zero: 0 % (exports); "
                                                  "exempt: outside VAT")
    active: StrictBool = Field(True, description="Inactive products are not offered for new "
                                                 "lines; documents that have them keep them")


class ProductPatch(BaseModel):
    """Only what is sent changes."""

    model_config = ConfigDict(extra="forbid")

    sku: Omittable[Sku] = None
    name: Omittable[Annotated[str, Text(200)]] = None
    name_en: Annotated[str, Text(200)] | None = Field(None, description="null clears it")
    unit: Omittable[Annotated[str, Text(30)]] = None
    unit_price: Omittable[Baht] = None
    vat_type: Omittable[VatType] = None
    active: Omittable[StrictBool] = None


class ProductOut(BaseModel):
    id: uuid.UUID
    sku: str
    name: str
    name_en: str | None
    unit: str
    unit_price: Decimal = Field(description="THB, 2 decimal places")
    vat_type: VatType
    active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class ProductPage(BaseModel):
    items: list[ProductOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at "
                                                "the end")

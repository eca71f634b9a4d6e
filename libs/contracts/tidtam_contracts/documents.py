"""Events of the documents service: the product catalogue (later: quotations, invoices, tax
invoices). Each carries the thing after the change; `version` grows by one with every change
(the events' `sequence`). Money is a decimal string with 2 places ("1500.00"), never a
float."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import BaseModel, Field

from .base import EventData

VatType = Literal["vat7", "zero", "exempt"]


class Product(BaseModel):
    id: uuid.UUID
    sku: str
    name: str = Field(description="Thai name")
    name_en: str | None
    unit: str = Field(description="e.g. ชิ้น, ชั่วโมง")
    unit_price: str = Field(description="Baht, a decimal string with 2 places")
    vat_type: VatType
    active: bool
    version: int


class ProductEvent(Product, EventData):
    VERSION: ClassVar[str] = "1"


class ProductCreatedV1(ProductEvent):
    TYPE: ClassVar[str] = "product.created"


class ProductUpdatedV1(ProductEvent):
    TYPE: ClassVar[str] = "product.updated"
    changed: list[str] = Field(description="The fields that changed")


EVENTS: list[type[EventData]] = [ProductCreatedV1, ProductUpdatedV1]

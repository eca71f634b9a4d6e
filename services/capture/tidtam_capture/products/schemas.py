"""The catalogue as the capture service knows it, for the admin screens' product picker."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field


class KnownProduct(BaseModel):
    id: uuid.UUID
    name: str = Field(description="Thai name (the id for a product not announced since "
                                  "names were kept)")
    name_en: str | None
    active: bool


class ProductPage(BaseModel):
    items: list[KnownProduct]

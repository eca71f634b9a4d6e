from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from crmkit.text import Text

from ..forms.schemas import PRODUCTS_DOC, FormProducts, SourceKey
from ..line.schemas import Secret

LeadField = Literal["name", "phone", "email", "company", "note"]
FormFieldName = Annotated[str, Field(min_length=1, max_length=100)]
# Meta's standard lead form fields, mapped as most pages want them.
DEFAULT_MAPPING: dict[str, LeadField] = {"full_name": "name", "phone_number": "phone",
                                         "email": "email", "company_name": "company"}


class FacebookPageIn(BaseModel):
    """The page as Meta's App Dashboard shows it. The app secret, the page access token and
    the verify token are kept sealed and never shown again; send them again to change them."""

    page_id: Annotated[str, Text(40)]
    app_secret: Secret
    page_access_token: Secret
    verify_token: Secret
    mapping: dict[FormFieldName, LeadField] = Field(
        default_factory=lambda: dict(DEFAULT_MAPPING),
        max_length=50,
        description="The lead form's field name → the lead field; other fields are kept "
                    "in the lead's custom fields by their name")
    source: SourceKey = "facebook"
    owner_id: uuid.UUID | None = Field(None, description="Who its leads go to; none: the "
                                                         "tenant's first admin")
    product_ids: FormProducts = Field(default_factory=list, description=PRODUCTS_DOC)


class FacebookPageOut(BaseModel):
    page_id: str
    source: str
    owner_id: uuid.UUID | None
    product_ids: list[uuid.UUID]
    mapping: dict[str, str]
    webhook_url: str = Field(description="Paste into the app's Webhooks callback URL")
    secrets_set: bool = Field(description="A secret and tokens are kept (never shown)")
    created_at: datetime
    updated_at: datetime


class LeadgenValue(BaseModel):
    leadgen_id: str = Field(min_length=1, max_length=100, pattern=r"^[0-9A-Za-z_-]+$")
    page_id: str | None = None
    form_id: str | None = None


class FacebookChange(BaseModel):
    field: str
    value: dict[str, Any] = Field(default_factory=dict)


class FacebookEntry(BaseModel):
    id: str | None = None
    changes: list[FacebookChange] = Field(default_factory=list)


class FacebookWebhook(BaseModel):
    object: str | None = None
    entry: list[FacebookEntry] = Field(default_factory=list)

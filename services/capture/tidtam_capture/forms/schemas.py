from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    HttpUrl,
    ValidationError,
    field_validator,
    model_validator,
)

from crmkit.text import Text

BUILT_IN = ("name", "phone", "email", "company", "note")
Kind = Literal["text", "textarea", "email", "tel"]
# Built-in fields take the kind of their lead field.
BUILT_IN_KIND: dict[str, Kind] = {"name": "text", "phone": "tel", "email": "email",
                                  "company": "text", "note": "textarea"}
Text200 = Annotated[str, Text(200)]
Consent = Annotated[str, Text(4000)]
Version = Annotated[str, Text(40)]
Origin = Annotated[str, Field(max_length=300, pattern=r"^https?://[^/?#\s]+/?$")]
SourceKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


class FieldSpec(BaseModel):
    """One field of the form: a built-in lead field (`name`, `phone`, `email`, `company`,
    `note`), or a custom one (any other key; kept on the lead under its label)."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label_th: Text200
    label_en: Text200
    kind: Kind = "text"
    required: bool = False

    @model_validator(mode="after")
    def _built_in_kind(self) -> Self:
        if self.key in BUILT_IN:
            self.kind = BUILT_IN_KIND[self.key]
        return self


def _origin(value: str) -> str:
    try:
        url = HttpUrl(value)
    except ValidationError:
        raise ValueError(f"{value!r} is not an origin (scheme://host[:port])") from None
    if url.scheme not in ("http", "https") or url.path not in (None, "", "/") \
            or url.query or url.fragment:
        raise ValueError(f"{value!r} is not an origin (scheme://host[:port], nothing after)")
    port = f":{url.port}" if url.port and url.port != {"http": 80, "https": 443}[url.scheme] \
        else ""
    return f"{url.scheme}://{url.host}{port}"


class FormFields(BaseModel):
    fields: list[FieldSpec] = Field(min_length=1, max_length=30)

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: list[FieldSpec]) -> list[FieldSpec]:
        keys = [f.key for f in value]
        if len(set(keys)) != len(keys):
            raise ValueError("each field key once")
        if "name" not in keys or not ({"phone", "email"} & set(keys)):
            raise ValueError("a form asks at least `name` and one of `phone`, `email`")
        return value


PRODUCTS_DOC = ("Catalogue products (GET /api/v1/products) its leads are interested in: the "
                "lead is created with them (`product_ids`), so queue conditions on products "
                "match; each once, at most 20")


def _once(value: list[uuid.UUID]) -> list[uuid.UUID]:
    return list(dict.fromkeys(value))


FormProducts = Annotated[list[uuid.UUID], Field(max_length=20), AfterValidator(_once)]


class FormCreate(FormFields):
    name: Text200
    source: SourceKey = Field("website", description="The lead source key its leads get "
                                                     "(leads service)")
    owner_id: uuid.UUID | None = Field(None, description="Who its leads go to (an active "
                                                         "user); none: the first admin")
    product_ids: FormProducts = Field(default_factory=list, description=PRODUCTS_DOC)
    consent_th: Consent
    consent_en: Consent
    consent_version: Version
    allowed_origins: list[Origin] = Field(default_factory=list, max_length=20, description=(
        "Origins whose pages may post to it (CORS), e.g. `https://shop.example.co.th`"))
    enabled: bool = True

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(_origin(v) for v in value))


class FormPatch(BaseModel):
    """Only the fields sent change. A changed consent text needs a new `consent_version`."""

    name: Text200 | None = None
    source: SourceKey | None = None
    owner_id: uuid.UUID | None = None
    product_ids: FormProducts | None = Field(None, description=PRODUCTS_DOC)
    fields: list[FieldSpec] | None = Field(None, min_length=1, max_length=30)
    consent_th: Consent | None = None
    consent_en: Consent | None = None
    consent_version: Version | None = None
    allowed_origins: list[Origin] | None = Field(None, max_length=20)
    enabled: bool | None = None

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: list[FieldSpec] | None) -> list[FieldSpec] | None:
        return None if value is None else FormFields._fields(value)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else FormCreate._origins(value)


class FormOut(BaseModel):
    id: uuid.UUID
    public_key: str
    name: str
    source: str
    owner_id: uuid.UUID | None
    product_ids: list[uuid.UUID]
    fields: list[FieldSpec]
    consent_th: str
    consent_en: str
    consent_version: str
    allowed_origins: list[str]
    enabled: bool
    version: int
    created_at: datetime
    updated_at: datetime
    hosted_url: str = Field(description="The hosted page (Thai/English, phone-sized)")
    post_url: str = Field(description="Where a page posts (JSON or a form post)")
    snippet_html: str = Field(description="A plain HTML form to paste into a page")
    submissions: int = Field(description="Submissions accepted so far")


class FormPage(BaseModel):
    items: list[FormOut]


class Received(BaseModel):
    """A submission was received: the lead is made (or the follow-up added) right after."""

    submission_id: uuid.UUID
    status: Literal["received"] = "received"

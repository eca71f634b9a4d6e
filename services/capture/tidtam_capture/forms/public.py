"""The public end of a web form: `POST /capture/forms/{public_key}` (JSON or a form post),
its CORS preflight, reached through the gateway without logging in (the gateway signs a
context naming the key's tenant and the client's address).

In order, each step cheaper than the next: rate limits per form and per client address
(429 with Retry-After), the size cap (413), parsing (400/415), the form (404 if unknown or
switched off), the page's origin (403 unless allowed), the honeypot (a filled one is
answered like a success and dropped), the fields (422 naming each), the consent. Then the
submission id (the client's, or a new one) is recorded and `lead.captured` staged by one
statement (BEGIN with the tenant, that statement, COMMIT: three round trips): a repeat of
the id makes nothing new and gets the same answer. The form itself comes from the
process's FormCache, checked by that statement to be still current (else read again); the
lead is made by the leads service from the event, after the answer."""

from __future__ import annotations

import json
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from fastapi import Request
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import RedirectResponse, Response

from crmkit.context import RequestContext
from crmkit.db import unit_of_work
from crmkit.errors import (
    AppError,
    FieldError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    Unprocessable,
)
from crmkit.fields import Email
from crmkit.text import check_text, parse_phone
from tidtam_contracts.capture import Consent, LeadCapturedV1

from ..config import CaptureSettings
from ..contracts import EVENTS
from . import repository
from .limits import Buckets
from .schemas import BUILT_IN, FieldSpec, Received
from .service import HONEYPOT, post_path, tenant_of_key

CLIENT_IP = "client_ip"  # the key of the client's address in the signed context's settings
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)
_TRUE = {"true", "on", "1", "yes"}
MAX_LEN = {"textarea": 2000, "text": 200, "email": 254, "tel": 60}


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"


class Limits:
    """The process's buckets (app.state.capture_limits), from its settings."""

    def __init__(self, settings: CaptureSettings) -> None:
        self.by_form = Buckets(burst=settings.capture_form_burst,
                               per_minute=settings.capture_form_per_minute)
        self.by_address = Buckets(burst=settings.capture_address_burst,
                                  per_minute=settings.capture_address_per_minute)

    def check(self, public_key: str, address: str) -> None:
        self.by_address.check_key(address, " from your address")
        self.by_form.check_key(public_key, " to this form")


def limits(request: Request) -> Limits:
    found: Limits | None = getattr(request.app.state, "capture_limits", None)
    if found is None:
        found = request.app.state.capture_limits = Limits(request.app.state.settings)
    return found


def client_address(ctx: RequestContext) -> str:
    return str(ctx.settings.get(CLIENT_IP) or "unknown")


def _check_key(ctx: RequestContext, public_key: str) -> None:
    if tenant_of_key(public_key) != ctx.tenant.value:
        raise NotFound("no such form")


async def read_body(request: Request, cap: int) -> bytes:
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > cap:
        raise PayloadTooLarge(f"a submission is at most {cap} bytes")
    chunks, seen = [], 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > cap:
            raise PayloadTooLarge(f"a submission is at most {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_body(request: Request, raw: bytes) -> tuple[dict[str, Any], bool]:
    """(the submitted values, whether it was a browser's form post)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        if kind == "application/json":
            data = json.loads(raw)
            if not isinstance(data, dict):
                raise Unprocessable("send a JSON object of the form's fields")
            return data, False
        if kind == "application/x-www-form-urlencoded":
            return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True)), True
    except (ValueError, RecursionError):
        raise Unprocessable("the body is not valid JSON or form data (UTF-8)",
                            code="malformed") from None
    raise UnsupportedMediaType("send application/json or application/x-www-form-urlencoded")


def allowed_origins(form: dict[str, Any], public_url: str) -> set[str]:
    own = urlsplit(public_url)
    return {*form["allowed_origins"], f"{own.scheme}://{own.netloc}"}


def cors_headers(origin: str | None, allowed: set[str]) -> dict[str, str]:
    if origin and origin in allowed:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {"Vary": "Origin"}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "must be text")
    return value


def _flag(value: Any) -> str:
    """A control value (consent, language, honeypot) as lower-cased text; anything but a
    scalar counts as not given."""
    try:
        return _text(value).strip().lower()
    except PydanticCustomError:
        return ""


def _field(spec: FieldSpec, value: Any) -> str:
    text = _text(value).strip()
    if not text:
        if spec.required:
            raise PydanticCustomError("missing", "is required")
        return ""
    text = check_text(text, MAX_LEN[spec.kind])
    if spec.kind == "tel":
        return parse_phone(text)
    if spec.kind == "email":
        try:
            return _EMAIL.validate_python(text).lower()
        except ValidationError as exc:
            raise PydanticCustomError("email", exc.errors()[0]["msg"]) from None
    return text


def validate(fields: list[FieldSpec], data: dict[str, Any]) -> dict[str, str]:
    values: dict[str, str] = {}
    errors: list[FieldError] = []
    for spec in fields:
        try:
            values[spec.key] = _field(spec, data.get(spec.key))
        except PydanticCustomError as exc:
            errors.append(FieldError(field=f"body.{spec.key}", message=exc.message(),
                                     code=exc.type))
    if not errors and not (values.get("phone") or values.get("email")):
        errors.append(FieldError(field="body.phone", message="give a phone or an email",
                                 code="missing"))
    if _flag(data.get("consent")) not in _TRUE:
        errors.append(FieldError(field="body.consent", code="consent_required",
                                 message="the person must agree to the consent text"))
    if errors:
        raise Unprocessable("check the fields named", fields=errors)
    return values


def _submission_id(data: dict[str, Any]) -> uuid.UUID:
    given = data.get("submission_id")
    if given in (None, ""):
        return uuid.uuid4()
    try:
        return uuid.UUID(str(given))
    except ValueError:
        raise Unprocessable.on("body.submission_id", "must be a UUID (or left out)",
                               code="uuid") from None


def captured(form: dict[str, Any], fields: list[FieldSpec], values: dict[str, str],
             data: dict[str, Any], *, submission_id: uuid.UUID, address: str
             ) -> LeadCapturedV1:
    language: Literal["th", "en"] = \
        "en" if _flag(data.get("consent_language")) == "en" else "th"
    now = datetime.now(UTC)
    return LeadCapturedV1(
        submission_id=submission_id, channel="web_form", form_id=form["id"],
        source=form["source"], owner_id=form["owner_id"],
        product_ids=list(form.get("product_ids") or ()), name=values["name"],
        phone=values.get("phone", ""), email=values.get("email", ""),
        company=values.get("company") or None, note=values.get("note") or None,
        custom={f.label_en: values[f.key] for f in fields
                if f.key not in BUILT_IN and values.get(f.key)},
        consent=Consent(text=form[f"consent_{language}"], version=form["consent_version"],
                        language=language, given_at=now, channel="web_form",
                        client_address=address,
                        marketing=_flag(data.get("marketing")) in _TRUE),
        captured_at=now)


@dataclass(frozen=True)
class KnownForm:
    """A form as read at some moment: the row, its fields parsed, the origins allowed."""

    row: dict[str, Any]
    fields: list[FieldSpec]
    allowed: set[str]


class FormCache:
    """Forms by public key, kept between posts in the process's memory (at most `max_keys`,
    the oldest used go first), so a post reads no form row: the statement that stores it
    (repository.accept_submission) writes only if the form is still the version kept and
    enabled, else the form is read again and the post decided on that. Only a success is
    ever answered from a kept form: a refusal (403, 422) or the honeypot's silent drop is
    decided again on a fresh read, so an admin's change (origins, fields, switched off,
    deleted) holds from the next post on, in every replica."""

    def __init__(self, public_url: str, max_keys: int = 10_000) -> None:
        self.public_url = public_url
        self.max_keys = max_keys
        self._forms: OrderedDict[str, KnownForm] = OrderedDict()

    def get(self, public_key: str) -> KnownForm | None:
        found = self._forms.get(public_key)
        if found is not None:
            self._forms.move_to_end(public_key)
        return found

    def put(self, public_key: str, row: dict[str, Any]) -> KnownForm:
        known = KnownForm(row, [FieldSpec.model_validate(f) for f in row["fields"]],
                          allowed_origins(row, self.public_url))
        self._forms[public_key] = known
        while len(self._forms) > self.max_keys:
            self._forms.popitem(last=False)
        return known

    def drop(self, public_key: str) -> None:
        self._forms.pop(public_key, None)


def form_cache(request: Request) -> FormCache:
    found: FormCache | None = getattr(request.app.state, "capture_forms", None)
    if found is None:
        settings: CaptureSettings = request.app.state.settings
        found = request.app.state.capture_forms = FormCache(settings.public_url)
    return found


async def _form(session: AsyncSession, ctx: RequestContext, public_key: str
                ) -> dict[str, Any]:
    form = await repository.by_public_key(session, ctx.tenant, public_key)
    if form is None or not form["enabled"]:
        raise NotFound("no such form")
    return form


async def _take(session: AsyncSession, ctx: RequestContext, form: KnownForm,
                data: dict[str, Any], origin: str | None, address: str, *, fresh: bool
                ) -> uuid.UUID | None:
    """The submission's id once it is stored (or was before: a repeat), or dropped by the
    honeypot; None when `form` turned out not to be the current one (nothing stored).
    Refusals raise; from a kept (not `fresh`) form, so does the honeypot (`_Recheck`)."""
    if origin and origin not in form.allowed:
        raise Forbidden("this page's origin may not post to this form")
    submission_id = _submission_id(data)
    if _flag(data.get(HONEYPOT)):
        if not fresh:
            raise _Recheck
        return submission_id
    event = captured(form.row, form.fields, validate(form.fields, data), data,
                     submission_id=submission_id, address=address)
    current, _new = await repository.accept_submission(
        session, ctx.tenant, form_id=form.row["id"], version=form.row["version"],
        submission_id=submission_id, event=EVENTS.event(
            event, tenant_id=ctx.tenant.value, subject=str(submission_id)))
    return submission_id if current else None


class _Recheck(Exception):
    """A kept form would refuse (or silently drop) the post: decide on a fresh read."""


async def submit(request: Request, ctx: RequestContext, public_key: str) -> Response:
    settings: CaptureSettings = request.app.state.settings
    _check_key(ctx, public_key)
    address = client_address(ctx)
    limits(request).check(public_key, address)
    raw = await read_body(request, settings.capture_max_body)
    data, browser_form = parse_body(request, raw)
    origin = request.headers.get("origin")
    forms = form_cache(request)
    known = forms.get(public_key)
    async with unit_of_work(request.app.state.sessionmaker, ctx.tenant) as session:
        for _attempt in range(3):  # a kept form, then fresh reads (a change meanwhile)
            fresh = known is None
            if known is None:
                known = forms.put(public_key, await _form(session, ctx, public_key))
            headers = cors_headers(origin, known.allowed)
            try:
                submission_id = await _take(session, ctx, known, data, origin, address,
                                            fresh=fresh)
            except (_Recheck, AppError) as exc:
                if not fresh:
                    forms.drop(public_key)
                    known = None
                    continue
                if isinstance(exc, AppError):
                    exc.headers = {**headers, **(exc.headers or {})}
                raise
            if submission_id is not None:
                return _received(submission_id, headers, public_key, browser_form, data)
            forms.drop(public_key)
            known = None
    raise ServiceUnavailable("the form changed while this was sent; try again")


def _received(submission_id: uuid.UUID, headers: dict[str, str], public_key: str,
              browser_form: bool, data: dict[str, Any]) -> Response:
    if browser_form:  # a page without script: on to the hosted thank-you
        lang = "en" if _flag(data.get("consent_language")) == "en" else "th"
        return RedirectResponse(f"/f/{public_key}?sent=1&lang={lang}", status_code=303,
                                headers=headers)
    return Response(Received(submission_id=submission_id).model_dump_json(), status_code=202,
                    media_type="application/json", headers=headers)


async def preflight(request: Request, ctx: RequestContext, public_key: str) -> Response:
    """CORS preflight: allowed only for the form's origins (and the hosted page's)."""
    _check_key(ctx, public_key)
    settings: CaptureSettings = request.app.state.settings
    origin = request.headers.get("origin")
    async with unit_of_work(request.app.state.sessionmaker, ctx.tenant) as session:
        form = await _form(session, ctx, public_key)
    if not origin or origin not in allowed_origins(form, settings.public_url):
        raise Forbidden("this page's origin may not post to this form",
                        headers={"Vary": "Origin"})
    return Response(status_code=204, headers={
        **cors_headers(origin, {origin}), "Access-Control-Allow-Methods": "POST",
        "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": "600"})


__all__ = ["post_path", "preflight", "submit"]

"""Typed errors that carry their HTTP status and say what to fix, and the one error schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str = Field(description="Where the problem is, e.g. `body.phone` or `query.limit`")
    message: str = Field(description="What is wrong and how to fix it (English)")
    code: str = Field("invalid", description=(
        "Stable snake_case code of the problem, to translate: e.g. `missing`, `too_long`, "
        "`invalid_phone`, `invalid_tax_id`, `not_found` (README: Field error codes)"))
    params: dict[str, Any] = Field(default_factory=dict, description=(
        "What the message names, for a translation to fill in, e.g. `{\"max_length\": 200}`"))


class ErrorBody(BaseModel):
    """The single error schema of every Tidtam API."""

    code: str = Field(description="Stable machine-readable code, e.g. `not_found`")
    message: str = Field(description="Human-readable explanation of what to fix")
    fields: list[FieldError] = Field(default_factory=list)


class AppError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None,
                 fields: list[FieldError] | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or []
        self.headers = headers

    @classmethod
    def on(cls, field: str, message: str, *, code: str | None = None,
           params: dict[str, Any] | None = None) -> AppError:
        """The error, pinned on one field (`body.owner_id`, `query.cursor`). The field's
        `code` is `code`, else the error's own (`not_found`, `conflict`, ...)."""
        return cls(message, fields=[FieldError(
            field=field, message=message, code=code or cls.code, params=params or {})])

    def body(self) -> dict[str, Any]:
        return ErrorBody(code=self.code, message=self.message, fields=self.fields).model_dump()


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class Unprocessable(AppError):
    status = 422
    code = "validation_error"


class TooManyRequests(AppError):
    status = 429
    code = "too_many_requests"


class ServiceUnavailable(AppError):
    status = 503
    code = "service_unavailable"


_DESCRIPTIONS = {
    400: "Malformed request",
    401: "Missing, invalid or expired credentials",
    403: "Authenticated but not allowed to do this",
    404: "No such resource, or not visible to the caller",
    405: "Method not allowed",
    409: "Conflicts with the current state",
    413: "Request body too large",
    422: "Invalid input; `fields` names each field and what is wrong",
    429: "Too many attempts; `Retry-After` says how many seconds to wait",
    503: "A service this request needs is unavailable",
    504: "A service this request needs did not answer in time",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for the given error statuses, all with `ErrorBody`."""
    return {s: {"model": ErrorBody, "description": _DESCRIPTIONS[s]} for s in statuses}

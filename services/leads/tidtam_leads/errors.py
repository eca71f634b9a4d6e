"""The leads service's domain errors: a stable snake_case `code` (e.g. `stage_has_leads`,
`label_retired`, `limit_reached`) on the error and on the field it is pinned to."""

from __future__ import annotations

from crmkit.errors import AppError, Conflict, FieldError


def refused(message: str, code: str, field: str | None = None, *,
            kind: type[AppError] = Conflict) -> AppError:
    """`kind` (409 by default) with `code`, pinned on `field` (with the same code) if given."""
    fields = [FieldError(field=field, message=message, code=code)] if field else None
    return kind(message, code=code, fields=fields)

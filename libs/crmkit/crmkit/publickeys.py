"""Public keys of things anyone may reach without logging in (a web form, a channel's
webhook): the tenant's id (32 hex digits), then 16 random bytes (22 url-safe characters).
The gateway reads whose it is from the key alone and signs a context for that tenant; the
owning service then looks the key up under that tenant's RLS, so the random part is what
makes it unguessable."""

from __future__ import annotations

import secrets
import uuid

PATTERN = r"^[0-9a-f]{32}[A-Za-z0-9_-]{22}$"
LENGTH = 54


def new_key(tenant_id: uuid.UUID) -> str:
    return tenant_id.hex + secrets.token_urlsafe(16)


def tenant_of(key: str) -> uuid.UUID | None:
    """The tenant a key names, or None for a key of another shape."""
    if len(key) != LENGTH:
        return None
    try:
        return uuid.UUID(hex=key[:32])
    except ValueError:
        return None

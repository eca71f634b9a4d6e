"""The registry of message kinds. A new message is a template (templates/<kind>.<lang>.j2,
with the blocks `subject`, `text` and `html`) and a handler that turns an event into
`Message`s with `kind(...)`'s result; nothing else changes (preferences, the in-app list,
the stream, email with its log and retries all work from the registry)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

LANGUAGES = ("th", "en")


@dataclass(frozen=True)
class Kind:
    name: str
    # What a user gets until they choose otherwise (notification-preferences).
    email: bool = True
    in_app: bool = True
    # Several events of one group (a transfer of many leads) make one message with the
    # count; the email waits a moment after the last of them.
    gathers: bool = False


KINDS: dict[str, Kind] = {}


def kind(name: str, *, email: bool = True, in_app: bool = True, gathers: bool = False) -> Kind:
    """Register a message kind (once, at import of its handler's module)."""
    if name in KINDS:
        raise ValueError(f"message kind {name} is registered twice")
    KINDS[name] = Kind(name, email, in_app, gathers)
    return KINDS[name]


@dataclass(frozen=True)
class Message:
    """What a handler asks for: tell `recipient_id` about something (`params` fill the
    template; `link` is the web UI route of the record, e.g. `#/leads/<id>`)."""

    kind: Kind
    recipient_id: uuid.UUID
    group_key: str
    link: str
    params: dict[str, Any] = field(default_factory=dict)

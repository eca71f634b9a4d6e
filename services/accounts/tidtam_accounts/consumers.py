"""What the accounts service does with other services' events. The kit's Consumer commits each
handler's effect together with the `(consumer, event_id)` record, so a redelivery is skipped.

Each domain that consumes adds its bindings and a `register(consumer)` here."""

from __future__ import annotations

from crmkit.consumer import Consumer

BINDINGS: list[str] = []


def register(consumer: Consumer) -> Consumer:
    return consumer

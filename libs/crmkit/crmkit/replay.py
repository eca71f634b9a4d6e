"""Replay archived events into one queue: `python -m crmkit.replay --to-queue QUEUE`.

Every event published on `tidtam.events` is also kept in the bounded archive queue
`tidtam.events.archive` (crmkit.messaging: 100,000 messages, 7 days). This reads the archive
without taking anything out of it and publishes copies of the matching events, oldest first,
to one existing queue through the default exchange, with publisher confirms: a subscriber
that lost what it had consumed, or a new one, gets them again. Nobody else sees them (the
copies do not go through `tidtam.events`, so they reach no other queue and are not archived
twice). Consumers deduplicate on the event id, so replaying into a service's own queue
(`leads.projections`, …) applies only what it has not seen within
`TIDTAM_EVENT_RETENTION_DAYS`.

How the archive is read without loss: each message is fetched unacknowledged, and the channel
is closed at the end, which hands every one of them back to the archive in its place. Only
the messages that were there when the replay started are read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aio_pika
import orjson

from .messaging import ARCHIVE_QUEUE


@dataclass(frozen=True)
class Selection:
    """Which archived events to replay: `types` are routing-key patterns as in a binding
    (`lead.#`, `*.created`); `since` compares with the event's `time`."""
    types: tuple[str, ...] = ("#",)
    tenant: str | None = None
    since: datetime | None = None

    def takes(self, event: dict[str, object]) -> bool:
        key = str(event.get("type", "")).split(".")
        if not any(binding_matches(t.split("."), key) for t in self.types):
            return False
        if self.tenant is not None and event.get("tenantid") != self.tenant:
            return False
        if self.since is not None:
            return datetime.fromisoformat(str(event.get("time"))) >= self.since
        return True


def binding_matches(pattern: list[str], key: list[str]) -> bool:
    """AMQP topic matching, word by word: `*` is one word, `#` zero or more."""
    if not pattern:
        return not key
    head, rest = pattern[0], pattern[1:]
    if head == "#":
        return any(binding_matches(rest, key[i:]) for i in range(len(key) + 1))
    return bool(key) and head in ("*", key[0]) and binding_matches(rest, key[1:])


@dataclass
class Replayed:
    read: int = 0       # archived messages looked at
    published: int = 0  # copies confirmed into the target queue


async def replay(amqp_url: str, to_queue: str, selection: Selection, *,
                 archive: str = ARCHIVE_QUEUE) -> Replayed:
    """Copy the matching archived events into `to_queue` (which must exist); the archive
    keeps every message. Raises if the broker refuses or cannot route a copy."""
    done = Replayed()
    conn = await aio_pika.connect(amqp_url)
    try:
        out = await conn.channel(publisher_confirms=True, on_return_raises=True)
        await out.declare_queue(to_queue, passive=True)  # a missing target is an error now
        browse = await conn.channel()
        queue = await browse.declare_queue(archive, passive=True)
        held = queue.declaration_result.message_count
        if held is None:  # a passive declare always reports it; aiormq's type allows None
            raise RuntimeError(f"the broker did not say how many messages {archive} holds")
        while done.read < held:
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            done.read += 1
            if not selection.takes(orjson.loads(message.body)):
                continue
            await out.default_exchange.publish(aio_pika.Message(
                body=message.body, content_type=message.content_type,
                message_id=message.message_id, type=message.type, app_id=message.app_id,
                correlation_id=message.correlation_id, headers={"x-tidtam-replay": True},
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            ), routing_key=to_queue, mandatory=True)
            done.published += 1
        # Never acknowledged: closing the channel returns them all to the archive.
        await browse.close()
        await out.close()
    finally:
        await conn.close()
    return done


async def purge(amqp_url: str, takes: Callable[[dict[str, Any]], bool], *,
                archive: str = ARCHIVE_QUEUE) -> Replayed:
    """Remove the archived events `takes` (an erased person's, crmkit.privacy): the others
    go back to the archive in their places, as a replay leaves them. `published` counts
    the ones removed."""
    done = Replayed()
    conn = await aio_pika.connect(amqp_url)
    try:
        browse = await conn.channel()
        queue = await browse.declare_queue(archive, passive=True)
        held = queue.declaration_result.message_count or 0
        while done.read < held:
            message = await queue.get(no_ack=False, fail=False)
            if message is None:
                break
            done.read += 1
            try:
                event = orjson.loads(message.body)
            except orjson.JSONDecodeError:
                continue
            if isinstance(event, dict) and takes(event):
                await message.ack()
                done.published += 1
        await browse.close()  # the rest, never acknowledged, go back
    finally:
        await conn.close()
    return done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crmkit.replay", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--to-queue", required=True, help="an existing queue to copy into")
    parser.add_argument("--type", action="append", dest="types", metavar="PATTERN",
                        help="event types as a binding pattern (lead.#, *.created); "
                             "repeatable; default: all")
    parser.add_argument("--tenant", help="only this tenant's events (tenant id)")
    parser.add_argument("--since", type=datetime.fromisoformat,
                        help="only events at or after this time (ISO 8601 with a zone, "
                             "e.g. 2026-12-01T00:00:00+07:00)")
    parser.add_argument("--amqp-url", default=os.environ.get(
        "TIDTAM_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))
    args = parser.parse_args(argv)
    if args.since is not None and args.since.tzinfo is None:
        parser.error("--since needs a time zone, e.g. +07:00")
    selection = Selection(tuple(args.types or ["#"]), args.tenant, args.since)
    done = asyncio.run(replay(args.amqp_url, args.to_queue, selection))
    print(f"read {done.read} archived events, replayed {done.published} into {args.to_queue}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

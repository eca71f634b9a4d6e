"""Data-subject requests (PDPA) in every service: find, export and erase one person.

The gateway owns the request (`POST /api/v1/privacy/requests`) and publishes
`privacy.requested` with keyed hashes of the person's email, phone and LINE id, never the
values: HMAC-SHA256 under a key derived from the context secret, which every service has and
no subscriber of the event stream does (a phone number's plain SHA-256 is reversed by trying
the billion numbers). A service finds the person by hashing what it holds the same way
(`Person.email(...)`, `.phone(...)`, `.line_id(...)`).

Each service gives one `Finder`: `(session, tenant, person, erase) -> Part` (counts, what it
kept and why, the records' ids, the person's rows for an export, and the plain values it
found so they can be purged from its outbox and idempotency answers). The kit turns it
into the `privacy.requested` handler (`privacy_handlers`: find, erase if asked, purge the
published outbox rows and stored answers that held the person, answer `privacy.answered`)
and the internal export endpoint (`privacy_router`: `POST /internal/privacy/export`,
signed context of an admin, never proxied by the gateway), through which the gateway
collects an export's parts without personal data passing through a retained event."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from tidtam_contracts.privacy import Kept, PrivacyAnsweredV1, PrivacyRequestedV1, PrivacyResolvedV1

from . import outbox
from .config import KitSettings
from .consumer import Delivery, Handler, on
from .context import TenantId
from .db import TENANT_SETTING
from .deps import Ctx, Db
from .errors import Forbidden
from .events import EventSource
from .text import parse_phone

log = logging.getLogger("crmkit.privacy")

PURGE_FUNCTION = "privacy_purge"
SCAN_FUNCTION = "privacy_outbox_data"
SAFE_KEYS = ("from_box", "to_box", "box", "channel", "captured", "kind", "status", "source",
             "number", "from", "qualification", "created_at", "at", "starts_at", "due_at")
ERASED = "(erased)"


def match_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"tidtam privacy match v1", hashlib.sha256).digest()


@lru_cache(maxsize=1)
def _env_key() -> bytes:
    return match_key(KitSettings().context_secret.get_secret_value())


def normal_email(value: str) -> str:
    return value.strip().lower()


def normal_phone(value: str) -> str:
    """E.164 without an extension (a lead's `+6621234567;ext=12` is the same person's
    `02 123 4567`); what does not parse, its digits."""
    value = value.split(";", 1)[0].strip()
    try:
        return parse_phone(value).split(";", 1)[0]
    except ValueError:
        return "".join(ch for ch in value if ch.isdigit())


def normal_line_id(value: str) -> str:
    return value.strip()


_NORMAL = {"email": normal_email, "phone": normal_phone, "line_id": normal_line_id}


def digest(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}:{_NORMAL[kind](value)}".encode(), hashlib.sha256).hexdigest()


def request_hashes(secret: str, *, email: str | None, phone: str | None,
                   line_id: str | None) -> dict[str, str | None]:
    """The hashes `privacy.requested` carries (the gateway's side)."""
    key = match_key(secret)
    return {f"{kind}_hash": digest(key, kind, value) if value else None
            for kind, value in (("email", email), ("phone", phone), ("line_id", line_id))}


@dataclass(frozen=True)
class Person:
    """The person a request is about, as hashes; says whether a value is theirs."""

    key: bytes
    email_hash: str | None
    phone_hash: str | None
    line_id_hash: str | None
    # Ids of the person's leads, accounts and contacts (privacy.resolved), for the services
    # that know them only by these.
    subjects: frozenset[uuid.UUID] = frozenset()

    @classmethod
    def of(cls, request: PrivacyRequestedV1 | PrivacyResolvedV1 | ExportAsk,
           key: bytes | None = None) -> Person:
        return cls(key or _env_key(), request.email_hash, request.phone_hash,
                   request.line_id_hash, frozenset(getattr(request, "subjects", ())))

    @classmethod
    def from_hashes(cls, hashes: dict[str, str | None], subjects: Iterable[uuid.UUID]
                    ) -> Person:
        return cls(_env_key(), hashes.get("email_hash"), hashes.get("phone_hash"),
                   hashes.get("line_id_hash"), frozenset(subjects))

    def _is(self, kind: str, wanted: str | None, value: str | None) -> bool:
        return bool(wanted and value and hmac.compare_digest(
            digest(self.key, kind, value), wanted))

    def email(self, value: str | None) -> bool:
        return self._is("email", self.email_hash, value)

    def phone(self, value: str | None) -> bool:
        return self._is("phone", self.phone_hash, value)

    def line_id(self, value: str | None) -> bool:
        return self._is("line_id", self.line_id_hash, value)

    def any(self, *, emails: Iterable[str | None] = (), phones: Iterable[str | None] = (),
            line_ids: Iterable[str | None] = ()) -> bool:
        return (any(self.email(v) for v in emails) or any(self.phone(v) for v in phones)
                or any(self.line_id(v) for v in line_ids))


@dataclass
class Part:
    """One service's findings on the person."""

    found: dict[str, int] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)
    subjects: set[uuid.UUID] = field(default_factory=set)
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # The person's plain values this service held (names, phones, emails, LINE ids):
    # published outbox rows and stored idempotent answers holding one are purged.
    texts: set[str] = field(default_factory=set)

    def add(self, kind: str, rows: list[dict[str, Any]], *, id_key: str | None = "id",
            texts: Iterable[str] = ()) -> None:
        """Count `rows` of `kind`, keep them for an export, remember their ids and the
        values of `texts` (column names) for the purge."""
        self.found[kind] = self.found.get(kind, 0) + len(rows)
        self.data.setdefault(kind, []).extend(_jsonable(r) for r in rows)
        for row in rows:
            if id_key and row.get(id_key):
                self.subjects.add(uuid.UUID(str(row[id_key])))
            for col in texts:
                self.remember(row.get(col))

    def remember(self, value: object) -> None:
        if isinstance(value, str):
            if len(value.strip()) >= 3 and value != ERASED:
                self.texts.add(value)
        elif isinstance(value, list | tuple):
            for v in value:
                self.remember(v)


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, uuid.UUID):
            v = str(v)
        elif isinstance(v, datetime):
            v = v.isoformat()
        elif hasattr(v, "isoformat"):
            v = v.isoformat()
        elif v is not None and not isinstance(v, str | int | float | bool | list | dict):
            v = str(v)
        out[k] = v
    return out


Finder = Callable[[AsyncSession, TenantId, Person, bool], Awaitable[Part]]


async def rows(session: AsyncSession, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of a finder's query, as dicts."""
    result = await session.execute(sa.text(sql), params)
    return [dict(r._mapping) for r in result]


async def purge_published(session: AsyncSession, part: Part) -> int:
    """Delete this tenant's published outbox rows about the person's records or holding one
    of their values, and the stored idempotent answers holding one (SECURITY DEFINER: the
    request role may not read the outbox)."""
    result = await session.execute(
        sa.text(f"SELECT {PURGE_FUNCTION}(:subjects, :texts)"),
        {"subjects": [str(s) for s in part.subjects], "texts": sorted(part.texts)})
    return int(result.scalar_one())


async def outbox_data(session: AsyncSession, types: list[str]
                      ) -> list[tuple[uuid.UUID, str, dict[str, Any]]]:
    """This tenant's outbox rows of `types`: event id, subject, data."""
    result = await session.execute(sa.text(f"SELECT * FROM {SCAN_FUNCTION}(:types)"),
                                   {"types": types})
    return [(r[0], r[1], r[2]) for r in result]


class OutboxNotPublished(RuntimeError):
    """The outbox still holds unpublished rows with the person (the relay has not published
    them yet): the handler fails at once, its transaction (and the erase) is rolled back and
    the consumer redelivers the request after its growing delay (crmkit.consumer), by which
    time the relay has normally published them. Never a wait inside the transaction: that
    would hold the erase's row locks and the server's snapshot horizon for as long."""


def _holds(data: dict[str, Any], texts: Iterable[str]) -> bool:
    # As the purge's strpos over the payload's text (jsonb's output: JSON, non-ASCII kept).
    dumped = json.dumps(data, ensure_ascii=False)
    return any(t in dumped or json.dumps(t, ensure_ascii=False)[1:-1] in dumped
               for t in texts)


async def purge_when_published(session: AsyncSession, part: Part, types: list[str],
                               earlier: set[uuid.UUID]) -> int:
    """Purge the published rows (`purge_published`); if rows staged before the request
    (`earlier`: not the erase's own events) still hold one of the person's values
    unpublished, raise OutboxNotPublished (checked once, no wait): the redelivery erases
    and purges again once the relay has published them. Not scrubbing them: their consumers
    then get whole events, never half-erased ones their contracts may refuse (a dead
    letter) or that make records of nobody."""
    purged = await purge_published(session, part)
    if not part.texts or not earlier:
        return purged
    waiting = [event_id for event_id, _, data in await outbox_data(session, types)
               if event_id in earlier and _holds(data, part.texts)]
    if waiting:
        log.info("privacy erase retried later: %d outbox rows holding the person are "
                 "unpublished", len(waiting))
        raise OutboxNotPublished(f"{len(waiting)} outbox rows holding the person are not "
                                 "published yet; the request is retried")
    return purged


# Erased keys (`tombstones`): an event about the person staged before the erase ran here
# but consumed after it (a capture's `lead.captured` still on its way) would make their
# data again; a consumer that makes records of people asks `erased_since` first.
ERASED_TABLE = "privacy_erased"


async def remember_erased(session: AsyncSession, tenant: TenantId, person: Person) -> None:
    """Record the person's keyed hashes as erased now (the transaction's time)."""
    keys = [(kind, h) for kind, h in (("email", person.email_hash),
                                      ("phone", person.phone_hash),
                                      ("line_id", person.line_id_hash)) if h]
    for kind, h in keys:
        await session.execute(sa.text(
            f"INSERT INTO {ERASED_TABLE} (tenant_id, kind, hash, erased_at) "
            f"VALUES (:tenant, :kind, :hash, now()) ON CONFLICT (tenant_id, kind, hash) "
            f"DO UPDATE SET erased_at = greatest({ERASED_TABLE}.erased_at, now())"),
            {"tenant": tenant.value, "kind": kind, "hash": h})


async def erased_since(session: AsyncSession, tenant: TenantId, staged_at: datetime, *,
                       emails: Iterable[str | None] = (), phones: Iterable[str | None] = (),
                       line_ids: Iterable[str | None] = ()) -> bool:
    """Whether one of these values is a person's erased after `staged_at` (the event's
    time): the event predates their erase, and applying it would undo it."""
    key = _env_key()
    pairs = [(kind, digest(key, kind, v)) for kind, values in (
        ("email", emails), ("phone", phones), ("line_id", line_ids)) for v in values if v]
    if not pairs:
        return False
    return bool((await session.execute(sa.text(
        f"SELECT EXISTS (SELECT 1 FROM {ERASED_TABLE} e JOIN unnest(CAST(:kinds AS text[]), "
        f"CAST(:hashes AS text[])) "
        f"AS k(kind, hash) ON (e.kind, e.hash) = (k.kind, k.hash) "
        f"WHERE e.tenant_id = :tenant AND e.erased_at > :at)"),
        {"tenant": tenant.value, "kinds": [k for k, _ in pairs],
         "hashes": [h for _, h in pairs], "at": staged_at})).scalar_one())


def erased_ddl(app_role: str) -> list[str]:
    """The tombstone table of a service that remembers erased keys (`tombstones`)."""
    cond = f"tenant_id = NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid"
    return [
        f"""CREATE TABLE {ERASED_TABLE} (tenant_id uuid NOT NULL, kind text NOT NULL,
            hash text NOT NULL, erased_at timestamptz NOT NULL,
            PRIMARY KEY (tenant_id, kind, hash))""",
        f"ALTER TABLE {ERASED_TABLE} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {ERASED_TABLE} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {ERASED_TABLE} USING ({cond}) WITH CHECK ({cond})",
        f"GRANT SELECT, INSERT, UPDATE ON {ERASED_TABLE} TO {app_role}",
    ]


def privacy_handlers(events: EventSource, finder: Finder, *, resolved: bool = False,
                     purge: bool = True, tombstones: bool = False) -> list[Handler[Any]]:
    """The handler of a service: find (and erase), purge, answer. On `privacy.requested`
    for the services that know people by their keys; with `resolved`, on
    `privacy.resolved` for those that know them only by their records' ids. Without
    `purge`, for a service that keeps nothing personal (not even in its events).

    An erase fails (and is retried by the consumer) while the service's outbox holds
    unpublished rows with the person (`purge_when_published`); it purges them once
    published. With `tombstones` (a table from `erased_ddl`), an erase also remembers the
    person's keys (`remember_erased`), for the service's consumers' `erased_since`."""
    types = [model.TYPE for model in events.published]

    async def handle(session: AsyncSession,
                     delivery: Delivery[PrivacyRequestedV1] | Delivery[PrivacyResolvedV1]
                     ) -> None:
        request = delivery.data
        erase = request.kind == "erase"
        earlier = ({event_id for event_id, _, _ in await outbox_data(session, types)}
                   if erase and purge else set())
        part = await finder(session, delivery.tenant, Person.of(request), erase)
        if erase and purge:
            await purge_when_published(session, part, types, earlier)
        if erase and tombstones:
            await remember_erased(session, delivery.tenant, Person.of(request))
        answer = PrivacyAnsweredV1(
            request_id=request.request_id, service=events.service, kind=request.kind,
            found=part.found, kept=part.kept, subjects=sorted(part.subjects),
            answered_at=datetime.now(UTC))
        await outbox.stage(session, events.event(answer, tenant_id=delivery.tenant.value,
                                                 subject=str(request.request_id)))

    return [on(PrivacyResolvedV1, handle) if resolved else on(PrivacyRequestedV1, handle)]


# Keys of event data whose values are an email, a phone or a LINE id (the archive's events).
_KEY_KIND = {"email": "email", "emails": "email", "to": "email", "cc": "email",
             "to_address": "email", "phone": "phone", "phones": "phone", "line_id": "line_id"}


def about(person: Person, tenant_id: str) -> Callable[[dict[str, Any]], bool]:
    """Whether an event (a CloudEvent as a dict) is about the person: its subject or an id
    in its data is one of their records', or its data names their email, phone or LINE id."""
    ids = {str(s) for s in person.subjects}

    def walk(value: Any, key: str = "") -> bool:
        if isinstance(value, dict):
            return any(walk(v, k) for k, v in value.items())
        if isinstance(value, list):
            return any(walk(v, key) for v in value)
        if isinstance(value, str):
            kind = _KEY_KIND.get(key)
            return value in ids or (kind is not None and person._is(
                kind, getattr(person, f"{kind}_hash"), value))
        return False

    def takes(event: dict[str, Any]) -> bool:
        return event.get("tenantid") == tenant_id and (
            event.get("subject") in ids or walk(event.get("data")))

    return takes


def dead_letter_queues(services: Iterable[str], consumer: str = "projections") -> list[str]:
    """The dead-letter queues of `services`' consumers (crmkit.messaging: `<queue>.dlq`; every
    service's consumer is `<service>.projections`, crmkit.runtime's default)."""
    return [f"{service}.{consumer}.dlq" for service in services]


async def purge_archive(person: Person, tenant_id: str, dead_letters: Iterable[str] = ()
                        ) -> int:
    """Remove the person's events from the archive queue and from the dead-letter queues
    `dead_letters` (crmkit.replay.purge: the other messages go back in their places; a
    queue that does not exist, a service's without a consumer, is skipped); how many."""
    import aio_pika  # aio-pika only where it is used

    from .replay import purge

    url, takes = KitSettings().amqp_url, about(person, tenant_id)
    removed = (await purge(url, takes)).published
    for queue in dead_letters:
        try:
            removed += (await purge(url, takes, archive=queue)).published
        except aio_pika.exceptions.ChannelNotFoundEntity:
            continue
    return removed


class ExportAsk(BaseModel):
    email_hash: str | None = None
    phone_hash: str | None = None
    line_id_hash: str | None = None
    subjects: list[uuid.UUID] = []


class ExportPart(BaseModel):
    service: str
    found: dict[str, int]
    data: dict[str, list[dict[str, Any]]]


def privacy_router(service: str, finder: Finder) -> APIRouter:
    """`POST /internal/privacy/export`: this service's part of an export, for the gateway
    alone (a signed admin context; the gateway proxies no `/internal` path)."""
    router = APIRouter(include_in_schema=False)

    @router.post("/internal/privacy/export")
    async def export(body: ExportAsk, ctx: Ctx, db: Db) -> ExportPart:
        if not ctx.is_admin:
            raise Forbidden("only a tenant admin may export a person's data")
        part = await finder(db, ctx.tenant, Person.of(body), False)
        return ExportPart(service=service, found=part.found, data=part.data)

    return router


def privacy_ddl(app_role: str) -> list[str]:
    """The purge function each service's privacy migration creates (`purge_published`)."""
    tenant = f"NULLIF(current_setting('{TENANT_SETTING}', true), '')::uuid"
    return [
        f"""CREATE OR REPLACE FUNCTION {PURGE_FUNCTION}(p_subjects text[], p_texts text[])
        RETURNS integer LANGUAGE plpgsql VOLATILE SECURITY DEFINER
        SET search_path = public, pg_temp AS $$
        DECLARE n integer; m integer;
        BEGIN
            DELETE FROM outbox o WHERE o.tenant_id = {tenant} AND o.sent_at IS NOT NULL
              AND (o.payload->>'subject' = ANY(p_subjects)
                   OR EXISTS (SELECT 1 FROM unnest(p_texts) t
                              WHERE strpos(o.payload::text, t) > 0));
            GET DIAGNOSTICS n = ROW_COUNT;
            DELETE FROM idempotency_keys k WHERE k.tenant_id = {tenant} AND k.body IS NOT NULL
              AND EXISTS (SELECT 1 FROM unnest(p_texts) t
                          WHERE position(convert_to(t, 'UTF8') IN k.body) > 0);
            GET DIAGNOSTICS m = ROW_COUNT;
            RETURN n + m;
        END $$""",
        f"REVOKE ALL ON FUNCTION {PURGE_FUNCTION}(text[], text[]) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {PURGE_FUNCTION}(text[], text[]) TO {app_role}",
        # A service that keeps a person only in its events (capture) finds them there.
        f"""CREATE OR REPLACE FUNCTION {SCAN_FUNCTION}(p_types text[])
        RETURNS TABLE (event_id uuid, subject text, data jsonb)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT o.event_id, o.payload->>'subject', o.payload->'data' FROM outbox o
            WHERE o.tenant_id = {tenant} AND o.event_type = ANY(p_types)
        $$""",
        f"REVOKE ALL ON FUNCTION {SCAN_FUNCTION}(text[]) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {SCAN_FUNCTION}(text[]) TO {app_role}",
    ]


def drop_privacy_ddl() -> list[str]:
    return [f"DROP FUNCTION IF EXISTS {PURGE_FUNCTION}(text[], text[])",
            f"DROP FUNCTION IF EXISTS {SCAN_FUNCTION}(text[])"]


def sql_keep_safe(column: str) -> str:
    """SQL: a jsonb object `column` with only what cannot name a person: numbers, booleans,
    ids, and the short keys in SAFE_KEYS (boxes, channels, kinds)."""
    keys = ", ".join(f"'{k}'" for k in SAFE_KEYS)
    return (f"coalesce((SELECT jsonb_object_agg(k, v) FROM jsonb_each({column}) AS e(k, v) "
            f"WHERE jsonb_typeof(v) IN ('number', 'boolean', 'null') OR (jsonb_typeof(v) = "
            f"'string' AND (v #>> '{{}}' ~* '^[0-9a-f]{{8}}-[0-9a-f-]{{27}}$' OR k IN ({keys})"
            f"))), '{{}}'::jsonb)")

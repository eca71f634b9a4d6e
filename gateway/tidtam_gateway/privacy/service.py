"""Data-subject requests (PDPA), owned by the gateway: the request names the person by keyed
hashes only (crmkit.privacy), `privacy.requested` goes to every service, each answers
`privacy.answered` (counts, what it kept and why), and an export's archive is gathered from
each service's internal export endpoint when the admin downloads it: no personal data is
stored here or passes through a retained event."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.consumer import Delivery
from crmkit.errors import Conflict, FieldError, NotFound, Unprocessable
from crmkit.privacy import Person, dead_letter_queues, purge_archive, request_hashes
from tidtam_contracts.privacy import PrivacyAnsweredV1, PrivacyRequestedV1, PrivacyResolvedV1

from .. import eventing
from ..common import Page
from ..contracts import EVENTS
from ..proxy.router import OWNED_PREFIXES
from . import repository
from .schemas import PrivacyRequestIn, PrivacyRequestOut, ServiceProgress

# Every service that holds tenant data answers (the gateway itself holds none of a data
# subject's: its users are the tenant's staff). Those of IDENTITY know people by their keys
# and answer `privacy.requested`; once they have, `privacy.resolved` adds the ids of the
# records they found, for the services that know the person only by those ids.
SERVICES: list[str] = sorted(OWNED_PREFIXES)
IDENTITY: list[str] = ["accounts", "leads"]
HASHES = ("email_hash", "phone_hash", "line_id_hash")


async def create(session: AsyncSession, *, tenant_id: uuid.UUID, user_id: uuid.UUID,
                 secret: str, body: PrivacyRequestIn) -> PrivacyRequestOut:
    if not (body.email or body.phone or body.line_id):
        raise Unprocessable("name the person: give at least one of email, phone, line_id",
                            fields=[FieldError(field="body", code="missing",
                                               message="give email, phone or line_id")])
    hashes = request_hashes(secret, email=body.email, phone=body.phone, line_id=body.line_id)
    request_id = uuid.uuid4()
    await repository.insert(session, tenant_id=tenant_id, request_id=request_id,
                            kind=body.kind, hashes=hashes, requested_by=user_id,
                            services=SERVICES)
    await eventing.stage(session, PrivacyRequestedV1(
        request_id=request_id, kind=body.kind, requested_by=user_id,
        requested_at=datetime.now(UTC), **hashes), tenant_id=tenant_id, subject=request_id)
    return await get(session, request_id)


def _out(row: dict[str, Any], answers: list[dict[str, Any]]) -> PrivacyRequestOut:
    services = [ServiceProgress(service=a["service"],
                                status="done" if a["answered_at"] else "pending",
                                found=a["found"] or {}, kept=a["kept"] or [],
                                answered_at=a["answered_at"]) for a in answers]
    done = row["completed_at"] is not None
    return PrivacyRequestOut(
        id=row["id"], kind=row["kind"],
        keys=[k for k in ("email", "phone", "line_id") if row[f"{k}_hash"]],
        status="done" if done else "pending", requested_by=row["requested_by"],
        created_at=row["created_at"], completed_at=row["completed_at"], services=services,
        archive_url=(f"/api/v1/privacy/requests/{row['id']}/archive"
                     if done and row["kind"] == "export" else None))


async def get(session: AsyncSession, request_id: uuid.UUID) -> PrivacyRequestOut:
    row = await repository.get(session, request_id)
    if row is None:
        raise NotFound("no privacy request with this id")
    return _out(row, (await repository.answers(session, [request_id])).get(request_id, []))


def _cursor(row: dict[str, Any]) -> str:
    raw = f"{row['created_at'].isoformat()}|{row['id']}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, _, rid = raw.partition("|")
        return datetime.fromisoformat(at), uuid.UUID(rid)
    except (ValueError, UnicodeDecodeError):
        # Any base64url string is a position (the schema's pattern): one we never gave is
        # before every request, so its page is empty.
        return datetime.min.replace(tzinfo=UTC), uuid.UUID(int=0)


async def page(session: AsyncSession, *, limit: int, cursor: str | None
               ) -> Page[PrivacyRequestOut]:
    rows = await repository.page(session, limit=limit, after=_decode(cursor))
    more = len(rows) > limit
    rows = rows[:limit]
    answers = await repository.answers(session, [r["id"] for r in rows])
    return Page[PrivacyRequestOut](items=[_out(r, answers.get(r["id"], [])) for r in rows],
                                   next_cursor=_cursor(rows[-1]) if more else None)


async def for_archive(session: AsyncSession, request_id: uuid.UUID) -> dict[str, Any]:
    """The export request whose archive may be built now (409 otherwise)."""
    row = await repository.get(session, request_id)
    if row is None:
        raise NotFound("no privacy request with this id")
    if row["kind"] != "export":
        raise Conflict("an erase request has no archive", code="not_an_export")
    if row["completed_at"] is None:
        raise Conflict("not every service has answered yet; try again when the request's "
                       "status is done", code="privacy_request_pending")
    return row


async def on_answered(session: AsyncSession, event: Delivery[PrivacyAnsweredV1]) -> None:
    answer = event.data
    if not await repository.record_answer(
            session, request_id=answer.request_id, service=answer.service, found=answer.found,
            kept=[k.model_dump() for k in answer.kept], subjects=answer.subjects,
            answered_at=answer.answered_at):
        return
    subjects = await repository.resolve_if_identified(session, answer.request_id, IDENTITY)
    if subjects is not None:
        row = await repository.get(session, answer.request_id)
        assert row is not None
        await eventing.stage(session, PrivacyResolvedV1(
            request_id=row["id"], kind=row["kind"], subjects=subjects,
            **{k: row[k] for k in HASHES}), tenant_id=event.tenant.value, subject=row["id"],
            sequence=2)
    if await repository.complete_if_answered(session, answer.request_id) \
            and answer.kind == "erase":
        # Last, once every service has erased: the archive queue's copies of the person's
        # events go too, and those in every service's dead-letter queue (a failure fails
        # the handler, which is retried; purging is idempotent).
        row = await repository.get(session, answer.request_id)
        assert row is not None
        person = Person.from_hashes({k: row[k] for k in HASHES},
                                    await repository.subjects(session, answer.request_id))
        await purge_archive(person, str(event.tenant.value),
                            dead_letter_queues([*SERVICES, EVENTS.service]))

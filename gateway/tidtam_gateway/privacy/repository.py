"""All SQL of data-subject requests (the tenant's session: RLS applies)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

_COLUMNS = ("id, kind, email_hash, phone_hash, line_id_hash, requested_by, created_at, "
            "completed_at")


async def insert(session: AsyncSession, *, tenant_id: uuid.UUID, request_id: uuid.UUID,
                 kind: str, hashes: dict[str, str | None], requested_by: uuid.UUID,
                 services: list[str]) -> None:
    await session.execute(sa.text(
        "INSERT INTO privacy_requests (tenant_id, id, kind, email_hash, phone_hash, "
        "line_id_hash, requested_by) VALUES (:t, :id, :kind, :e, :p, :l, :by)"),
        {"t": tenant_id, "id": request_id, "kind": kind, "e": hashes["email_hash"],
         "p": hashes["phone_hash"], "l": hashes["line_id_hash"], "by": requested_by})
    await session.execute(sa.text(
        "INSERT INTO privacy_answers (tenant_id, request_id, service) "
        "SELECT :t, :id, unnest(CAST(:services AS text[]))"),
        {"t": tenant_id, "id": request_id, "services": services})


async def get(session: AsyncSession, request_id: uuid.UUID) -> dict[str, Any] | None:
    row = (await session.execute(sa.text(
        f"SELECT {_COLUMNS} FROM privacy_requests WHERE id = :id"), {"id": request_id})).first()
    return dict(row._mapping) if row else None


async def page(session: AsyncSession, *, limit: int,
               after: tuple[datetime, uuid.UUID] | None) -> list[dict[str, Any]]:
    where = "WHERE (created_at, id) < (:at, :id)" if after else ""
    params: dict[str, Any] = {"n": limit + 1}
    if after:
        params.update(at=after[0], id=after[1])
    result = await session.execute(sa.text(
        f"SELECT {_COLUMNS} FROM privacy_requests {where} ORDER BY created_at DESC, id DESC "
        "LIMIT :n"), params)
    return [dict(r._mapping) for r in result]


async def answers(session: AsyncSession, request_ids: list[uuid.UUID]
                  ) -> dict[uuid.UUID, list[dict[str, Any]]]:
    result = await session.execute(sa.text(
        "SELECT request_id, service, found, kept, answered_at FROM privacy_answers "
        "WHERE request_id = ANY(:ids) ORDER BY service"), {"ids": request_ids})
    out: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for r in result:
        out.setdefault(r.request_id, []).append(dict(r._mapping))
    return out


async def record_answer(session: AsyncSession, *, request_id: uuid.UUID, service: str,
                        found: dict[str, int], kept: list[dict[str, Any]],
                        subjects: list[uuid.UUID], answered_at: datetime) -> bool:
    """The service's answer; False when the request is unknown (or the service was not
    asked: then its answer is added)."""
    result = await session.execute(sa.text(
        "INSERT INTO privacy_answers (tenant_id, request_id, service, found, kept, subjects, "
        "answered_at) SELECT tenant_id, id, :s, CAST(:f AS jsonb), CAST(:k AS jsonb), :subj, "
        ":at FROM privacy_requests WHERE id = :id "
        "ON CONFLICT (tenant_id, request_id, service) DO UPDATE SET found = excluded.found, "
        "kept = excluded.kept, subjects = excluded.subjects, "
        "answered_at = excluded.answered_at RETURNING 1"),
        {"id": request_id, "s": service, "f": json.dumps(found), "k": json.dumps(kept),
         "subj": subjects, "at": answered_at})
    return result.first() is not None


async def complete_if_answered(session: AsyncSession, request_id: uuid.UUID) -> bool:
    """Marks the request complete when every service answered; True when it just did."""
    result = await session.execute(sa.text(
        "UPDATE privacy_requests r SET completed_at = now() WHERE id = :id "
        "AND completed_at IS NULL AND NOT EXISTS (SELECT 1 FROM privacy_answers a "
        "WHERE a.request_id = r.id AND a.answered_at IS NULL) RETURNING 1"),
        {"id": request_id})
    return result.first() is not None


async def resolve_if_identified(session: AsyncSession, request_id: uuid.UUID,
                                identity: list[str]) -> list[uuid.UUID] | None:
    """When every service of `identity` has answered (and not before, and once), the ids
    they found; None otherwise."""
    result = await session.execute(sa.text(
        "UPDATE privacy_requests r SET resolved_at = now() WHERE id = :id "
        "AND resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM privacy_answers a "
        "WHERE a.request_id = r.id AND a.service = ANY(:identity) AND a.answered_at IS NULL) "
        "RETURNING 1"), {"id": request_id, "identity": identity})
    if result.first() is None:
        return None
    return await subjects(session, request_id)


async def subjects(session: AsyncSession, request_id: uuid.UUID) -> list[uuid.UUID]:
    result = await session.execute(sa.text(
        "SELECT DISTINCT unnest(subjects) FROM privacy_answers WHERE request_id = :id"),
        {"id": request_id})
    return sorted(r[0] for r in result)

"""`Idempotency-Key`: a client whose answer was lost retries a POST without making twice.

A POST that changes something takes an optional `Idempotency-Key` header (1-255 printable
ASCII characters; a UUID is a good one). The first request with a key runs, and its answer
is kept with the key for 24 hours, per tenant. A repeat with the same key, method, path and
body, from the same caller, gets that answer again (status and body byte for byte, plus
`Idempotent-Replayed: true`) and changes nothing. The same key with another body, method,
path or caller is 422 naming `header.Idempotency-Key`.

Nothing lost, nothing twice, by the request's own transaction (commit only at the edge):
- The key is claimed first, in the transaction the handler then works in (INSERT ... ON
  CONFLICT). A concurrent request with the same key waits on the key's unique index until
  the first commits, then replays its answer; if the first rolled back, it runs itself.
  Twenty at once make one, and none is told to come back later.
- The answer, as serialised for sending, is written to the key's row just before the edge
  commits: the resource and its key become durable together, so no crash leaves one
  without the other.
- An error rolls both back: nothing was made and nothing is kept, so a retry runs anew.
- A key older than 24 hours is not honoured (a request with it runs as new); housekeeping
  deletes it (crmkit.housekeeping).

Wiring: the route's session is an idempotent unit of work (`crmkit.deps.IdempotentDb`, or
the gateway's), whose dependency declares the header (so OpenAPI documents it), and its
router has `route_class=IdempotentRoute`, which records the answer after serialisation and
before the commit. Without the header, the cost is one header lookup.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
import orjson
from fastapi import Header, Request, Response
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import failpoints
from .context import TenantId
from .db import driver, set_tenant, unit_of_work
from .errors import Unprocessable
from .schema import OPERATOR_SCOPE

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL_SECONDS = 24 * 3600
FIELD = f"header.{HEADER}"
OPERATOR = "operator"
# Printable ASCII with at least one non-space. Spaces around it are not part of the key
# (nor of any HTTP field value, RFC 9110 5.5; the gateway does not forward them).
KEY_PATTERN = r"^[\x20-\x7e]*[\x21-\x7e][\x20-\x7e]*$"
_KEY = re.compile(KEY_PATTERN)
_CLAIM = "crmkit.idempotency.claim"  # request.scope: the claim the route class records


def _string_schema(schema: dict[str, Any]) -> None:
    """Document the header as the string it is (a header is never null), with the rule
    check_key enforces (the handler's own message says what to fix)."""
    schema.pop("anyOf", None)
    schema.update(type="string", minLength=1, maxLength=255, pattern=KEY_PATTERN)


KeyHeader = Annotated[str | None, Header(
    alias=HEADER,
    description=(
        "Optional. A value of your own, new for each operation you may need to retry (a "
        "UUID is a good one): a repeat with the same key, method, path and body within 24 "
        "hours returns the first answer (header `Idempotent-Replayed: true`) and changes "
        "nothing; the same key with another body, method or path is 422. 1-255 printable "
        "ASCII characters."),
    json_schema_extra=_string_schema,
)]

_CLAIM_SQL = """
INSERT INTO idempotency_keys AS k (tenant_id, key, caller, method, path, fingerprint)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (tenant_id, key) DO UPDATE
    SET caller = EXCLUDED.caller, method = EXCLUDED.method, path = EXCLUDED.path,
        fingerprint = EXCLUDED.fingerprint, status = NULL, content_type = NULL,
        body = NULL, created_at = now()
    WHERE k.created_at < now() - make_interval(secs => $7)
RETURNING 1"""
_FIRST_SQL = """SELECT caller, method, path, fingerprint, status, content_type, body
FROM idempotency_keys WHERE tenant_id = $1 AND key = $2"""
_RECORD_SQL = """UPDATE idempotency_keys SET status = $3, content_type = $4, body = $5
WHERE tenant_id = $1 AND key = $2"""


class Replayed(Exception):
    """Raised by the claim when the key already has an answer; IdempotentRoute sends it."""

    def __init__(self, response: Response) -> None:
        super().__init__("replayed")
        self.response = response


def check_key(value: str) -> str:
    """The key in `value`: 1-255 printable ASCII characters, not all spaces; the spaces
    around it dropped."""
    if len(value) > 255 or not _KEY.fullmatch(value):
        raise Unprocessable.on(FIELD, "must be 1 to 255 printable ASCII characters (letters, "
                                      "digits, punctuation, space), not only spaces; a UUID "
                                      "is a good key", code="invalid_idempotency_key")
    return value.strip(" ")


def fingerprint(method: str, target: str, body: bytes) -> bytes:
    """What "the same request" means: method, path with query, and the body as JSON (key
    order and spacing do not matter; a body that is not JSON counts byte for byte)."""
    try:
        canonical = orjson.dumps(orjson.loads(body), option=orjson.OPT_SORT_KEYS) if body \
            else b""
    except (ValueError, TypeError):  # not JSON, or beyond what orjson reads
        canonical = body
    return hashlib.sha256(f"{method} {target}\n".encode() + canonical).digest()


@dataclass
class Claim:
    session: AsyncSession
    scope: uuid.UUID
    tenant: uuid.UUID | None  # the session's tenant the key belongs to (None: operator)
    key: str
    recorded: bool = False

    async def record(self, response: Response) -> None:
        if self.session.info.get("tenant") != self.tenant:
            await set_tenant(self.session, self.tenant)  # the operator made a tenant
        await record_on(await driver(self.session), self.scope, self.key, response)
        self.recorded = True


async def record_on(conn: asyncpg.Connection, scope: uuid.UUID, key: str,
                    response: Response) -> None:
    """Write the answer, as sent, to the key's row claimed in this transaction."""
    body = getattr(response, "body", None)
    if not isinstance(body, bytes):
        raise RuntimeError("an idempotent route must answer with a body, not a stream")
    status = await conn.execute(_RECORD_SQL, scope, key, response.status_code,
                                response.headers.get("content-type"), body)
    if status != "UPDATE 1":
        raise RuntimeError(f"the idempotency key's row was not there to record ({status})")


def _target(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


async def _claim(session: AsyncSession, request: Request, tenant: TenantId | None, key: str,
                 caller: str) -> Claim:
    """Own the key in this transaction, or raise: Replayed with the first answer, or 422."""
    scope = await claim_on(await driver(session), request, tenant, key, caller)
    claim = Claim(session, scope, tenant.value if tenant else None, key)
    request.scope[_CLAIM] = claim
    return claim


async def claim_on(conn: asyncpg.Connection, request: Request, tenant: TenantId | None,
                   key: str, caller: str) -> uuid.UUID:
    """Own the key in the connection's transaction (its scope returned: the tenant, or the
    operator's), or raise: Replayed with the first answer, or 422."""
    scope = tenant.value if tenant is not None else uuid.UUID(OPERATOR_SCOPE)
    method, target = request.method, _target(request)
    digest = fingerprint(method, target, await request.body())
    for _ in range(2):  # a first answer that expired between the two statements: claim again
        if await conn.fetchval(_CLAIM_SQL, scope, key, caller, method, target, digest,
                               float(TTL_SECONDS)):
            return scope
        first = await conn.fetchrow(_FIRST_SQL, scope, key)
        if first is not None:
            break
    else:
        raise RuntimeError("an idempotency key could be neither claimed nor read")
    if first["caller"] != caller:
        raise Unprocessable.on(FIELD, "this key was already used by another caller; send "
                                      "a new key", code="idempotency_key_reused")
    if (first["method"], first["path"]) != (method, target):
        raise Unprocessable.on(FIELD, f"this key was already used for {first['method']} "
                                      f"{first['path']}; send a new key for another request",
                               code="idempotency_key_reused")
    if first["fingerprint"] != digest:
        raise Unprocessable.on(FIELD, "this key was already used with a different body; "
                                      "send the same body to repeat that request, or a new "
                                      "key for a new one", code="idempotency_key_reused")
    if first["status"] is None:  # only the claiming transaction sees its row unanswered
        raise RuntimeError("a committed idempotency key has no answer")
    headers = {REPLAYED_HEADER: "true"}
    if first["content_type"]:
        headers["content-type"] = first["content_type"]
    raise Replayed(Response(first["body"], status_code=first["status"], headers=headers))


@asynccontextmanager
async def idempotent_unit_of_work(
    maker: async_sessionmaker[AsyncSession], tenant: TenantId | None, request: Request,
    key: str | None, *, caller: str,
) -> AsyncIterator[AsyncSession]:
    """crmkit.db.unit_of_work, which with a key first claims it (or replays its answer)
    and commits only once the answer is recorded. `tenant` None: the operator's keys."""
    if not isinstance(request.scope.get("route"), IdempotentRoute):
        raise RuntimeError(f"{request.method} {request.url.path} takes an Idempotency-Key: "
                           "give its router route_class=IdempotentRoute")
    async with unit_of_work(maker, tenant) as session:
        claim = None
        if key is not None:
            claim = await _claim(session, request, tenant, check_key(key), caller)
        yield session
        if claim is not None:
            if not claim.recorded:
                raise RuntimeError("the answer to an idempotent request was not recorded")
            failpoints.hit("idempotency.before_commit")  # tests: a crash with both unsaved
    if claim is not None:
        failpoints.hit("idempotency.after_commit")  # tests: both saved, the answer lost


async def answered(maker: async_sessionmaker[AsyncSession], tenant: TenantId | None,
                   request: Request, key: str | None, *, caller: str,
                   handler: Callable[[AsyncSession], Awaitable[Response]]) -> Response:
    """`idempotent_unit_of_work` run from inside a route (one that chose between this and
    crmkit.rawtx itself): `handler(session)`'s answer is recorded with the key before the
    commit, as IdempotentRoute would after a dependency's session."""
    async with idempotent_unit_of_work(maker, tenant, request, key, caller=caller) as session:
        response = await handler(session)
        claim: Claim | None = request.scope.pop(_CLAIM, None)
        if claim is not None:
            await claim.record(response)
    return response


def _takes_key(dependant: Dependant) -> bool:
    return (any(param.alias == HEADER for param in dependant.header_params)
            or any(_takes_key(sub) for sub in dependant.dependencies))


class IdempotentRoute(APIRoute):
    """Records the answer of a request that claimed an Idempotency-Key, after FastAPI
    serialised it and before the session's edge commit; sends a replayed answer. Routes of
    the router that take no key (its GETs) keep FastAPI's handler as it is."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not _takes_key(self.dependant):
            return handler

        async def handle(request: Request) -> Response:
            try:
                response = await handler(request)
            except Replayed as replay:
                return replay.response
            claim: Claim | None = request.scope.get(_CLAIM)
            if claim is not None:
                await claim.record(response)
            return response

        return handle

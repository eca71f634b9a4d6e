"""Reads from the accounts service over HTTP, for a lead made from an account.

The caller's signed context (`X-Tidtam-Context`) is forwarded unchanged, so the accounts
service applies the caller's own account visibility: what they may not see is 404 there, and
404 here. One pooled `httpx.AsyncClient` per process (created in the app's lifespan).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Literal, TypeVar

import httpx
from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from crmkit.context import HEADER
from crmkit.errors import NotFound, ServiceUnavailable
from crmkit.logging import correlation_id

UNAVAILABLE = ("the accounts service is unavailable, so the account could not be read; try "
               "again, or create the lead without account_id")


M = TypeVar("M", bound=BaseModel)

class AccountIn(BaseModel):
    """What leads uses of the accounts service's AccountOut (other fields are ignored)."""

    id: uuid.UUID
    kind: Literal["company", "person"]
    name: str
    phones: list[str] = []
    emails: list[str] = []


class ContactIn(BaseModel):
    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    phones: list[str] = []
    emails: list[str] = []


class ContactsIn(BaseModel):
    items: list[ContactIn]


def http_client(base_url: str, timeout: float, *, keep_alive: float) -> httpx.AsyncClient:
    """Idle connections are dropped at half the accounts service's keep-alive (assumed the
    same TIDTAM_KEEP_ALIVE_SECONDS as ours), so none is used as the service closes it; a
    connection that cannot be made is tried once more (nothing was sent)."""
    limits = httpx.Limits(keepalive_expiry=keep_alive / 2)
    return httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(timeout),
                             transport=httpx.AsyncHTTPTransport(retries=1, limits=limits),
                             follow_redirects=False)


class AccountsReader:
    """The accounts service, as the caller of this request."""

    def __init__(self, http: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.http = http
        self.headers = headers

    async def account(self, account_id: uuid.UUID) -> AccountIn:
        return await self._get(f"/api/v1/accounts/{account_id}", AccountIn, "body.account_id",
                               f"no account {account_id} that you may see")

    async def contact(self, *, account_id: uuid.UUID, contact_id: uuid.UUID) -> ContactIn:
        return await self._get(f"/api/v1/accounts/{account_id}/contacts/{contact_id}",
                               ContactIn, "body.contact_id",
                               f"account {account_id} has no contact {contact_id}")

    async def primary_contact(self, account_id: uuid.UUID) -> ContactIn | None:
        """The account's primary contact, if it has one."""
        page = await self._get(f"/api/v1/accounts/{account_id}/contacts", ContactsIn,
                               "body.account_id", f"no account {account_id} that you may see",
                               params={"is_primary": "true", "limit": "1"})
        return page.items[0] if page.items else None

    async def _get(self, path: str, model: type[M], field: str, missing: str,
                   params: dict[str, str] | None = None) -> M:
        try:
            r = await self.http.get(path, headers=self.headers, params=params)
        except httpx.HTTPError as exc:
            raise ServiceUnavailable(f"{UNAVAILABLE} ({exc.__class__.__name__})") from exc
        if r.status_code == 404:
            raise NotFound.on(field, missing, code="not_found")
        if r.status_code != 200:
            raise ServiceUnavailable(f"{UNAVAILABLE} (it answered {r.status_code})")
        try:
            return model.model_validate_json(r.content)
        except ValidationError as exc:
            raise ServiceUnavailable(f"{UNAVAILABLE} (unexpected answer)") from exc


async def get_accounts(request: Request) -> AccountsReader:
    headers = {HEADER: request.headers.get(HEADER, "")}
    cid = correlation_id.get()
    if cid:
        headers["X-Correlation-ID"] = cid
    return AccountsReader(request.app.state.accounts_http, headers)


Accounts = Annotated[AccountsReader, Depends(get_accounts)]

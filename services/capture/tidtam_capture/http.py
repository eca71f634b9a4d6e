"""One outbound HTTP client per process for the consumers' calls (LINE's profiles, Facebook's
Graph API): made on first use in the running loop and closed with the app. A client per call
would build a TLS context (the CA bundle read and parsed) for every event, which costs more
than the call itself on a busy machine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

KEY = "capture_http"


class Outbound:
    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                limits=httpx.Limits(max_connections=50, max_keepalive_connections=10))
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def outbound(session: AsyncSession) -> httpx.AsyncClient:
    """The process's client (from the sessions' info, seeded by the app)."""
    holder: Outbound = session.info[KEY]
    return holder.client()


def resource(holder: Outbound) -> Any:
    @asynccontextmanager
    async def run(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await holder.aclose()

    return run

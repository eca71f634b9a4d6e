"""The render workers: a pool of processes, each with WeasyPrint and the fonts loaded once,
under an address-space limit. A render that outlives its time limit is stopped the only way
WeasyPrint can be: its pool is killed and a new one started; the caller gets 503."""

from __future__ import annotations

import asyncio
import multiprocessing
import resource
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from multiprocessing.pool import Pool
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from crmkit.errors import ServiceUnavailable, Unprocessable
from crmkit.runtime import Resource

from . import html2pdf


def _start_worker(memory_mb: int) -> None:
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    html2pdf.warm()


def _ready() -> bool:
    return True


# Seconds a new worker may take to import WeasyPrint and prepare the fonts (about 1 s of CPU;
# far more on a loaded machine): not counted in a render's own time limit.
START_TIMEOUT = 120.0


class Renderer:
    def __init__(self, *, processes: int, timeout: float, memory_mb: int) -> None:
        self.processes, self.timeout, self.memory_mb = processes, timeout, memory_mb
        self._pool: Pool | None = None
        self._warm: asyncio.Future[bool] | None = None

    def start(self) -> None:
        """Starts the workers; `render` waits until one has warmed up."""
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = context.Pool(self.processes, initializer=_start_worker,
                                      initargs=(self.memory_mb,))
            self._warm = asyncio.ensure_future(asyncio.to_thread(
                self._pool.apply_async(_ready).get, START_TIMEOUT))

    async def _started(self) -> Pool:
        self.start()
        assert self._pool is not None and self._warm is not None
        pool = self._pool
        try:
            await asyncio.shield(self._warm)
        except multiprocessing.TimeoutError:
            # Workers that cannot even start (a machine far too busy) are a 503 like a slow
            # render, never a 500; the next PDF starts a fresh pool.
            if self._pool is pool:
                self.close()
            raise ServiceUnavailable(f"the PDF workers did not start within "
                                     f"{START_TIMEOUT:g} s; try again", code="render_timeout"
                                     ) from None
        return pool

    async def render(self, html: str) -> bytes:
        result = (await self._started()).apply_async(html2pdf.render, (html,))
        try:
            pdf: bytes = await asyncio.to_thread(result.get, self.timeout)
        except multiprocessing.TimeoutError:
            self.close()
            raise ServiceUnavailable(f"the PDF took longer than {self.timeout:g} s to render; "
                                     "try again, or shorten the document",
                                     code="render_timeout") from None
        except MemoryError:
            raise Unprocessable("the document needs more memory to render than allowed; "
                                "shorten it", code="render_memory") from None
        return pdf

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = self._warm = None


def renderer_resource(*, processes: int, timeout: float, memory_mb: int) -> Resource:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        renderer = Renderer(processes=processes, timeout=timeout, memory_mb=memory_mb)
        app.state.renderer = renderer
        # The workers start at the first PDF, not here: spawning them (WeasyPrint, the fonts)
        # beside the service's own start-up kept a busy machine's service from being ready
        # in time (the e2e system waits 30 s). Their warm-up is not in a render's time limit.
        try:
            yield
        finally:
            await asyncio.to_thread(renderer.close)

    return lifespan


def _renderer(request: Request) -> Renderer:
    found: Renderer = request.app.state.renderer
    return found


Rendering = Annotated[Renderer, Depends(_renderer)]
